"""The demo review history looks like DOMAIN.md §7 and follows the units in force on each review's date."""
import datetime as dt

import pytest
from django.db.models import Count, Q

from households import demo
from households.models import AdministrativeUnit, AnnualReview, ReviewRound, ReviewState

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def seeded(db):
    """Built once for the checks below (one test, so it is built once and rolled back like any test's data)."""
    demo.build_registry(households=1500, seed=7, today=TODAY)
    return demo.build_reviews(seed=7, today=TODAY)


def rate(qs, **extra):
    rows = qs.aggregate(total=Count("id"), n=Count("id", filter=Q(classification="poor", **extra)))
    return 100 * rows["n"] / rows["total"]


def check_one_review_per_household_and_year_from_2021(seeded):
    assert sorted(seeded.by_year) == [2021, 2022, 2023, 2024, 2025, 2026]
    assert AnnualReview.objects.values("household_id", "year").annotate(n=Count("id")).filter(n__gt=1).count() == 0
    assert all(seeded.by_year[y]["total"] == 1500 for y in range(2021, 2026))
    assert 1000 < seeded.by_year[2026]["total"] < 1500  # the current review is still going on


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
    household_ids = AnnualReview.objects.filter(year=2024, commune=town).values("household_id")
    assert set(AnnualReview.objects.filter(year=2026, household_id__in=household_ids).values_list("area", flat=True)) == {"rural"}


def check_rates_fall_each_year_and_are_higher_where_the_plan_says(seeded):
    rates = [rate(AnnualReview.objects.filter(year=y)) for y in range(2021, 2026)]
    assert 9 < rates[0] < 20 and all(1.5 <= a - b <= 4.5 for a, b in zip(rates, rates[1:])), rates
    reviews_2021 = AnnualReview.objects.filter(year=2021)
    assert rate(reviews_2021.filter(commune__extremely_difficult=True)) > 1.5 * rate(reviews_2021.filter(commune__extremely_difficult=False))
    assert rate(reviews_2021.filter(ethnic_minority=True)) > rate(reviews_2021.filter(ethnic_minority=False))


def check_some_households_fall_back_and_classification_matches_the_rules(seeded):
    changes = set(AnnualReview.objects.filter(year__gt=2021).values_list("change", flat=True))
    assert {"escaped_poverty", "escaped_near_poverty", "near_poor_to_poor"} <= changes
    assert changes & {"fell_back_poor", "fell_back_near_poor", "newly_poor"}
    poor = AnnualReview.objects.filter(classification="poor", year=2023)
    assert not poor.filter(deprivation_count__lt=3).exists()
    assert not poor.filter(income_per_capita_month__gt=1_500_000, area="rural").exists()


def test_the_demo_review_history_looks_like_the_district(seeded):
    check_one_review_per_household_and_year_from_2021(seeded)
    check_past_years_are_recognised_and_confirmed_and_the_current_one_in_progress(seeded)
    check_reviews_up_to_2024_are_filed_under_the_old_units_and_from_2025_under_the_new(seeded)
    check_rates_fall_each_year_and_are_higher_where_the_plan_says(seeded)
    check_some_households_fall_back_and_classification_matches_the_rules(seeded)
