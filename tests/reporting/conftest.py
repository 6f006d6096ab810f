"""Fixtures of the reporting tests: reviews with known answers (our own factory, not the demo data), members,
obligations, clocks in Asia/Ho_Chi_Minh, and a fast report builder."""
from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo

import pytest
from django.core import mail  # noqa: F401  (locmem outbox in tests)

from households.household_years import household_years_refresh
from households.models import AnnualReview, Change, Classification, EthnicGroup, Indicator, Member, PovertyStandard, Relation, ReviewState, Sex
from reporting import services
from reporting.models import ReportKind
from tests.conftest import HouseholdFactory, make_village, unit

VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
_seq = itertools.count(1)


def vn(year: int, month: int, day: int, hour: int = 7, minute: int = 0) -> dt.datetime:
    """An aware moment given as the wall clock in Sơn Dương."""
    return dt.datetime(year, month, day, hour, minute, tzinfo=VN)


def mask(*codes: str, year: int) -> int:
    bits = 0
    for ind in Indicator.objects.filter(standard=PovertyStandard.objects.for_year(year), code__in=codes):
        bits |= ind.bit
    return bits


def make_review(
    *,
    commune,
    year: int = 2025,
    classification: str = Classification.OTHER,
    change: str = Change.STAYED,
    previous: str = "",
    state: str = ReviewState.CONFIRMED,
    household=None,
    village=None,
    ethnic_minority: bool = False,
    deprived: tuple[str, ...] = (),
    causes: tuple[str, ...] = (),
    no_working_capacity: bool = False,
    person_of_merit: bool = False,
    income: int | None = None,
) -> AnnualReview:
    household = household or HouseholdFactory(code=f"BC-{next(_seq):06d}", commune=commune, village=village)
    review = AnnualReview.objects.create(
        household=household, year=year, review_date=dt.date(year, 10, 15),
        standard=PovertyStandard.objects.for_year(year), commune=commune, village=village, area=commune.area,
        ethnic_minority=ethnic_minority, member_count=4,
        income_per_capita_month=income or (1_200_000 if classification in (Classification.POOR, Classification.NEAR_POOR) else 2_600_000),
        deprivation_mask=mask(*deprived, year=year), deprivation_count=len(deprived),
        classification=classification, previous_classification=previous, change=change, state=state,
        no_working_capacity=no_working_capacity, person_of_merit=person_of_merit,
    )
    if causes:
        from households.models import PovertyCause

        review.causes.set(PovertyCause.objects.filter(code__in=causes))
    household_years_refresh(household_ids=[household.pk])
    return review


def add_member(household, name: str, *, sex: str = Sex.FEMALE, born: int = 1980, relation: str = Relation.SPOUSE, ethnic: str = "02", cid: str | None = None) -> Member:
    member = Member.objects.create(
        household=household, full_name=name, sex=sex, birth_date=dt.date(born, 3, 1), relation=relation,
        ethnic_group=EthnicGroup.objects.get(code=ethnic), citizen_id=cid, order=Member.objects.filter(household=household).count(),
    )
    household_years_refresh(household_ids=[household.pk])
    return member


@pytest.fixture
def annual(db) -> ReportKind:
    return ReportKind.objects.get(code="annual")


@pytest.fixture
def deadline_2026(annual):
    deadline = services.deadline_ensure(kind=annual, year=2026)
    services.obligations_ensure(deadline=deadline)
    return deadline


@pytest.fixture
def tantrao_obligation(deadline_2026, tantrao):
    return deadline_2026.obligations.get(commune=tantrao)


@pytest.fixture
def bank_obligation(deadline_2026):
    return deadline_2026.obligations.get(agency__code="NHCSXH")


@pytest.fixture
def village_of():
    return make_village


@pytest.fixture
def old_unit():
    """A unit by code on a date before the 2025 reform (Trung Yên, Bình Yên…)."""
    return lambda code: unit(code, dt.date(2024, 1, 1))
