"""The demo review history looks like the district's practice (docs/domain.md §3, §7): the general review of 2021 covers
every household, later years the households on the lists and those that applied; households split, merge, move,
arrive, leave and end; members are born and die; reviews follow the units in force on their date."""
import datetime as dt

import pytest
from django.db.models import Count

from households import demo
from households.models import (
    AdministrativeUnit, AnnualReview, Classification, EventKind, Household, HouseholdEvent, HouseholdYear, Member,
    MemberChange, ReviewRound, ReviewState,
)
from reporting import selectors

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 26)
REGISTRY = 1500


@pytest.fixture
def seeded(db):
    """Built once for the checks below (one test, so it is built once and rolled back like any test's data)."""
    demo.build_registry(households=REGISTRY, seed=7, today=TODAY)
    return demo.build_reviews(seed=7, today=TODAY)


def check_2021_reviews_everyone_and_later_years_the_lists_and_applicants(seeded):
    assert sorted(seeded.by_year) == [2021, 2022, 2023, 2024, 2025, 2026]
    assert AnnualReview.objects.values("household_id", "year").annotate(n=Count("id")).filter(n__gt=1).count() == 0
    assert seeded.by_year[2021]["total"] == REGISTRY
    for year in range(2022, 2027):
        resident = HouseholdYear.objects.filter(year=year, commune__isnull=False).count()
        share = seeded.by_year[year]["total"] / resident
        assert 0.08 < share < 0.45, (year, share)
        # The households on last year's lists are reviewed again, but for a few gaps (about 6 % in the year under
        # way, whose rounds are not finished; well under 1 % in a finished year).
        listed = HouseholdYear.objects.filter(year=year, commune__isnull=False, prev_w__in=(Classification.POOR, Classification.NEAR_POOR))
        gaps = listed.filter(reviewed=False).count()
        assert gaps <= max(2, (0.12 if year == TODAY.year else 0.03) * listed.count()), (year, gaps, listed.count())


def check_past_years_are_recognised_and_confirmed_and_the_current_one_in_progress(seeded):
    past = AnnualReview.objects.filter(year__lt=2026)
    assert set(past.values_list("state", flat=True)) == {ReviewState.CONFIRMED}
    assert not past.filter(decision_number="").exists()
    current = set(AnnualReview.objects.filter(year=2026).values_list("state", flat=True))
    assert ReviewState.DRAFT in current and not current & {ReviewState.RECOGNISED, ReviewState.CONFIRMED}
    assert ReviewRound.objects.filter(year=2025).exclude(confirmed_at=None).count() == 10


def check_reviews_up_to_2024_are_filed_under_the_old_units_and_from_2025_under_the_new(seeded):
    old = set(AnnualReview.objects.filter(year=2024).values_list("commune__valid_to", flat=True))
    new = set(AnnualReview.objects.filter(year=2025).values_list("commune__valid_to", flat=True))
    assert old == {dt.date(2025, 6, 30)} and new == {None}
    town = AdministrativeUnit.objects.get(code="02536", valid_to=dt.date(2025, 6, 30))
    assert set(AnnualReview.objects.filter(year=2024, commune=town).values_list("area", flat=True)) == {"urban"}
    household_ids = AnnualReview.objects.filter(year=2021, commune=town).values("household_id")
    assert set(AnnualReview.objects.filter(year__gte=2025, household_id__in=household_ids).values_list("area", flat=True)) == {"rural"}


def check_rates_over_resident_households_fall_each_year_and_are_higher_where_the_plan_says(seeded):
    rates = [selectors.poverty_summary(year=y)["poor_rate"] for y in range(2021, 2026)]
    assert 9 < rates[0] < 20 and all(1.0 <= a - b <= 4.5 for a, b in zip(rates, rates[1:])), rates
    reviews_2021 = AnnualReview.objects.filter(year=2021)

    def rate(qs):
        return 100 * qs.filter(classification="poor").count() / qs.count()

    assert rate(reviews_2021.filter(commune__extremely_difficult=True)) > 1.5 * rate(reviews_2021.filter(commune__extremely_difficult=False))
    assert rate(reviews_2021.filter(ethnic_minority=True)) > rate(reviews_2021.filter(ethnic_minority=False))


def check_some_households_fall_back_and_classification_matches_the_rules(seeded):
    changes = set(AnnualReview.objects.filter(year__gt=2021).values_list("change", flat=True))
    assert {"escaped_poverty", "escaped_near_poverty", "near_poor_to_poor", "newly_poor"} <= changes
    poor = AnnualReview.objects.filter(classification="poor", year=2023)
    assert not poor.filter(deprivation_count__lt=3).exists()
    assert not poor.filter(income_per_capita_month__gt=1_500_000, area="rural").exists()
    # A resident household's first review after 2021 is not a "first review": it was neither poor nor near-poor.
    assert not AnnualReview.objects.filter(year__gt=2021, change="first_review", household__resident_since__isnull=True).exists()


def check_households_split_merge_move_arrive_leave_and_end_every_year(seeded):
    for year in range(2022, 2027):
        kinds = set(HouseholdEvent.objects.filter(date__year=year).values_list("kind", flat=True))
        assert {EventKind.SPLIT, EventKind.MOVE, EventKind.MOVE_IN, EventKind.MOVE_OUT} <= kinds, (year, kinds)
        events = HouseholdEvent.objects.filter(date__year=year).count()
        resident = HouseholdYear.objects.filter(year=year - 1, commune__isnull=False).count()
        assert 0.008 <= events / resident <= 0.03, (year, events, resident)
    assert HouseholdEvent.objects.filter(kind__in=(EventKind.MERGE, EventKind.DISSOLVE)).exists()
    # Split-off and arriving households have their start; departed ones their end.
    assert Household.objects.filter(resident_since__isnull=False).count() == HouseholdEvent.objects.filter(
        kind__in=(EventKind.SPLIT, EventKind.MOVE_IN)).count()
    assert Household.objects.filter(ended_on__isnull=False).count() == HouseholdEvent.objects.filter(
        kind__in=(EventKind.MERGE, EventKind.MOVE_OUT, EventKind.DISSOLVE)).count()
    assert Member.all_objects.filter(joined_reason=MemberChange.BIRTH).exists()
    assert Member.all_objects.filter(left_reason=MemberChange.DEATH).exists()


def test_the_demo_review_history_looks_like_the_district(seeded):
    """Every check runs, and every failure is reported (not only the first)."""
    failures = []
    for check in (
        check_2021_reviews_everyone_and_later_years_the_lists_and_applicants,
        check_past_years_are_recognised_and_confirmed_and_the_current_one_in_progress,
        check_reviews_up_to_2024_are_filed_under_the_old_units_and_from_2025_under_the_new,
        check_rates_over_resident_households_fall_each_year_and_are_higher_where_the_plan_says,
        check_some_households_fall_back_and_classification_matches_the_rules,
        check_households_split_merge_move_arrive_leave_and_end_every_year,
    ):
        try:
            check(seeded)
        except AssertionError as exc:
            failures.append(f"{check.__name__}: {exc}")
    assert not failures, "\n".join(failures)
