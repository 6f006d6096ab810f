"""`households.poverty` against docs/domain.md §2–3: every income and count edge of each standard, each change over
2–5 years of history, each derivable indicator at its age and area thresholds, and invariants (hypothesis)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from households import poverty as p

CODES_07 = [str(i) for i in range(1, 13)]
ND07 = p.Standard(
    code="ND07-2021", name="Chuẩn nghèo đa chiều giai đoạn 2022–2025", rule=p.RULE_DECREE07,
    poor_line={p.RURAL: 1_500_000, p.URBAN: 2_000_000}, near_poor_line={p.RURAL: 1_500_000, p.URBAN: 2_000_000},
    average_line={p.RURAL: 2_250_000, p.URBAN: 3_000_000}, min_deprivations=3,
    indicators={c: f"Chỉ số {c}" for c in CODES_07},
    keys=dict(zip(CODES_07, ["employment", "dependants", "nutrition", "health_insurance", "adult_education", "child_schooling",
                             "housing_quality", "housing_area", "water", "latrine", "internet", "information_devices"])),
)
ND351 = p.Standard(
    code="ND351-2025", name="Chuẩn nghèo đa chiều giai đoạn 2026–2030", rule=p.RULE_DECREE07,
    poor_line={p.RURAL: 2_200_000, p.URBAN: 2_800_000}, near_poor_line={p.RURAL: 2_200_000, p.URBAN: 2_800_000},
    indicators={c: f"Chỉ số {c}" for c in CODES_07},
    keys=dict(zip(CODES_07, ["employment", "dependants", "nutrition", "health_insurance", "adult_education", "child_schooling",
                             "housing_quality", "housing_area", "internet", "water", "latrine", "waste"])),
)
QD59 = p.Standard(
    code="QD59-2015", name="Chuẩn nghèo 2016–2020", rule=p.RULE_QD59,
    poor_line={p.RURAL: 700_000, p.URBAN: 900_000}, near_poor_line={p.RURAL: 1_000_000, p.URBAN: 1_300_000},
    indicators={str(i): f"Chỉ số {i}" for i in range(1, 11)},
)


def deps(n: int, standard=ND07) -> list[str]:
    return list(standard.indicators)[:n]


# (standard, area, income per person per month, deprivations) → classification
INCOME_EDGES = [
    # Decree 07, rural line 1.500.000 đ
    (ND07, p.RURAL, 1_500_000, 3, p.POOR),
    (ND07, p.RURAL, 1_500_000, 2, p.NEAR_POOR),
    (ND07, p.RURAL, 1_500_001, 3, p.AVERAGE),
    (ND07, p.RURAL, 1_500_001, 2, p.AVERAGE),
    (ND07, p.RURAL, 0, 0, p.NEAR_POOR),
    (ND07, p.RURAL, 0, 12, p.POOR),
    (ND07, p.RURAL, 2_250_000, 0, p.AVERAGE),
    (ND07, p.RURAL, 2_250_001, 0, p.OTHER),
    # the same incomes in town: the urban line 2.000.000 đ
    (ND07, p.URBAN, 1_500_001, 3, p.POOR),
    (ND07, p.URBAN, 2_000_000, 3, p.POOR),
    (ND07, p.URBAN, 2_000_000, 2, p.NEAR_POOR),
    (ND07, p.URBAN, 2_000_001, 3, p.AVERAGE),
    (ND07, p.RURAL, 2_000_000, 3, p.AVERAGE),
    (ND07, p.URBAN, 3_000_000, 12, p.AVERAGE),
    (ND07, p.URBAN, 3_000_001, 12, p.OTHER),
    # income above the line with all 12 deprivations is neither poor nor near-poor
    (ND07, p.RURAL, 1_500_001, 12, p.AVERAGE),
    (ND07, p.RURAL, 5_000_000, 12, p.OTHER),
    # Decree 351/2025 (2027–2030): 2.200.000 / 2.800.000 đ, no average line in the data
    (ND351, p.RURAL, 2_200_000, 3, p.POOR),
    (ND351, p.RURAL, 2_200_000, 2, p.NEAR_POOR),
    (ND351, p.RURAL, 2_200_001, 3, p.OTHER),
    (ND351, p.URBAN, 2_800_000, 3, p.POOR),
    (ND351, p.URBAN, 2_800_001, 12, p.OTHER),
    (ND351, p.RURAL, 1_500_001, 3, p.POOR),
    # Decision 59/2015 (history): ≤ poor line poor; up to the near-poor line poor with ≥ 3, else near-poor
    (QD59, p.RURAL, 700_000, 0, p.POOR),
    (QD59, p.RURAL, 700_001, 3, p.POOR),
    (QD59, p.RURAL, 700_001, 2, p.NEAR_POOR),
    (QD59, p.RURAL, 1_000_000, 2, p.NEAR_POOR),
    (QD59, p.RURAL, 1_000_001, 10, p.OTHER),
    (QD59, p.URBAN, 900_000, 0, p.POOR),
    (QD59, p.URBAN, 900_001, 2, p.NEAR_POOR),
    (QD59, p.URBAN, 1_300_000, 3, p.POOR),
    (QD59, p.URBAN, 1_300_001, 3, p.OTHER),
]


@pytest.mark.parametrize("standard,area,income,count,expected", INCOME_EDGES)
def test_classification_at_each_income_and_count_edge(standard, area, income, count, expected):
    result = p.classify(standard, area=area, income_per_capita_month=income, deprivations=deps(count, standard))
    assert result.category == expected
    assert result.deprivation_count == count


def test_reasons_name_the_line_the_area_and_the_deprivations():
    result = p.classify(ND07, area=p.RURAL, income_per_capita_month=1_200_000, deprivations=["4", "7", "9"])
    text = " ".join(result.reasons)
    assert "1.200.000 đồng" in text and "không vượt chuẩn 1.500.000 đồng" in text and "nông thôn" in text
    assert "Thiếu hụt 3 chỉ số: 4. Chỉ số 4, 7. Chỉ số 7, 9. Chỉ số 9" in text
    assert result.reasons[-1] == "Kết quả: Hộ nghèo."


def test_reasons_explain_why_twelve_deprivations_above_the_line_are_not_poor():
    result = p.classify(ND07, area=p.URBAN, income_per_capita_month=2_000_001, deprivations=CODES_07)
    text = " ".join(result.reasons)
    assert "vượt chuẩn 2.000.000 đồng" in text and "thành thị" in text
    assert "Thiếu hụt 12 chỉ số nhưng thu nhập trên chuẩn" in text
    assert result.reasons[-1] == "Kết quả: Hộ có mức sống trung bình."


def test_deprivations_are_listed_in_the_standards_order_and_unknown_codes_refused():
    assert p.classify(ND07, area=p.RURAL, income_per_capita_month=1, deprivations=["12", "2", "10"]).deprived == ("2", "10", "12")
    with pytest.raises(ValueError, match="Chỉ số không thuộc chuẩn"):
        p.classify(ND07, area=p.RURAL, income_per_capita_month=1, deprivations=["13"])


def test_bad_area_or_negative_income_is_refused():
    with pytest.raises(ValueError):
        p.classify(ND07, area="mountain", income_per_capita_month=1, deprivations=[])
    with pytest.raises(ValueError):
        p.classify(ND07, area=p.RURAL, income_per_capita_month=-1, deprivations=[])


@pytest.mark.parametrize(
    "total,members,expected",
    [
        (72_000_000, 4, 1_500_000),  # exactly on the rural line
        (72_000_001, 4, 1_500_001),  # a fraction of a đồng over stays over
        (0, 1, 0),
        (12, 1, 1),
        (13, 1, 2),
    ],
)
def test_income_per_person_per_month_rounds_up_so_no_line_is_crossed(total, members, expected):
    assert p.income_per_capita_month(total, members) == expected


def test_income_per_person_needs_members_and_a_non_negative_total():
    with pytest.raises(ValueError):
        p.income_per_capita_month(1, 0)
    with pytest.raises(ValueError):
        p.income_per_capita_month(-1, 2)


@given(total=st.integers(min_value=0, max_value=10**11), members=st.integers(min_value=1, max_value=30), line=st.integers(min_value=1, max_value=10**7))
def test_rounding_up_never_moves_a_household_across_a_line(total, members, line):
    exact_below_or_on = total <= line * members * 12
    assert (p.income_per_capita_month(total, members) <= line) == exact_below_or_on


# --- changes over 2–5 years of history ---------------------------------------------------------------------

P, N, A, O = p.POOR, p.NEAR_POOR, p.AVERAGE, p.OTHER
CHANGES = [
    ({}, P, p.FIRST_REVIEW),
    ({2021: P}, P, p.STAYED),
    ({2021: P, 2022: P, 2023: P, 2024: P}, P, p.STAYED),
    ({2021: N}, P, p.NEAR_POOR_TO_POOR),
    ({2021: P, 2022: O, 2023: N}, P, p.NEAR_POOR_TO_POOR),  # last year near-poor wins over "fell back"
    ({2021: P, 2022: N, 2023: O}, P, p.FELL_BACK_POOR),
    ({2021: P, 2022: A}, P, p.FELL_BACK_POOR),
    ({2021: O, 2022: A, 2023: O, 2024: O}, P, p.NEWLY_POOR),
    ({2021: N, 2022: O}, P, p.NEWLY_POOR),
    ({2021: P}, N, p.ESCAPED_POVERTY),
    ({2021: N, 2022: P}, N, p.ESCAPED_POVERTY),
    ({2021: N, 2022: N}, N, p.STAYED),
    ({2021: N, 2022: O, 2023: A}, N, p.FELL_BACK_NEAR_POOR),
    ({2021: P, 2022: O}, N, p.NEWLY_NEAR_POOR),
    ({2021: O, 2022: O, 2023: O, 2024: O}, N, p.NEWLY_NEAR_POOR),
    ({2021: P}, A, p.ESCAPED_POVERTY),
    ({2021: N, 2022: P}, O, p.ESCAPED_POVERTY),
    ({2021: P, 2022: N}, O, p.ESCAPED_NEAR_POVERTY),
    ({2021: N}, A, p.ESCAPED_NEAR_POVERTY),
    ({2021: P, 2022: O}, A, p.STAYED),
    ({2021: O, 2022: A, 2023: O}, O, p.STAYED),
]


@pytest.mark.parametrize("history,current,expected", CHANGES)
def test_change_from_the_households_history(history, current, expected):
    year = max(history, default=2020) + 1
    assert p.change(current, history, year=year) == expected


# docs/domain.md §3 on real coverage: a household with no review of its own that lived here at the end of last year was
# neither poor nor near-poor (not on the lists); one split off another follows the other's history.
COVERAGE = [
    (dict(existed=True), P, p.NEWLY_POOR),
    (dict(existed=True), N, p.NEWLY_NEAR_POOR),
    (dict(existed=True), O, p.STAYED),
    (dict(existed=False), P, p.FIRST_REVIEW),  # moved in this year
    (dict(inherited={2023: P}), P, p.STAYED),  # split off a poor household
    (dict(inherited={2023: N}), P, p.NEAR_POOR_TO_POOR),
    (dict(inherited={2022: P, 2023: O}), P, p.FELL_BACK_POOR),
    (dict(inherited={2023: P}), O, p.ESCAPED_POVERTY),
    # The year after its split it lived here, not on the lists: neither, with the parent's past for "fell back".
    (dict(existed=True, inherited={2022: P}), P, p.FELL_BACK_POOR),
    (dict(existed=True, inherited={2022: N}), N, p.FELL_BACK_NEAR_POOR),
]


@pytest.mark.parametrize("context,current,expected", COVERAGE)
def test_change_of_a_first_review_depends_on_where_the_household_was_last_year(context, current, expected):
    assert p.change(current, {}, year=2024, **context) == expected


def test_a_households_own_history_comes_before_the_context():
    assert p.change(P, {2023: N}, year=2024, existed=True, inherited={2022: P}) == p.NEAR_POOR_TO_POOR


def test_change_ignores_reviews_of_the_same_or_later_years():
    history = {2022: N, 2024: P, 2025: P}
    assert p.change(P, history, year=2024) == p.NEAR_POOR_TO_POOR


def test_a_household_not_reviewed_last_year_is_compared_with_its_latest_review():
    assert p.change(O, {2021: P}, year=2024) == p.ESCAPED_POVERTY


# --- invariants ----------------------------------------------------------------------------------------------

POVERTY_ORDER = {p.POOR: 3, p.NEAR_POOR: 2, p.AVERAGE: 1, p.OTHER: 0}
standards = st.sampled_from([ND07, ND351, QD59])
areas = st.sampled_from([p.RURAL, p.URBAN])
incomes = st.integers(min_value=0, max_value=6_000_000)


@settings(max_examples=300)
@given(standard=standards, area=areas, income=incomes, data=st.data())
def test_adding_a_deprivation_never_makes_a_household_less_poor(standard, area, income, data):
    codes = list(standard.indicators)
    some = data.draw(st.sets(st.sampled_from(codes)))
    extra = data.draw(st.sampled_from(codes))
    before = p.classify(standard, area=area, income_per_capita_month=income, deprivations=some).category
    after = p.classify(standard, area=area, income_per_capita_month=income, deprivations=some | {extra}).category
    assert POVERTY_ORDER[after] >= POVERTY_ORDER[before]


@settings(max_examples=300)
@given(standard=standards, area=areas, income=incomes, raise_by=st.integers(min_value=0, max_value=3_000_000), data=st.data())
def test_more_income_never_makes_a_household_poorer(standard, area, income, raise_by, data):
    some = data.draw(st.sets(st.sampled_from(list(standard.indicators))))
    before = p.classify(standard, area=area, income_per_capita_month=income, deprivations=some).category
    after = p.classify(standard, area=area, income_per_capita_month=income + raise_by, deprivations=some).category
    assert POVERTY_ORDER[after] <= POVERTY_ORDER[before]


@settings(max_examples=200)
@given(standard=standards, income=incomes, data=st.data())
def test_the_same_household_in_town_is_at_least_as_poor_as_in_the_countryside(standard, income, data):
    some = data.draw(st.sets(st.sampled_from(list(standard.indicators))))
    rural = p.classify(standard, area=p.RURAL, income_per_capita_month=income, deprivations=some).category
    urban = p.classify(standard, area=p.URBAN, income_per_capita_month=income, deprivations=some).category
    assert POVERTY_ORDER[urban] >= POVERTY_ORDER[rural]


@given(
    history=st.dictionaries(st.integers(min_value=2016, max_value=2025), st.sampled_from([P, N, A, O]), max_size=6),
    current=st.sampled_from([P, N, A, O]),
)
def test_every_change_is_consistent_with_the_current_classification(history, current):
    change = p.change(current, history, year=2026)
    if not history:
        assert change == p.FIRST_REVIEW
    elif current == P:
        assert change in {p.STAYED, p.NEAR_POOR_TO_POOR, p.FELL_BACK_POOR, p.NEWLY_POOR}
    elif current == N:
        assert change in {p.STAYED, p.ESCAPED_POVERTY, p.FELL_BACK_NEAR_POOR, p.NEWLY_NEAR_POOR}
    else:
        assert change in {p.STAYED, p.ESCAPED_POVERTY, p.ESCAPED_NEAR_POVERTY}
    last = history[max(history)] if history else None
    assert (change == p.ESCAPED_POVERTY) == (last == P and current != P)


# --- the 50 % rule of the village meeting ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "attendance,agreeing,agrees",
    [(100, 50, True), (100, 49, False), (2, 1, True), (1, 0, False), (1, 1, True), (5, 3, True), (5, 2, False), (37, 19, True), (37, 18, False)],
)
def test_the_village_meeting_agrees_with_at_least_half_of_those_present(attendance, agreeing, agrees):
    assert p.meeting_agrees(attendance=attendance, agreeing=agreeing) is agrees


@pytest.mark.parametrize("attendance,agreeing", [(0, 0), (10, 11), (10, -1)])
def test_impossible_meeting_figures_are_refused(attendance, agreeing):
    with pytest.raises(ValueError):
        p.meeting_agrees(attendance=attendance, agreeing=agreeing)
