"""Fixtures of the dashboard tests: reviews with known answers, made with our own factory (not the demo data).

`make_review` writes an `AnnualReview` as the review services would leave it (classification, change, previous
classification, state, deprivation mask), without going through the workflow: the statistics only read them.
"""
from __future__ import annotations

import datetime as dt
import itertools

import pytest

from households.household_years import household_years_refresh
from households.models import AnnualReview, Change, Classification, Household, Indicator, PovertyStandard, ReviewState
from tests.conftest import HouseholdFactory, make_village, unit

_seq = itertools.count(1)
D2024 = dt.date(2024, 6, 1)
POOR, NEAR = Classification.POOR, Classification.NEAR_POOR


def mask(*codes: str, year: int = 2025) -> int:
    """The deprivation mask of the given indicator codes under the standard of `year`."""
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
    village=None,
    household=None,
    ethnic_minority: bool = False,
    area: str | None = None,
    deprived: tuple[str, ...] = (),
    causes: tuple[str, ...] = (),
    no_working_capacity: bool = False,
    person_of_merit: bool = False,
) -> AnnualReview:
    household = household or HouseholdFactory(code=f"DB-{next(_seq):06d}", commune=commune, village=village)
    review = AnnualReview.objects.create(
        household=household,
        year=year,
        review_date=dt.date(year, 10, 15),
        standard=PovertyStandard.objects.for_year(year),
        commune=commune,
        village=village,
        area=area or commune.area,
        ethnic_minority=ethnic_minority,
        member_count=4,
        income_per_capita_month=1_200_000 if classification in (Classification.POOR, Classification.NEAR_POOR) else 2_500_000,
        deprivation_mask=mask(*deprived, year=year),
        deprivation_count=len(deprived),
        classification=classification,
        previous_classification=previous,
        change=change,
        state=state,
        no_working_capacity=no_working_capacity,
        person_of_merit=person_of_merit,
    )
    if causes:
        from households.models import PovertyCause

        review.causes.set(PovertyCause.objects.filter(code__in=causes))
    household_years_refresh(household_ids=[household.pk])
    return review


def make_household(commune, village=None) -> Household:
    """A household living in `commune` (since before the first year of data), with no members recorded: its
    persons are its reviews' member count."""
    household = HouseholdFactory(code=f"DB-{next(_seq):06d}", commune=commune, village=village)
    household_years_refresh(household_ids=[household.pk])
    return household


def make_reviews(n: int, **kwargs) -> list[AnnualReview]:
    """`n` reviews alike (each of its own new household), written with two bulk inserts."""
    if kwargs.get("household") is not None or kwargs.get("causes"):
        return [make_review(**kwargs) for _ in range(n)]
    commune, year = kwargs["commune"], kwargs.get("year", 2025)
    classification = kwargs.get("classification", Classification.OTHER)
    households = Household.objects.bulk_create(
        [Household(code=f"DB-{next(_seq):06d}", commune=commune, village=kwargs.get("village"), head_name="Hộ thử")
         for _ in range(n)]
    )
    standard = PovertyStandard.objects.for_year(year)
    deprived = kwargs.get("deprived", ())
    made = AnnualReview.objects.bulk_create([
        AnnualReview(
            household=h, year=year, review_date=dt.date(year, 10, 15), standard=standard, commune=commune,
            village=kwargs.get("village"), area=kwargs.get("area") or commune.area,
            ethnic_minority=kwargs.get("ethnic_minority", False), member_count=4,
            income_per_capita_month=1_200_000 if classification in (Classification.POOR, Classification.NEAR_POOR) else 2_500_000,
            deprivation_mask=mask(*deprived, year=year), deprivation_count=len(deprived), classification=classification,
            previous_classification=kwargs.get("previous", ""), change=kwargs.get("change", Change.STAYED),
            state=kwargs.get("state", ReviewState.CONFIRMED), no_working_capacity=kwargs.get("no_working_capacity", False),
            person_of_merit=kwargs.get("person_of_merit", False),
        )
        for h in households
    ])
    household_years_refresh(household_ids=[h.pk for h in households])
    return made


@pytest.fixture
def trung_yen(db):
    """Trung Yên, an extremely difficult commune until 30 June 2025, then part of Tân Trào."""
    return unit("02539", dt.date(2024, 1, 1))


@pytest.fixture
def old_tantrao(db):
    return unit("02545", dt.date(2024, 1, 1))


@pytest.fixture
def village_factory():
    return make_village


@pytest.fixture
def district(db):
    """Three years as the district runs them: the same households year after year, reviewed when they are on the
    lists (or applied), every other resident household neither poor nor near-poor. Confirmed unless said.

    Trung Yên (extremely difficult, until 30/6/2025), 12 households h1–h12:
      h1, h2 (ethnic minority): poor 2023, poor 2024; 2025 h1 poor, h2 near-poor.
      h3: not reviewed 2023, poor 2024 (newly poor), not re-reviewed 2025 (a gap: it stays poor).
      h4, h5: near-poor 2023 and 2024; 2025 h4 above the line, h5 near-poor.
      h6–h10: reviewed 2024 (applied), not poor; h11, h12: never reviewed.
    Old Tân Trào (until 30/6/2025), 10 households k1–k10:
      k1: poor 2023, 2024, 2025. k2: poor 2023, near-poor 2024 (escaped), poor 2025 but only posted (not official).
      k3–k9: reviewed 2024, not poor; k9 poor in 2025 (newly poor). k10: a 2024 review still a draft.
    Sơn Dương town (urban, until 30/6/2025; the commune Sơn Dương from 1/7/2025), 4 households t1–t4:
      t1: near-poor 2023, 2024, 2025; t2–t4 reviewed 2024, not poor.
    Old Minh Thanh (the commune Minh Thanh from 1/7/2025), 5 households m1–m5: reviewed first in 2025, m1 poor.

    Official figures (households are the 31 resident households every year):
      2023: poor 4 (h1, h2, k1, k2), near-poor 3 (h4, h5, t1).
      2024: poor 4 (h1, h2, h3, k1), near-poor 4 (h4, h5, k2, t1); escaped 1 (k2), newly poor 1 (h3).
      2025: poor 5 (h1, h3, k1, k9, m1), near-poor 4 (h2, h5, k2, t1); escaped 1 (h2), newly poor 2 (k9, m1);
            working basis: poor 6, near-poor 3 (k2 posted poor).
    """
    ty, tt0, town, mt0 = unit("02539", D2024), unit("02545", D2024), unit("02536", D2024), unit("02542", D2024)
    tt, mt = unit("02545"), unit("02554")
    h = [make_household(ty) for _ in range(12)]
    k = [make_household(tt0) for _ in range(10)]
    t = [make_household(town) for _ in range(4)]
    m = [make_household(mt0) for _ in range(5)]
    for hh in (h[0], h[1]):
        make_review(commune=ty, year=2023, household=hh, classification=POOR, ethnic_minority=True)
        make_review(commune=ty, year=2024, household=hh, classification=POOR, ethnic_minority=True)
    make_review(commune=tt, year=2025, household=h[0], classification=POOR, ethnic_minority=True)
    make_review(commune=tt, year=2025, household=h[1], classification=NEAR, ethnic_minority=True)
    make_review(commune=ty, year=2024, household=h[2], classification=POOR)
    for hh in (h[3], h[4]):
        make_review(commune=ty, year=2023, household=hh, classification=NEAR)
        make_review(commune=ty, year=2024, household=hh, classification=NEAR)
    make_review(commune=tt, year=2025, household=h[3])
    make_review(commune=tt, year=2025, household=h[4], classification=NEAR)
    for hh in h[5:10]:
        make_review(commune=ty, year=2024, household=hh)
    for year in (2023, 2024, 2025):
        make_review(commune=tt0 if year < 2025 else tt, year=year, household=k[0], classification=POOR)
    make_review(commune=tt0, year=2023, household=k[1], classification=POOR)
    make_review(commune=tt0, year=2024, household=k[1], classification=NEAR)
    make_review(commune=tt, year=2025, household=k[1], classification=POOR, state=ReviewState.POSTED)
    for hh in k[2:9]:
        make_review(commune=tt0, year=2024, household=hh)
    make_review(commune=tt, year=2025, household=k[8], classification=POOR)
    make_review(commune=tt0, year=2024, household=k[9], state=ReviewState.DRAFT)
    for year in (2023, 2024, 2025):
        make_review(commune=town if year < 2025 else unit("02536"), year=year, household=t[0], classification=NEAR)
    for hh in t[1:]:
        make_review(commune=town, year=2024, household=hh)
    make_review(commune=mt, year=2025, household=m[0], classification=POOR)
    for hh in m[1:]:
        make_review(commune=mt, year=2025, household=hh)
    return {"ty": ty, "tt0": tt0, "town": town, "tt": tt, "mt": mt, "mt0": mt0, "h": h, "k": k, "t": t, "m": m}
