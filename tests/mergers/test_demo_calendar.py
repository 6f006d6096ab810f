"""The demo data follows the real calendar of the mergers (issue 8, item 6): the demo builder belongs to
households.demo; these tests only check that its households and reviews sit in the units of their dates."""
from __future__ import annotations

import datetime as dt

import pytest

from households import demo as households_demo
from households.mergers import mergers_apply, reform_requests
from households.models import AdministrativeUnit, AnnualReview, Household, Level
from households.structure import successor_map

from .conftest import BEFORE_REFORM, REFORM, places_on

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def demo(db):
    """The registry and review steps of `seed_demo` (households.demo), without the plan and reporting steps."""
    households_demo.build_registry(households=60, seed=8, today=TODAY)
    households_demo.build_reviews(seed=8, today=TODAY)
    return Household.objects.count()


def test_demo_households_lived_in_the_old_units_before_the_reform_and_in_the_ten_communes_after(demo):
    old_units = set(AdministrativeUnit.objects.in_force(dt.date(2023, 6, 1)).filter(level=Level.COMMUNE, parent__code="076").values_list("pk", flat=True))
    new_units = set(AdministrativeUnit.objects.in_force(REFORM).filter(level=Level.COMMUNE, parent__code="08").values_list("pk", flat=True))
    assert len(new_units) == 10
    assert set(places_on(dt.date(2023, 6, 1)).values()) <= old_units
    assert set(places_on(dt.date(2026, 6, 1)).values()) <= new_units
    assert set(Household.objects.values_list("commune_id", flat=True)) <= new_units


def test_applying_the_recorded_reform_to_the_demo_changes_no_households_place(demo):
    dates = (dt.date(2023, 6, 1), BEFORE_REFORM, REFORM, dt.date(2026, 6, 1))
    before = {d: places_on(d) for d in dates}
    done = mergers_apply(requests=reform_requests(REFORM))
    assert sum(m.summary["households"] for m in done) == demo
    assert {d: places_on(d) for d in dates} == before


def test_demo_reviews_are_filed_under_the_unit_in_force_on_their_date(demo):
    reviews = AnnualReview.objects.select_related("commune")
    assert reviews.filter(year=2024).exists() and reviews.filter(year=2026).exists()
    for review in reviews:
        assert review.commune.in_force_on(review.review_date), (review.year, review.commune.label)
        if review.year <= 2024:
            assert review.commune.valid_to is not None and review.commune.valid_to <= BEFORE_REFORM
        if review.year >= 2025 and review.review_date >= REFORM:
            assert review.commune.valid_from == REFORM
    # Households are carried across: the commune of a household's 2025 review took in the unit of its 2024 review.
    images = successor_map(REFORM)
    by_household: dict[int, dict[int, int]] = {}
    pair_reviews = AnnualReview.objects.filter(year=2024) | AnnualReview.objects.filter(year=2025, review_date__gte=REFORM)
    for household_id, year, commune_id in pair_reviews.values_list("household_id", "year", "commune_id"):
        by_household.setdefault(household_id, {})[year] = commune_id
    pairs = [(y[2024], y[2025]) for y in by_household.values() if len(y) == 2]
    assert pairs
    assert all(images[old] == new for old, new in pairs)
