"""Fixtures of the dashboard tests: reviews with known answers, made with our own factory (not the demo data).

`make_review` writes an `AnnualReview` as the review services would leave it (classification, change, previous
classification, state, deprivation mask), without going through the workflow: the statistics only read them.
"""
from __future__ import annotations

import datetime as dt
import itertools

import pytest

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
    return review


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
    return AnnualReview.objects.bulk_create([
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
    """2024 under the old structure, 2025 under the new one.

    2024, confirmed unless said: Trung Yên (extremely difficult) 10 households: 2 poor ethnic-minority households
    (stayed), 1 newly poor, 2 near-poor, 5 others; Tân Trào (old) 10: 1 poor, 1 near-poor that escaped poverty,
    7 others, 1 other still a draft; Sơn Dương town (urban) 4: 1 near-poor, 3 others.
    2025: Tân Trào (new, = Tân Trào + Trung Yên) 20: 2 poor (1 ethnic minority), 3 near-poor, 14 others, 1 poor
    still posted (not official); Minh Thanh (new) 5: 1 poor, 4 others.
    """
    ty, tt0, town = unit("02539", D2024), unit("02545", D2024), unit("02536", D2024)
    tt, mt = unit("02545"), unit("02554")
    make_reviews(2, commune=ty, year=2024, classification=POOR, previous=POOR, ethnic_minority=True)
    make_review(commune=ty, year=2024, classification=POOR, change=Change.NEWLY_POOR)
    make_reviews(2, commune=ty, year=2024, classification=NEAR, previous=NEAR)
    make_reviews(5, commune=ty, year=2024)
    make_review(commune=tt0, year=2024, classification=POOR, previous=POOR)
    make_review(commune=tt0, year=2024, classification=NEAR, previous=POOR, change=Change.ESCAPED_POVERTY)
    make_reviews(7, commune=tt0, year=2024)
    make_review(commune=tt0, year=2024, state=ReviewState.DRAFT)
    make_review(commune=town, year=2024, classification=NEAR, previous=NEAR)
    make_reviews(3, commune=town, year=2024)
    make_review(commune=tt, year=2025, classification=POOR, previous=POOR, ethnic_minority=True)
    make_review(commune=tt, year=2025, classification=POOR, previous=POOR)
    make_reviews(3, commune=tt, year=2025, classification=NEAR, previous=NEAR)
    make_reviews(14, commune=tt, year=2025)
    make_review(commune=tt, year=2025, classification=POOR, previous=NEAR, change=Change.NEAR_POOR_TO_POOR, state=ReviewState.POSTED)
    make_review(commune=mt, year=2025, classification=POOR, previous=POOR)
    make_reviews(4, commune=mt, year=2025)
    return {"ty": ty, "tt0": tt0, "town": town, "tt": tt, "mt": mt}
