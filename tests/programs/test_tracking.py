"""The tracking rules (programs.tracking): pure functions, figures worked by hand."""
from decimal import Decimal

import pytest

from programs.tracking import AT_RISK, MET, MISSED, ON_TRACK, RatePoint, level_progress, rate, reduction_progress

D = Decimal


def points(*triples, standard="ND07"):
    return [RatePoint(year, part, whole, standard) for year, part, whole in triples]


def reduce(pts, *, year, baseline=2021, end=2025, value=3, comparison="at_least"):
    return reduction_progress(points=pts, baseline_year=baseline, end_year=end, value=D(value), comparison=comparison, year=year)


def test_rate_is_part_of_whole_in_percent_and_none_without_households():
    assert rate(15, 200) == D("7.5")
    assert rate(0, 0) is None


def test_a_fall_of_three_points_a_year_is_on_track():
    # 20 % in 2021, 14 % in 2023: (20 − 14) / 2 = 3 points a year.
    p = reduce(points((2021, 20, 100), (2023, 14, 100)), year=2023)
    assert p.actual == D(3) and p.status == ON_TRACK
    # 12 points still to fall over 4 years minus the 6 achieved: 6 over the 2 years left.
    assert p.needed_per_year == D(3)


def test_a_slower_fall_is_at_risk_and_says_what_is_needed():
    # 20 % → 16 % in two years: 2 points a year, 12 − 4 = 8 points left over 2 years.
    p = reduce(points((2021, 20, 100), (2023, 16, 100)), year=2023)
    assert p.actual == D(2) and p.status == AT_RISK and p.needed_per_year == D(4)


def test_at_the_end_year_the_average_decides_met_or_missed():
    assert reduce(points((2021, 20, 100), (2025, 8, 100)), year=2025).status == MET  # 3.00 exactly
    assert reduce(points((2021, 20, 100), (2025, 9, 100)), year=2025).status == MISSED  # 2.75
    # Years after the end year are judged on the end year.
    later = reduce(points((2021, 20, 100), (2025, 8, 100), (2026, 30, 100)), year=2026)
    assert later.year == 2025 and later.status == MET


def test_more_than_needs_strictly_more():
    pts = points((2025, 10, 100), (2026, 8, 100))
    assert reduce(pts, year=2026, baseline=2025, end=2026, value=2, comparison="more_than").status == MISSED
    assert reduce(pts, year=2026, baseline=2025, end=2026, value=2, comparison="at_least").status == MET


def test_a_fall_larger_than_the_rate_left_is_missed_before_the_end():
    # 10 % in 2021, still 9 % in 2024: 12 points were due, 1 achieved, 11 to go but only 9 % left.
    p = reduce(points((2021, 10, 100), (2024, 9, 100)), year=2024)
    assert p.status == MISSED


def test_a_year_without_reviews_has_no_actual_and_no_status():
    p = reduce(points((2021, 20, 100), (2022, 17, 100)), year=2023)
    assert p.actual is None and p.status is None and "2023" in p.note


def test_without_a_baseline_nothing_is_judged():
    p = reduce(points((2022, 17, 100), (2023, 14, 100)), year=2023)
    assert p.actual is None and p.status is None and "2021" in p.note


def test_a_unit_with_no_households_of_the_group_is_no_data_not_an_error():
    p = reduce(points((2021, 0, 0), (2023, 0, 0)), year=2023)
    assert p.actual is None and p.status is None


def test_the_year_a_standard_changes_adds_no_reduction():
    pts = [RatePoint(2025, 10, 100, "ND07"), RatePoint(2026, 8, 100, "ND07"), RatePoint(2027, 14, 100, "ND351"),
           RatePoint(2028, 11, 100, "ND351")]
    p = reduce(pts, year=2028, baseline=2025, end=2030, value=2, comparison="more_than")
    # 2 points (2025→26) + nothing for 2026→27 + 3 points (2027→28), over three years.
    assert p.actual == D(5) / 3
    assert [r.comparable for r in p.series] == [True, True, False, True]
    assert p.status == AT_RISK and "đổi chuẩn" in p.note


def test_the_baseline_year_itself_needs_the_full_pace():
    p = reduce(points((2021, 20, 100)), year=2021)
    assert p.status is None and p.needed_per_year == D(3)


@pytest.mark.parametrize(
    ("levels", "year", "status", "needed"),
    [
        ({2021: 10, 2023: 5}, 2023, ON_TRACK, D("2.5")),  # the straight path allows 5 in 2023
        ({2021: 10, 2023: 6}, 2023, AT_RISK, D(3)),
        ({2021: 10, 2023: 0}, 2023, MET, D(0)),
        ({2021: 10, 2025: 1}, 2025, MISSED, None),
        ({2021: 10, 2025: 0}, 2025, MET, None),
    ],
)
def test_level_targets_follow_the_straight_path_to_the_value(levels, year, status, needed):
    p = level_progress(levels=levels, baseline_year=2021, end_year=2025, value=D(0), year=year)
    assert p.status == status and p.needed_per_year == needed


def test_a_level_without_figures_that_year_is_no_data():
    p = level_progress(levels={2021: 7, 2025: None}, baseline_year=2021, end_year=2030, value=D(0), year=2025)
    assert p.actual is None and p.status is None
