"""Shared helpers of the merger tests: households recorded under the units of before a merger, and reviews."""
from __future__ import annotations

import datetime as dt
import itertools

import pytest

from households import poverty
from households.models import (
    AdministrativeUnit,
    AnnualReview,
    Change,
    Household,
    Level,
    PovertyStandard,
    ReviewState,
)
from households.household_years import household_years_refresh
from households.selectors import household_place_on
from tests.conftest import HouseholdFactory, make_village

# docs/domain.md §1: the mergers of the program area, by effective date.
MERGER_DATES = (dt.date(2020, 1, 1), dt.date(2024, 9, 1), dt.date(2025, 7, 1))
REFORM = dt.date(2025, 7, 1)
BEFORE_REFORM = dt.date(2025, 6, 30)

_seq = itertools.count(1)


def unit_on(code: str, on: dt.date) -> AdministrativeUnit:
    return AdministrativeUnit.objects.by_code(code, on)


def household_in(commune: AdministrativeUnit, *, with_village: bool = True, **kwargs) -> Household:
    """A household recorded under `commune` (an old unit, as lists typed before a merger are)."""
    village = make_village(commune) if with_village else None
    return HouseholdFactory(code=f"M-{next(_seq):05d}", commune=commune, village=village, **kwargs)


def places_on(on: dt.date) -> dict[int, int]:
    """Household id → id of the commune it belonged to on a date."""
    return {h.pk: household_place_on(household=h, on=on)[0].pk for h in Household.objects.select_related("village__parent", "commune")}


def make_review(
    household: Household,
    *,
    year: int,
    review_date: dt.date,
    commune: AdministrativeUnit,
    income: int,
    deprivations: list[str],
    state: str = ReviewState.DRAFT,
    area: str | None = None,
) -> AnnualReview:
    """A review as the review form stores it: classified by `households.poverty` under the standard of its year."""
    standard = PovertyStandard.objects.for_year(year)
    area = area or commune.area
    result = poverty.classify(standard.to_rules(), area=area, income_per_capita_month=income, deprivations=deprivations)
    orders = dict(standard.indicators.values_list("code", "order"))
    review = AnnualReview.objects.create(
        household=household, year=year, review_date=review_date, standard=standard, commune=commune,
        village=household.village, area=area, member_count=3, income_per_capita_month=income,
        indicators={code: {"deprived": True, "source": "entered"} for code in deprivations},
        deprivation_mask=sum(1 << orders[c] for c in deprivations), deprivation_count=result.deprivation_count,
        classification=result.category, change=Change.FIRST_REVIEW, reasons=list(result.reasons), state=state,
    )
    household_years_refresh(household_ids=[household.pk])
    return review


@pytest.fixture
def old_registry(db):
    """Two households under every commune-level unit of the area that has ended (one in a village of it, one
    recorded with no village), and one under each commune of today."""
    made = []
    for commune in AdministrativeUnit.objects.filter(level=Level.COMMUNE).order_by("valid_from", "code"):
        made.append(household_in(commune))
        if commune.valid_to is not None:
            made.append(household_in(commune, with_village=False))
    return made
