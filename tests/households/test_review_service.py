"""`review_save`: the classification and change are computed (never typed), with the standard of the year and
the unit, area and ethnic group of the review date; indicators derived from facts; locking; history."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from households import services
from households.errors import StaleVersion
from households.models import AnnualReview, Area, Change, Classification, ReviewAction
from tests.conftest import unit
from tests.households.review_fixtures import make_household, make_old_village, save, town_household, trungyen_household  # noqa: F401

pytestmark = pytest.mark.django_db


def test_classification_and_reasons_are_computed_from_income_and_indicators(trungyen_household, tantrao_officer):
    review = save(trungyen_household, 2024, user=tantrao_officer, income=1_400_000, deprivations=["4", "7", "9"])
    assert review.classification == Classification.POOR
    assert review.deprivation_count == 3
    assert review.deprivation_mask == (1 << 3) | (1 << 6) | (1 << 8)
    assert review.reasons[-1] == "Kết quả: Hộ nghèo."
    assert review.standard.code == "ND07-2021"
    # It lived here at the end of 2023 and was on no list: a newly poor household, not a first review.
    assert review.change == Change.NEWLY_POOR


def test_a_review_of_the_first_year_of_the_figures_is_a_first_review(trungyen_household):
    review = save(trungyen_household, 2021, income=1_400_000, deprivations=["4", "7", "9"])
    assert review.change == Change.FIRST_REVIEW


def test_the_old_town_is_classified_with_the_urban_line_in_2024_and_the_rural_line_in_2026(town_household):
    before = save(town_household, 2024, income=1_800_000)
    after = save(town_household, 2026, income=1_800_000, day=dt.date(2026, 9, 20))
    assert (before.commune.name, before.area, before.classification) == ("Thị trấn Sơn Dương", Area.URBAN, Classification.POOR)
    assert (after.commune.name, after.area, after.classification) == ("Xã Sơn Dương", Area.RURAL, Classification.AVERAGE)
    assert after.commune == unit("02536") and before.commune == unit("02536", dt.date(2024, 10, 1))
    assert "thành thị" in before.reasons[0] and "nông thôn" in after.reasons[0]


def test_a_merged_communes_review_belongs_to_the_unit_in_force_on_its_date(trungyen_household):
    old = save(trungyen_household, 2024)
    new = save(trungyen_household, 2025, day=dt.date(2025, 10, 2))
    assert old.commune.name == "Xã Trung Yên" and new.commune.name == "Xã Tân Trào"
    assert old.round.commune == old.commune and new.round.commune == new.commune


@pytest.mark.parametrize("year,standard", [(2020, "QD59-2015"), (2021, "ND07-2021"), (2025, "ND07-2021"), (2026, "ND07-2021")])
def test_the_review_uses_the_standard_whose_years_include_its_year(trungyen_household, year, standard):
    assert save(trungyen_household, year, day=dt.date(year, 10, 1), deprivations=[]).standard.code == standard


def test_the_change_is_computed_from_history_and_later_years_follow_an_edit(trungyen_household):
    save(trungyen_household, 2023, income=1_000_000)
    second = save(trungyen_household, 2024, income=1_400_000, deprivations=["4"])
    assert (second.classification, second.change, second.previous_classification) == (
        Classification.NEAR_POOR, Change.ESCAPED_POVERTY, Classification.POOR,
    )
    third = save(trungyen_household, 2025, income=1_300_000, day=dt.date(2025, 10, 2))
    assert third.change == Change.NEAR_POOR_TO_POOR
    # correcting 2024 to poor makes 2025 "stayed"
    services.review_save(household=trungyen_household, year=2024, deprivations=["4", "7", "9"], version=second.version)
    third.refresh_from_db()
    assert third.change == Change.STAYED and third.previous_classification == Classification.POOR


def test_income_total_is_divided_by_members_and_twelve_rounding_up(trungyen_household):
    review = services.review_save(household=trungyen_household, year=2024, review_date=dt.date(2024, 10, 1),
                                  income_total_12m=72_000_001, deprivations=["1", "2", "3"])
    assert review.member_count == 4
    assert review.income_per_capita_month == 1_500_001
    assert review.classification == Classification.AVERAGE


def test_ethnic_minority_follows_the_head_of_household(db):
    kinh = make_household(ethnic="01")
    assert save(kinh, 2024).ethnic_minority is False
    tay = make_household(ethnic="02")
    assert save(tay, 2024).ethnic_minority is True


def test_facts_derive_indicators_and_an_override_needs_a_reason_that_is_kept(trungyen_household, district_officer):
    members = list(trungyen_household.members.order_by("order", "id"))
    facts = {
        "members": [{"id": m.pk, "health_insurance": True} for m in members],
        "dwelling": {"safe_water": False, "hygienic_latrine": False, "walls_durable": False, "roof_durable": False},
    }
    review = services.review_save(household=trungyen_household, year=2024, review_date=dt.date(2024, 10, 1),
                                  income_per_capita_month=1_000_000, facts=facts, user=district_officer)
    assert review.indicators["9"] == {"deprived": True, "source": "derived", "derived": True, "reason": ""}
    assert review.indicators["4"]["deprived"] is False and review.indicators["4"]["source"] == "derived"
    assert review.classification == Classification.POOR  # 7, 9, 10 derived
    assert review.facts["members"][0]["name"] == members[0].full_name  # the registry's facts are kept with the answers
    with pytest.raises(ValidationError) as err:
        services.review_save(household=trungyen_household, year=2024, deprivations=["7", "10"], version=review.version)
    assert "indicators.9" in err.value.message_dict and "phải nêu lý do" in err.value.message_dict["indicators.9"][0]
    review = services.review_save(household=trungyen_household, year=2024, deprivations=["7", "10"],
                                  override_reasons={"9": "Đã có nước máy từ tháng 9"}, version=review.version)
    assert review.indicators["9"] == {"deprived": False, "source": "overridden", "derived": True, "reason": "Đã có nước máy từ tháng 9"}
    assert review.classification == Classification.NEAR_POOR
    assert review.history.first().indicators["9"]["reason"] == "Đã có nước máy từ tháng 9"


def test_changing_a_fact_follows_derived_indicators_but_keeps_entered_ones(trungyen_household):
    facts = {"dwelling": {"safe_water": False}}
    review = services.review_save(household=trungyen_household, year=2024, review_date=dt.date(2024, 10, 1),
                                  income_per_capita_month=1_000_000, facts=facts, deprivations=["3", "9"])
    assert review.indicators["3"]["source"] == "entered" and review.indicators["9"]["source"] == "derived"
    review = services.review_save(household=trungyen_household, year=2024, facts={"dwelling": {"safe_water": True}}, version=review.version)
    assert review.indicators["9"]["deprived"] is False and review.indicators["3"]["deprived"] is True


def test_one_review_per_household_and_year_is_a_database_rule(trungyen_household):
    review = save(trungyen_household, 2024)
    with pytest.raises(IntegrityError), transaction.atomic():
        AnnualReview.objects.create(
            household=trungyen_household, year=2024, review_date=review.review_date, standard=review.standard,
            commune=review.commune, area=review.area, member_count=1, income_per_capita_month=1, classification="poor", change="stayed",
        )


def test_saving_over_a_newer_version_is_refused_naming_who_saved_it(trungyen_household, tantrao_officer, district_officer):
    first = save(trungyen_household, 2024, user=tantrao_officer)
    services.review_save(household=trungyen_household, year=2024, user=district_officer, income_per_capita_month=900_000, version=first.version)
    with pytest.raises(StaleVersion) as err:
        services.review_save(household=trungyen_household, year=2024, user=tantrao_officer, income_per_capita_month=2_000_000, version=first.version)
    assert "Nguyễn Thị Hạnh" in err.value.messages[0] and "sau khi bạn mở" in err.value.messages[0]
    assert err.value.changed_by == "Nguyễn Thị Hạnh"
    assert AnnualReview.objects.get(household=trungyen_household, year=2024).income_per_capita_month == 900_000


@pytest.mark.parametrize(
    "kwargs,field",
    [
        ({"deprivations": ["13"]}, "deprivations"),
        ({"day": dt.date(2023, 12, 31)}, "review_date"),
        ({"causes": ["khong-co"]}, "causes"),
    ],
)
def test_bad_input_is_refused_in_vietnamese(trungyen_household, kwargs, field):
    with pytest.raises(ValidationError) as err:
        save(trungyen_household, 2024, **kwargs)
    assert field in err.value.message_dict


def test_a_review_in_the_future_or_without_income_is_refused(trungyen_household):
    with pytest.raises(ValidationError, match="sau ngày hôm nay"):
        save(trungyen_household, 2030, day=dt.date(2030, 10, 1))
    with pytest.raises(ValidationError, match="Chưa nhập thu nhập"):
        services.review_save(household=trungyen_household, year=2024, review_date=dt.date(2024, 10, 1))


def test_causes_and_needs_come_from_the_configurable_lists(trungyen_household):
    review = save(trungyen_household, 2024, causes=["von", "dat"], needs=["vayvon"])
    assert sorted(review.causes.values_list("code", flat=True)) == ["dat", "von"]
    assert list(review.needs.values_list("code", flat=True)) == ["vayvon"]


def test_every_save_is_in_the_history_with_who_made_it(trungyen_household, tantrao_officer):
    review = save(trungyen_household, 2024, user=tantrao_officer)
    services.review_save(household=trungyen_household, year=2024, user=tantrao_officer, income_per_capita_month=2_000_000, version=review.version)
    history = list(review.history.order_by("history_date"))
    assert [h.classification for h in history] == [Classification.POOR, Classification.AVERAGE]
    assert {h.history_user for h in history} == {tantrao_officer}
    assert review.events.get().action == ReviewAction.CREATE


def test_the_no_working_capacity_flag_is_derived_from_members(db):
    hh = make_household()
    for m in hh.members.exclude(relation="parent"):
        m.delete()
    facts = {"members": [{"id": m.pk} for m in hh.members.all()]}
    review = services.review_save(household=hh, year=2024, review_date=dt.date(2024, 10, 1), income_per_capita_month=500_000, facts=facts)
    assert review.no_working_capacity is True and review.member_count == 1


def test_the_bulk_place_lookup_agrees_with_the_single_one(town_household, trungyen_household):
    from households.models import HouseholdPlacement
    from households.selectors import household_place_on, households_place_on

    moved = make_household(old_commune="02539", new_commune="02545", village=make_old_village("02539", "Thôn Cũ"))
    HouseholdPlacement.objects.create(household=moved, commune=unit("02542", dt.date(2023, 1, 1)), valid_from=dt.date(2023, 1, 1),
                                      valid_to=dt.date(2024, 12, 31))
    for day in (dt.date(2022, 5, 1), dt.date(2024, 10, 1), dt.date(2026, 3, 1)):
        bulk = households_place_on(on=day)
        for hh in (town_household, trungyen_household, moved):
            commune, village = household_place_on(household=hh, on=day)
            assert bulk[hh.pk] == (commune.pk, village.pk if village else None), (hh, day)


def test_one_history_record_per_save_holding_the_causes_and_needs_of_that_save(trungyen_household, tantrao_officer):
    review = save(trungyen_household, 2024, user=tantrao_officer, causes=["von", "dat"], needs=["vayvon"])
    services.review_save(household=trungyen_household, year=2024, user=tantrao_officer, causes=["von"], needs=[],
                         version=review.version)
    history = list(review.history.order_by("history_date"))
    assert [h.history_type for h in history] == ["+", "~"]
    assert [sorted(h.causes.values_list("povertycause__code", flat=True)) for h in history] == [["dat", "von"], ["von"]]
    assert [list(h.needs.values_list("supportneed__code", flat=True)) for h in history] == [["vayvon"], []]
    assert {h.history_user for h in history} == {tantrao_officer}
