"""Personas and factories shared by the whole suite.

Reference data (units, ethnic groups, agencies) arrives with the migrations, so every test database has it.
Personas work in today's structure (after the 1 July 2025 reform): a commune officer of Tân Trào (which
took in Trung Yên) and one of Minh Thanh (which took in Bình Yên and Lương Thiện).
"""
from __future__ import annotations

import datetime as dt
import itertools

import factory
import pytest
from django.core.cache import cache

from accounts.models import Role, User
from households.models import AdministrativeUnit, EthnicGroup, Household, Level, Member, Relation, Sex
from programs.models import Agency

PASSWORD = "Mật-khẩu-thử-2026"
_seq = itertools.count(1)


def unit(code: str, on: dt.date | None = None) -> AdministrativeUnit:
    """The unit that bore `code` on a date (today by default)."""
    return AdministrativeUnit.objects.by_code(code, on)


def make_village(commune: AdministrativeUnit, name: str | None = None) -> AdministrativeUnit:
    n = next(_seq)
    return AdministrativeUnit.objects.create(
        code=f"{commune.code}-T{n:03d}", name=name or f"Thôn Thử {n}", level=Level.VILLAGE, parent=commune, area=commune.area
    )


class HouseholdFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Household

    code = factory.Sequence(lambda n: f"HH-{n:06d}")
    commune = factory.LazyFunction(lambda: unit("02545"))
    head_name = "Nguyễn Văn An"
    address = "Thôn Thử, Xã Tân Trào"


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    household = factory.SubFactory(HouseholdFactory)
    full_name = factory.Sequence(lambda n: f"Hoàng Thị Mai {n}")
    sex = Sex.FEMALE
    birth_date = dt.date(1985, 5, 17)
    relation = Relation.SPOUSE
    ethnic_group = factory.LazyFunction(lambda: EthnicGroup.objects.get(code="02"))


def make_user(username: str, role: str, *, unit_code: str | None = None, agency_code: str | None = None, **extra) -> User:
    user = User(
        username=username,
        role=role,
        full_name=extra.pop("full_name", username),
        unit=AdministrativeUnit.objects.filter(code=unit_code).order_by("-valid_from").first() if unit_code else None,
        agency=Agency.objects.get(code=agency_code) if agency_code else None,
        is_staff=role == Role.ADMIN,
        is_superuser=role == Role.ADMIN,
        **extra,
    )
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture(autouse=True)
def _clear_cache():
    """Login and API throttles count in the cache: every test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def tantrao(db):
    return unit("02545")


@pytest.fixture
def minhthanh(db):
    return unit("02554")


@pytest.fixture
def tantrao_officer(db):
    return make_user("canbo_tantrao", Role.COMMUNE_OFFICER, unit_code="02545", full_name="Ma Văn Thắng")


@pytest.fixture
def minhthanh_officer(db):
    return make_user("canbo_minhthanh", Role.COMMUNE_OFFICER, unit_code="02554", full_name="Hoàng Thị Lan")


@pytest.fixture
def district_officer(db):
    return make_user("phong_ldtbxh", Role.DISTRICT_OFFICER, unit_code="076", full_name="Nguyễn Thị Hạnh")


@pytest.fixture
def bank_officer(db):
    return make_user("canbo_nhcsxh", Role.AGENCY_OFFICER, agency_code="NHCSXH", full_name="Trần Văn Bình")


@pytest.fixture
def province_viewer(db):
    return make_user("tinh_tq", Role.PROVINCE_VIEWER, unit_code="08", full_name="Phạm Minh Đức")


@pytest.fixture
def administrator(db):
    return make_user("quantri", Role.ADMIN, full_name="Quản trị")


@pytest.fixture
def personas(tantrao_officer, minhthanh_officer, district_officer, bank_officer, province_viewer, administrator):
    return {
        "commune_officer": tantrao_officer,
        "other_commune_officer": minhthanh_officer,
        "district_officer": district_officer,
        "agency_officer": bank_officer,
        "province_viewer": province_viewer,
        "admin": administrator,
    }


@pytest.fixture
def tantrao_household(tantrao):
    hh = HouseholdFactory(commune=tantrao, village=make_village(tantrao, "Thôn Tân Lập"), head_name="Ma Văn Thắng")
    MemberFactory(household=hh, full_name="Ma Văn Thắng", sex=Sex.MALE, relation=Relation.HEAD, citizen_id="008085001234")
    MemberFactory(household=hh, full_name="Hoàng Thị Mai", citizen_id="008185005678")
    return hh


@pytest.fixture
def minhthanh_household(minhthanh):
    hh = HouseholdFactory(commune=minhthanh, village=make_village(minhthanh, "Thôn Khuôn Lăn"), head_name="Bàn Văn Lợi")
    MemberFactory(household=hh, full_name="Bàn Văn Lợi", sex=Sex.MALE, relation=Relation.HEAD, citizen_id="008080009999")
    return hh


def client_for(client, user):
    client.force_login(user)
    return client
