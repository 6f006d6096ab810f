"""The statistics selectors against fixtures whose answers are counted by hand."""
from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.http import Http404

from households.models import Change, Classification, ReviewState
from reporting import selectors
from tests.conftest import make_village, unit

from .conftest import D2024, make_household, make_review, make_reviews

pytestmark = pytest.mark.django_db

POOR, NEAR, OTHER = Classification.POOR, Classification.NEAR_POOR, Classification.OTHER


def test_summary_counts_official_reviews_only_by_default(district):
    s = selectors.poverty_summary(year=2024)
    # Every resident household counts, reviewed or not (docs/domain.md §3: rates over all resident households).
    assert (s["households"], s["poor"], s["near_poor"], s["reviewed_households"]) == (31, 4, 4, 24)
    assert s["poor_rate"] == 12.9 and s["near_poor_rate"] == 12.9  # 4 / 31
    assert (s["escaped_poverty"], s["newly_poor"], s["fell_back_poor"]) == (1, 1, 0)
    em = s["ethnic_minority"]
    assert (em["households"], em["poor"], em["poor_rate"]) == (2, 2, 100.0)


def test_working_basis_counts_every_review_of_the_year(district):
    assert selectors.poverty_summary(year=2024, basis="working")["households"] == 31
    s = selectors.poverty_summary(year=2025, basis="working")
    assert (s["households"], s["poor"], s["near_poor"]) == (31, 6, 3)
    official = selectors.poverty_summary(year=2025)
    # k2's posted review does not count yet: the official lists still have it near-poor; h3, not reviewed, stays poor.
    assert (official["poor"], official["near_poor"], official["poor_rate"]) == (5, 4, 16.13)


def test_summary_of_one_commune_and_of_rural_households(district):
    s = selectors.poverty_summary(year=2024, unit_ids=[district["ty"].pk])
    assert (s["households"], s["poor"], s["poor_rate"], s["near_poor_rate"]) == (12, 3, 25.0, 16.67)
    rural = selectors.poverty_summary(year=2024, area="rural")
    assert (rural["households"], rural["near_poor"]) == (27, 3)
    em = selectors.poverty_summary(year=2024, ethnic_minority_only=True)
    assert (em["households"], em["poor"]) == (2, 2)


def test_no_reviews_give_no_rate_rather_than_zero(db):
    s = selectors.poverty_summary(year=2030)
    assert s["households"] == 0 and s["poor_rate"] is None


def test_bad_basis_or_area_is_refused_in_vietnamese(db):
    with pytest.raises(ValidationError) as err:
        selectors.poverty_summary(year=2024, basis="draft", area="city")
    assert set(err.value.message_dict) == {"basis", "area"}


def test_rates_by_commune_as_reported_at_the_time(district):
    rows = {r["unit"]["code"]: r for r in selectors.poverty_by_unit(year=2024, structure="historical")}
    # Old Minh Thanh reviewed nobody in 2024: its households still count (none poor).
    assert set(rows) == {"02539", "02545", "02536", "02542"}
    assert (rows["02542"]["households"], rows["02542"]["poor_rate"]) == (5, 0.0)
    ty = rows["02539"]
    assert (ty["households"], ty["poor"], ty["poor_rate"], ty["near_poor_rate"]) == (12, 3, 25.0, 16.67)
    assert ty["unit"]["extremely_difficult"] is True and ty["unit"]["name"] == "Xã Trung Yên"
    assert ty["previous"]["poor_rate"] == 16.67  # h1, h2 of 12 at the end of 2023
    assert (rows["02545"]["households"], rows["02545"]["poor_rate"]) == (10, 10.0)
    assert rows["02536"]["unit"]["extremely_difficult"] is False
    # The units made in 2025 start from the end of 2024 of the units they took in.
    new = selectors.poverty_by_unit(year=2025, structure="historical")
    assert [(r["unit"]["code"], r["households"], r["previous"]["poor_rate"]) for r in new] == [
        ("02536", 4, 0.0), ("02545", 22, 18.18), ("02554", 5, 0.0),
    ]


def test_rates_by_todays_commune_compare_across_the_2025_reform(district):
    rows = {r["unit"]["code"]: r for r in selectors.poverty_by_unit(year=2025, structure="current")}
    tt = rows["02545"]
    assert (tt["households"], tt["poor"], tt["poor_rate"]) == (22, 4, 18.18)
    # 2024 of today's Tân Trào = old Tân Trào + Trung Yên: 4 poor (h1, h2, h3, k1) of 22 resident households.
    assert tt["previous"]["poor_rate"] == 18.18 and tt["poor_rate_change"] == 0.0
    assert tt["unit"]["difficult_parts"] == ["Trung Yên"] and tt["unit"]["extremely_difficult"] is True
    assert rows["02554"]["previous"]["poor_rate"] == 0.0 and rows["02554"]["unit"]["difficult_parts"] == ["Bình Yên", "Lương Thiện"]
    # 2024 grouped by today's communes: the town went into today's Sơn Dương, old Minh Thanh into Minh Thanh.
    old = {r["unit"]["code"]: r["households"] for r in selectors.poverty_by_unit(year=2024, structure="current")}
    assert old == {"02545": 22, "02536": 4, "02554": 5}


def test_rates_by_village_of_one_commune(district):
    tt = district["tt"]
    v1, v2 = make_village(tt, "Thôn Cầu Trâu"), make_village(tt, "Thôn Đồng Giang")
    make_reviews(2, commune=tt, village=v1, year=2025, classification=POOR, previous=POOR)
    make_reviews(3, commune=tt, village=v2, year=2025)
    rows = {r["unit"]["name"]: r for r in selectors.poverty_by_unit(year=2025, unit_ids=[tt.pk], by="village")}
    assert rows["Thôn Cầu Trâu"]["poor_rate"] == 100.0 and rows["Thôn Đồng Giang"]["poor_rate"] == 0.0
    assert rows["(chưa ghi thôn)"]["households"] == 22


def test_trend_gives_each_year_and_the_change_in_points(district):
    trend = selectors.poverty_trend(years=[2022, 2023, 2024, 2025])
    assert [r["households"] for r in trend] == [31, 31, 31, 31]
    # No lists were made in 2022 (no review): no figures to compare with.
    assert [r["has_data"] for r in trend] == [False, True, True, True]
    assert trend[1]["poor_rate"] == 12.9 and trend[1]["poor_rate_change"] is None
    assert trend[2]["poor_rate_change"] == 0.0  # 4/31 after 4/31
    assert trend[3]["poor_rate"] == 16.13 and trend[3]["poor_rate_change"] == 3.23  # 5/31 after 4/31


def _trend(*rows):
    """Trend rows as `poverty_trend` gives them: (year, poor of 100 households, ethnic-minority poor of 100)."""
    return [{"year": y, "households": 100, "poor": p, "poor_rate": float(p), "has_data": True,
             "ethnic_minority": {"households": 100, "poor": e, "poor_rate": float(e)}} for y, p, e in rows]


def test_target_path_falls_three_points_a_year_to_2025_then_two_from_the_2025_rate(db):
    trend = _trend((2021, 20, 30), (2022, 18, 27), (2025, 9, 10), (2026, 8, 9))
    assert selectors.target_path(trend=trend) == [
        {"year": 2021, "target": 20.0}, {"year": 2022, "target": 17.0}, {"year": 2025, "target": 8.0}, {"year": 2026, "target": 7.0},
    ]
    em = selectors.target_path(trend=trend, metric="ethnic_minority_poverty_rate_reduction")
    assert em == [{"year": 2021, "target": 30.0}, {"year": 2022, "target": 26.0}, {"year": 2025, "target": 14.0}]


def test_targets_are_the_plans_three_and_four_points_to_2025(db):
    t = selectors.targets_for(year=2024)
    assert t["poverty_rate_reduction"] == 3.0 and t["ethnic_minority_poverty_rate_reduction"] == 4.0
    later = selectors.targets_for(year=2027)
    assert later["poverty_rate_reduction"] == 2.0 and later["ethnic_minority_poverty_rate_reduction"] is None
    assert selectors.targets_for(year=2019)["poverty_rate_reduction"] is None


def test_target_status_follows_the_average_fall_since_2021(db):
    target = next(t for t in selectors.reduction_targets() if t["metric"] == "poverty_rate_reduction" and t["end_year"] == 2025)
    on_track = selectors.target_status(trend=_trend((2021, 20, 30), (2022, 16, 25)), target=target, year=2022)
    assert (on_track["status"], on_track["actual"]) == ("on_track", 4.0)
    missed = selectors.target_status(trend=_trend((2021, 20, 30), (2025, 12, 20)), target=target, year=2025)
    assert (missed["status"], missed["actual"]) == ("missed", 2.0)


@pytest.fixture
def movement_story():
    """Trung Yên 2022 → 2023, every review confirmed.

    2022: 5 poor, 3 near-poor, 10 others (one of them poor in 2021). 2023: of the poor, 2 stayed, 1 became
    near-poor, 1 rose above the line, 1 moved out of the area (a registry event); of the near-poor, 1 stayed, 1
    became poor, 1 escaped; of the others, 1 fell back into poverty (poor in 2021), 1 became newly poor, 1 newly
    near-poor, 7 stayed; and 1 household that moved in during 2023 is poor.
    """
    from households import events

    ty = unit("02539", D2024)
    poor = [make_review(commune=ty, year=2022, classification=POOR) for _ in range(5)]
    near = [make_review(commune=ty, year=2022, classification=NEAR) for _ in range(3)]
    other = [make_review(commune=ty, year=2022) for _ in range(10)]
    make_review(commune=ty, year=2021, household=other[0].household, classification=POOR)
    for review, cls in [
        (poor[0], POOR), (poor[1], POOR), (poor[2], NEAR), (poor[3], OTHER),
        (near[0], NEAR), (near[1], POOR), (near[2], OTHER),
        (other[0], POOR), (other[1], POOR), (other[2], NEAR),
    ] + [(o, OTHER) for o in other[3:]]:
        make_review(commune=ty, year=2023, household=review.household, classification=cls)
    events.household_move_out(household=poor[4].household, date=dt.date(2023, 5, 2), reason="Chuyển vào Nam làm ăn.", user=None)
    newcomer = make_household(ty)
    events.household_move_in(household=newcomer, date=dt.date(2023, 3, 1), reason="Từ tỉnh Phú Thọ chuyển đến.", user=None)
    make_review(commune=ty, year=2023, household=newcomer, classification=POOR)
    return ty


def test_movements_of_poor_households_add_up_as_form_2(movement_story):
    m = selectors.movements(year=2023)
    assert m["poor"] == {
        "start": 5, "stayed": 2, "escaped_to_near_poor": 1, "escaped_above_near_poor": 1, "other_decrease": 1,
        "near_poor_to_poor": 1, "fell_back": 1, "newly_poor": 1, "other_increase": 1, "end": 6,
    }
    p = m["poor"]
    assert p["end"] == p["start"] - p["escaped_to_near_poor"] - p["escaped_above_near_poor"] - p["other_decrease"] + \
        p["near_poor_to_poor"] + p["fell_back"] + p["newly_poor"] + p["other_increase"]


def test_movements_of_near_poor_households_add_up_as_form_3(movement_story):
    m = selectors.movements(year=2023)
    assert m["near_poor"] == {
        "start": 3, "stayed": 1, "escaped": 1, "to_poor": 1, "other_decrease": 0,
        "from_poor": 1, "fell_back": 0, "newly_near_poor": 1, "other_increase": 0, "end": 3,
    }
    assert m["rotating"] == 1
    assert m["changes"][Change.ESCAPED_POVERTY] == 2 and m["changes"][Change.STAYED] == 10
    assert m["changes"][Change.FIRST_REVIEW] == 1 and m["changes"][Change.FELL_BACK_NEAR_POOR] == 0


def test_movements_by_commune_give_the_same_figures(movement_story):
    rows = selectors.movements_by_unit(year=2023, structure="historical")
    assert len(rows) == 1 and rows[0]["unit"]["code"] == "02539"
    assert rows[0]["poor"] == selectors.movements(year=2023)["poor"]


@pytest.fixture
def deprived_poor():
    """Trung Yên 2024: three poor households deprived on (4, 7, 9), (4, 10, 11), (1, 2, 4) with causes
    {capital, land}, {capital}, {illness}; one near-poor household deprived on 4."""
    ty = unit("02539", D2024)
    make_review(commune=ty, year=2024, classification=POOR, deprived=("4", "7", "9"), causes=("von", "dat"))
    make_review(commune=ty, year=2024, classification=POOR, deprived=("4", "10", "11"), causes=("von",))
    make_review(commune=ty, year=2024, classification=POOR, deprived=("1", "2", "4"), causes=("omdau",))
    make_review(commune=ty, year=2024, classification=NEAR, deprived=("4",), causes=("von",))
    return ty


def test_deprivations_of_poor_households_by_indicator(deprived_poor):
    d = selectors.deprivations(year=2024)
    assert (d["households"], d["total_deprivations"]) == (3, 9)
    by_code = {i["code"]: (i["households"], i["percent"]) for i in d["indicators"]}
    assert len(by_code) == 12
    assert by_code["4"] == (3, 100.0) and by_code["7"] == (1, 33.33) and by_code["3"] == (0, 0.0)
    assert by_code["12"] == (0, 0.0) and by_code["11"] == (1, 33.33)
    everyone = selectors.deprivations(year=2024, classification=None)
    assert {i["code"]: i["households"] for i in everyone["indicators"]}["4"] == 4


def test_deprivations_by_commune(deprived_poor):
    rows = selectors.deprivations_by_unit(year=2024, structure="current")
    assert [r["unit"]["code"] for r in rows] == ["02545"]
    assert {i["code"]: i["households"] for i in rows[0]["indicators"]}["10"] == 1


def test_causes_of_poverty_count_each_household_once_per_cause(deprived_poor):
    c = selectors.causes(year=2024)
    by_code = {x["code"]: (x["households"], x["percent"]) for x in c["causes"]}
    assert c["households"] == 3
    assert by_code["von"] == (2, 66.67) and by_code["dat"] == (1, 33.33) and by_code["omdau"] == (1, 33.33)
    assert by_code["tenan"] == (0, 0.0)


def test_review_progress_by_step_against_the_households_living_there(db):
    tt = unit("02545")
    for state, n in [(ReviewState.DRAFT, 2), (ReviewState.REVIEWED, 1), (ReviewState.AGREED, 1), (ReviewState.POSTED, 1),
                     (ReviewState.RECOGNISED, 2), (ReviewState.CONFIRMED, 1)]:
        make_reviews(n, commune=tt, year=2026, state=state)
    from tests.conftest import HouseholdFactory

    HouseholdFactory.create_batch(2, commune=tt)
    p = selectors.review_progress(year=2026)
    row = p["rows"][0]
    assert row["unit"]["code"] == "02545"
    assert (row["expected"], row["reviews"], row["surveying"], row["in_village"], row["recognised"], row["confirmed"]) == (10, 8, 2, 3, 2, 1)
    assert (row["official"], row["percent_official"], row["percent_reviewed"]) == (3, 30.0, 60.0)
    assert p["total"]["expected"] == 10 and p["total"]["official"] == 3


def test_scope_without_a_unit_is_the_users_own(district, tantrao_officer, district_officer):
    assert selectors.statistics_scope(user=district_officer, unit_code=None, year=2025).unit_ids is None
    own = selectors.statistics_scope(user=tantrao_officer, unit_code=None, year=2025)
    assert own.unit_ids == {district["tt"].pk, district["tt0"].pk, district["ty"].pk} and own.is_commune


def test_a_unit_code_reads_on_today_or_on_the_review_year(district, district_officer):
    current = selectors.statistics_scope(user=district_officer, unit_code="02545", year=2024, structure="current")
    assert current.unit == district["tt"] and current.unit_ids == {district["tt"].pk, district["tt0"].pk, district["ty"].pk}
    historical = selectors.statistics_scope(user=district_officer, unit_code="02545", year=2024, structure="historical")
    assert historical.unit == district["tt0"] and historical.unit_ids == {district["tt0"].pk}
    assert selectors.statistics_scope(user=district_officer, unit_code="076", year=2024).unit_ids is None
    with pytest.raises(ValidationError):
        selectors.statistics_scope(user=district_officer, unit_code="02539", year=2024, structure="current")
    with pytest.raises(ValidationError):
        selectors.statistics_scope(user=district_officer, unit_code="99999", year=2024)


def test_a_url_filter_never_widens_a_commune_officers_scope(district, tantrao_officer):
    for code, structure in [("02554", "current"), ("076", "current"), ("08", "current"), ("02536", "historical")]:
        with pytest.raises(Http404):
            selectors.statistics_scope(user=tantrao_officer, unit_code=code, year=2024, structure=structure)
    # A unit Tân Trào took in stays visible to its officers.
    ty = selectors.statistics_scope(user=tantrao_officer, unit_code="02539", year=2024, structure="historical")
    assert ty.unit_ids == {district["ty"].pk}


def test_scoped_selectors_ignore_rows_outside_the_users_scope(district, tantrao_officer):
    s = selectors.poverty_summary(year=2025, user=tantrao_officer)
    assert s["households"] == 22  # Minh Thanh's 5 and Sơn Dương's 4 are not counted


def test_the_groups_of_form_5_are_counted_among_poor_and_near_poor(db):
    ty = unit("02539", D2024)
    make_reviews(2, commune=ty, year=2024, classification=POOR, no_working_capacity=True)
    make_reviews(1, commune=ty, year=2024, classification=POOR, person_of_merit=True, ethnic_minority=True)
    make_reviews(1, commune=ty, year=2024, classification=NEAR, no_working_capacity=True, person_of_merit=True)
    make_reviews(3, commune=ty, year=2024, no_working_capacity=True)  # not poor: in no group
    s = selectors.poverty_summary(year=2024)
    assert (s["poor_without_working_capacity"], s["poor_with_person_of_merit"]) == (2, 1)
    assert (s["near_poor_without_working_capacity"], s["near_poor_with_person_of_merit"]) == (1, 1)
    assert (s["ethnic_minority"]["poor"], s["ethnic_minority"]["households"]) == (1, 1)
