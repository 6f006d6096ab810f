"""Fixtures of the plan's tests: reviews with known answers, agency officers, a commune's tasks.

Reviews are made directly (bulk) with the fields the targets read: year, commune as of the review, classification,
ethnic minority, deprivation mask, state. Official = recognised by the commune or confirmed by the district.
"""
from __future__ import annotations

import datetime as dt
import itertools

import pytest

from accounts.models import Role
from households.household_years import household_years_refresh
from households.selectors import unit_current_successor
from households.models import (
    AnnualReview, Change, Classification, Household, Indicator, PovertyStandard, ReviewState,
)
from programs import services
from programs.models import Target
from tests.conftest import make_user, unit

_n = itertools.count(1)


def standard_for(year: int) -> PovertyStandard:
    return PovertyStandard.objects.for_year(year)


def housing_bit(year: int = 2022) -> int:
    """The bit of Decree 07's indicator 7 (housing quality) in a review's deprivation mask."""
    return Indicator.objects.get(standard=standard_for(year), code="7").bit


def add_reviews(
    commune,
    year: int,
    *,
    households: int,
    poor: int = 0,
    near_poor: int = 0,
    minority: int = 0,
    minority_poor: int = 0,
    housing_poor: int = 0,
    housing_near_poor: int = 0,
    other_bits_poor: int = 0,
    state: str = ReviewState.RECOGNISED,
    existing: list[Household] | None = None,
) -> list[Household]:
    """`households` reviews in `commune` for `year`: the first `poor` are poor (of them the first `minority_poor`
    are ethnic minority, the first `housing_poor` deprived on housing quality, the next `other_bits_poor` on
    other indicators), then `near_poor` near-poor (the first `housing_near_poor` deprived on housing); minority
    households are `minority` in all (the poor minority ones first). Pass `existing` to review the same
    households again (a later year)."""
    assert poor + near_poor <= households and minority_poor <= min(poor, minority)
    std = standard_for(year)
    bit = Indicator.objects.get(standard=std, code="7").bit if std.indicators.filter(code="7").exists() else 0
    other = sum(i.bit for i in std.indicators.exclude(code="7")[:3])
    # New households live where they are reviewed (recorded under the unit that commune is part of today).
    hhs = existing or Household.objects.bulk_create(
        [Household(code=f"R{next(_n):06d}", commune=unit_current_successor(unit=commune), head_name="Hộ thử") for _ in range(households)]
    )
    rows = []
    minority_left = minority - minority_poor
    for i, hh in enumerate(hhs[:households]):
        is_poor = i < poor
        is_near = poor <= i < poor + near_poor
        cls = Classification.POOR if is_poor else Classification.NEAR_POOR if is_near else Classification.AVERAGE
        is_minority = i < minority_poor if is_poor else False
        if not is_poor and minority_left > 0:
            is_minority, minority_left = True, minority_left - 1
        mask = 0
        if is_poor and i < housing_poor:
            mask = bit
        elif is_poor and housing_poor <= i < housing_poor + other_bits_poor:
            mask = other
        elif is_near and i - poor < housing_near_poor:
            mask = bit
        rows.append(AnnualReview(
            household=hh, year=year, review_date=dt.date(year, 11, 15), standard=std, commune=commune,
            area=commune.area, ethnic_minority=is_minority, member_count=4, income_per_capita_month=1_000_000,
            deprivation_mask=mask, deprivation_count=bin(mask).count("1"), classification=cls,
            change=Change.FIRST_REVIEW, state=state,
        ))
    AnnualReview.objects.bulk_create(rows)
    household_years_refresh(household_ids=[h.pk for h in hhs])
    return list(hhs)


@pytest.fixture
def trung_yen(db):
    """Trung Yên, a commune until 30/6/2025, merged into Tân Trào."""
    return unit("02539", dt.date(2024, 1, 1))


@pytest.fixture
def old_tantrao(db):
    return unit("02545", dt.date(2024, 1, 1))


@pytest.fixture
def health_officer(db):
    return make_user("canbo_yte", Role.AGENCY_OFFICER, agency_code="YTE", full_name="Lê Thị Thu")


@pytest.fixture
def finance_officer(db):
    return make_user("canbo_tckh", Role.AGENCY_OFFICER, agency_code="TCKH", full_name="Đỗ Văn Phúc")


@pytest.fixture
def district_target(db):
    return Target.objects.get(code="II.2-poverty-2025")


@pytest.fixture
def tasks_2026(db):
    services.tasks_open_year(year=2026)
    return 2026
