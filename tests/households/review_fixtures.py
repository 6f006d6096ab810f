"""Fixtures of the review tests (imported by the test modules: `from tests.households.review_fixtures import *`).

A household of the old town of Sơn Dương (urban until 30 June 2025), whose village reaches today's commune of
Sơn Dương (rural) through the merger, the way the demo registry is built.
"""
from __future__ import annotations

import datetime as dt

import pytest

from households import services
from households.models import AdministrativeUnit, EthnicGroup, Level, Relation, Sex
from tests.conftest import HouseholdFactory, MemberFactory, unit

OLD_TOWN_DAY = dt.date(2024, 10, 1)


def make_old_village(code: str, name: str, on: dt.date = OLD_TOWN_DAY) -> AdministrativeUnit:
    parent = unit(code, on)
    return AdministrativeUnit.objects.create(
        code=f"{parent.code}-R{AdministrativeUnit.objects.count():04d}", name=name, level=Level.VILLAGE, parent=parent,
        area=parent.area, valid_from=dt.date(2000, 1, 1),
    )


def make_household(*, old_commune: str = "02536", new_commune: str = "02536", village: AdministrativeUnit | None = None,
                   ethnic: str = "02", head: str = "Ma Văn Thắng"):
    village = village or make_old_village(old_commune, "Tổ dân phố Tân Bắc")
    hh = HouseholdFactory(commune=unit(new_commune), village=village, head_name=head, address=village.name)
    group = EthnicGroup.objects.get(code=ethnic)
    MemberFactory(household=hh, full_name=head, sex=Sex.MALE, relation=Relation.HEAD, birth_date=dt.date(1980, 3, 1), ethnic_group=group, citizen_id=None)
    MemberFactory(household=hh, full_name="Hoàng Thị Mai", sex=Sex.FEMALE, relation=Relation.SPOUSE, birth_date=dt.date(1983, 6, 9), ethnic_group=group, citizen_id=None)
    MemberFactory(household=hh, full_name="Ma Văn Nam", sex=Sex.MALE, relation=Relation.CHILD, birth_date=dt.date(2012, 9, 2), ethnic_group=group, citizen_id=None)
    MemberFactory(household=hh, full_name="Ma Thị Lụa", sex=Sex.FEMALE, relation=Relation.PARENT, birth_date=dt.date(1950, 1, 20), ethnic_group=group, citizen_id=None)
    return hh


@pytest.fixture
def town_household(db):
    """Four members, Tày, in a residential group of the old town (urban) that is part of the rural commune of
    Sơn Dương since 1 July 2025."""
    return make_household()


@pytest.fixture
def trungyen_household(db):
    """A household of Trung Yên (an extremely difficult commune, merged into Tân Trào in 2025)."""
    return make_household(old_commune="02539", new_commune="02545", village=make_old_village("02539", "Thôn Cầu Trâu"), head="Bàn Văn Lợi", ethnic="09")


def save(household, year: int, *, user=None, income: int = 1_200_000, deprivations=("4", "7", "9"), day: dt.date | None = None, **kw):
    """Save a review with an income per person per month and ticked indicators (no facts)."""
    return services.review_save(
        household=household, year=year, user=user, review_date=day or dt.date(year, 10, 1),
        income_per_capita_month=income, deprivations=list(deprivations), **kw,
    )
