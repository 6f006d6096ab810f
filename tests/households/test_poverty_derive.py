"""The third function of `households.poverty`: each indicator derived from member and dwelling facts at its age
and area thresholds (docs/domain.md §2), derived vs entered, and overrides that need a reason."""
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from households import poverty as p
from tests.households.test_poverty import ND07, ND351

ON = dt.date(2026, 10, 15)


def born(years: int, days: int = 0) -> str:
    """A birth date making the person exactly `years` old on ON (minus `days` days short of it)."""
    return (dt.date(ON.year - years, ON.month, ON.day) + dt.timedelta(days=days)).isoformat()


def adult(**facts):
    return {"name": "Người lớn", "sex": "male", "birth_date": born(35), "work": p.WORK_SELF, "health_insurance": True, **facts}


def derive(facts, standard=ND07):
    return p.derive_indicators(standard, facts=facts, on=ON)


def value(facts, code, standard=ND07):
    return derive(facts, standard)[code].deprived


# indicator 4: health insurance from age 6 ("từ đủ 6 tuổi")
def test_a_member_turning_six_on_the_review_day_without_insurance_is_a_deprivation():
    facts = {"members": [adult(), {"name": "Bé", "birth_date": born(6), "health_insurance": False}]}
    assert value(facts, "4") is True


def test_a_child_one_day_short_of_six_without_insurance_is_not():
    facts = {"members": [adult(), {"name": "Bé", "birth_date": born(6, days=1), "health_insurance": False}]}
    assert value(facts, "4") is False


def test_insurance_unknown_for_someone_leaves_indicator_four_to_the_officer_unless_another_settles_it():
    unknown = {"members": [adult(), {"name": "Bà", "birth_date": born(70)}]}
    assert value(unknown, "4") is None
    settled = {"members": [adult(health_insurance=False), {"name": "Bà", "birth_date": born(70)}]}
    assert value(settled, "4") is True


# indicator 2: dependants more than half (children under 16, people from 60, disability allowance)
@pytest.mark.parametrize(
    "ages,disabled,expected",
    [
        ([35, 15], [], False),  # 1 of 2 = 50 %: not more than half
        ([35, 15, 60], [], True),  # 2 of 3
        ([35, 16, 60], [], False),  # 16 is no longer a child
        ([35, 15, 59], [], False),  # 59 is not yet elderly
        ([35, 40, 10], [1], True),  # a 40-year-old on disability allowance and a child: 2 of 3
        ([35, 40, 20, 10], [1], False),  # 2 of 4
    ],
)
def test_dependants_share_at_its_age_thresholds(ages, disabled, expected):
    members = [{"name": f"N{i}", "birth_date": born(a)} for i, a in enumerate(ages)]
    for i in disabled:
        members[i]["disability_allowance"] = True
    assert value({"members": members}, "2") is expected


def test_dependants_need_birth_dates_unless_the_known_ones_settle_it():
    assert value({"members": [{"name": "A", "birth_date": born(30)}, {"name": "C", "birth_date": born(5)}, {"name": "B"}]}, "2") is None
    assert value({"members": [{"name": "A", "birth_date": born(30)}, {"name": "B"}]}, "2") is False  # at most 1 of 2
    assert value({"members": [{"name": "A", "birth_date": born(5)}, {"name": "B", "birth_date": born(3)}, {"name": "C"}]}, "2") is True


# indicator 3: nutrition of children under 16
def test_a_malnourished_fifteen_year_old_is_a_deprivation_a_sixteen_year_old_is_not_counted():
    assert value({"members": [adult(), {"name": "Con", "birth_date": born(15), "malnourished": True}]}, "3") is True
    assert value({"members": [adult(), {"name": "Con", "birth_date": born(16), "malnourished": True}]}, "3") is False
    assert value({"members": [adult(), {"name": "Con", "birth_date": born(4)}]}, "3") is None


# indicator 5: adults 16–30 without the schooling expected for the age and not in training
@pytest.mark.parametrize(
    "age,education,training,expected",
    [
        (15, "primary", False, False),  # under 16: not counted here (indicator 6 covers schooling)
        (16, "primary", False, True),
        (16, "lower_secondary", False, False),
        (17, "lower_secondary", False, False),
        (18, "lower_secondary", False, True),  # from 18 upper secondary or vocational is expected
        (18, "vocational", False, False),
        (25, "upper_secondary", False, False),
        (30, "lower_secondary", False, True),
        (30, "lower_secondary", True, False),  # in training
        (31, "none", False, False),  # over 30: not counted
    ],
)
def test_adult_education_at_its_age_thresholds(age, education, training, expected):
    facts = {"members": [adult(birth_date=born(40)), {"name": "Thanh niên", "birth_date": born(age), "education": education, "in_training": training}]}
    assert value(facts, "5") is expected


# indicator 6: children from 3 to under 16 not in school at the right level
@pytest.mark.parametrize("age,expected", [(2, False), (3, True), (10, True), (15, True), (16, False)])
def test_child_schooling_at_its_age_thresholds(age, expected):
    facts = {"members": [adult(), {"name": "Con", "birth_date": born(age), "in_school": False}]}
    assert value(facts, "6") is expected


# indicator 1: employment of working-age members (15 to the retirement age of the year)
@pytest.mark.parametrize(
    "sex,age,work,expected",
    [
        ("male", 14, p.WORK_UNEMPLOYED, False),
        ("male", 15, p.WORK_UNEMPLOYED, True),
        ("male", 30, p.WORK_NO_CONTRACT, True),
        ("male", 30, p.WORK_CONTRACT, False),
        ("male", 61, p.WORK_UNEMPLOYED, True),  # men retire at 61 years 6 months in 2026
        ("male", 62, p.WORK_UNEMPLOYED, False),
        ("female", 56, p.WORK_UNEMPLOYED, True),  # women at 57 in 2026
        ("female", 57, p.WORK_UNEMPLOYED, False),
    ],
)
def test_employment_counts_members_of_working_age_only(sex, age, work, expected):
    facts = {"members": [{"name": "Bà", "sex": "female", "birth_date": born(70)}, {"name": "X", "sex": sex, "birth_date": born(age), "work": work}]}
    assert value(facts, "1") is expected


def test_retirement_age_rises_by_the_decree_135_steps():
    assert p.retirement_age_months("male", 2021) == 60 * 12 + 3
    assert p.retirement_age_months("male", 2028) == 62 * 12
    assert p.retirement_age_months("male", 2035) == 62 * 12
    assert p.retirement_age_months("female", 2021) == 55 * 12 + 4
    assert p.retirement_age_months("female", 2035) == 60 * 12


# indicators 7–12: the dwelling
@pytest.mark.parametrize(
    "dwelling,expected",
    [
        ({"walls_durable": False, "columns_durable": False, "roof_durable": True}, True),  # 2 of 3 non-durable
        ({"walls_durable": False, "columns_durable": True, "roof_durable": True}, False),
        ({"walls_durable": True, "columns_durable": True}, False),  # two durable settle it
        ({"walls_durable": False}, None),
        ({"no_house": True}, True),
    ],
)
def test_housing_quality_two_of_three_materials(dwelling, expected):
    assert value({"members": [adult()], "dwelling": dwelling}, "7") is expected


@pytest.mark.parametrize("area,members,expected", [(24, 3, False), (23.9, 3, True), (8, 1, False), (7.9, 1, True), (None, 2, None)])
def test_floor_area_per_person_below_eight_square_metres(area, members, expected):
    facts = {"members": [adult(name=f"N{i}") for i in range(members)], "dwelling": {"floor_area": area}}
    assert value(facts, "8") is expected


@pytest.mark.parametrize("fact,code", [("safe_water", "9"), ("hygienic_latrine", "10"), ("internet", "11")])
def test_water_latrine_and_internet_follow_their_fact(fact, code):
    assert value({"dwelling": {fact: False}}, code) is True
    assert value({"dwelling": {fact: True}}, code) is False
    assert value({"dwelling": {}}, code) is None


def test_information_devices_any_one_is_enough():
    assert value({"dwelling": {"phone": True}}, "12") is False
    assert value({"dwelling": {"tv": False, "radio": False, "computer": False, "phone": False}}, "12") is True
    assert value({"dwelling": {"tv": False}}, "12") is None


def test_decree_351_reads_the_same_facts_in_its_own_order_and_adds_waste():
    facts = {"dwelling": {"internet": False, "safe_water": True, "waste_treated": False}}
    assert value(facts, "9", ND351) is True  # digital services/internet is 9 under Decree 351
    assert value(facts, "10", ND351) is False  # water is 10
    assert value(facts, "12", ND351) is True  # waste


def test_indicators_without_a_rule_are_entered():
    standard = p.Standard(code="X", name="X", rule=p.RULE_DECREE07, poor_line={"rural": 1, "urban": 1},
                          near_poor_line={"rural": 1, "urban": 1}, indicators={"1": "A"})
    assert derive({"dwelling": {"internet": False}}, standard)["1"].deprived is None


# derived vs entered, and overrides with reasons
def test_resolve_uses_the_derived_value_when_the_officer_agrees_or_says_nothing():
    derived = derive({"dwelling": {"safe_water": False, "internet": True}})
    values, missing = p.resolve_indicators(ND07, derived, {"9": True})
    assert values["9"] == p.IndicatorValue("9", True, p.DERIVED, True, "")
    assert values["11"].source == p.DERIVED and values["11"].deprived is False
    assert values["3"].source == p.ENTERED and values["3"].deprived is False
    assert missing == []


def test_overriding_a_derived_value_needs_a_reason_that_is_kept():
    derived = derive({"dwelling": {"safe_water": False}})
    values, missing = p.resolve_indicators(ND07, derived, {"9": False})
    assert missing == ["9"]
    values, missing = p.resolve_indicators(ND07, derived, {"9": False}, {"9": "Giếng khoan mới, đã xét nghiệm"})
    assert missing == []
    assert values["9"] == p.IndicatorValue("9", False, p.OVERRIDDEN, True, "Giếng khoan mới, đã xét nghiệm")


def test_an_indicator_the_facts_do_not_settle_takes_the_officers_tick():
    values, missing = p.resolve_indicators(ND07, derive({}), {"3": True})
    assert values["3"] == p.IndicatorValue("3", True, p.ENTERED, None, "")
    assert not missing


def test_no_working_capacity_when_no_member_of_working_age_can_work():
    elderly = {"members": [{"name": "Ông", "sex": "male", "birth_date": born(75)}, {"name": "Cháu", "sex": "female", "birth_date": born(9)}]}
    assert p.no_working_capacity(elderly, ON) is True
    ill = {"members": [{"name": "A", "sex": "male", "birth_date": born(40), "can_work": False}]}
    assert p.no_working_capacity(ill, ON) is True
    able = {"members": [{"name": "A", "sex": "male", "birth_date": born(40)}]}
    assert p.no_working_capacity(able, ON) is False


def test_the_mask_puts_each_indicator_on_its_position_bit():
    assert p.deprivation_mask(ND07, ["1", "12"]) == 1 | 1 << 11


@given(age=st.integers(min_value=0, max_value=100), insured=st.booleans())
def test_insurance_is_only_asked_from_six(age, insured):
    facts = {"members": [{"name": "X", "birth_date": born(age), "health_insurance": insured}]}
    expected = (not insured) if age >= 6 else False
    assert value(facts, "4") is expected
