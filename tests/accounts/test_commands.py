"""`create_officer` and `seed_demo`: the interfaces other work relies on."""
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from accounts.models import Role, User
from households.models import Household, Member

pytestmark = pytest.mark.django_db


def create(*args):
    out = io.StringIO()
    call_command("create_officer", *args, stdout=out)
    return out.getvalue()


def test_create_officer_for_a_commune_in_force():
    create("xa1", "--role", "commune_officer", "--unit", "02545", "--password", "p-Ass-2026")
    user = User.objects.get(username="xa1")
    assert (user.role, user.unit.name) == (Role.COMMUNE_OFFICER, "Xã Tân Trào")
    assert user.check_password("p-Ass-2026")


def test_a_dissolved_communes_code_scopes_the_officer_to_its_successor():
    out = create("xa2", "--role", "commune_officer", "--unit", "02539", "--password", "Tan-Trao-2026")
    assert User.objects.get(username="xa2").unit.name == "Xã Tân Trào"
    assert "Xã Trung Yên (02539) đã hết hiệu lực từ 30/06/2025" in out


def test_create_officer_updates_an_existing_user():
    create("xa3", "--role", "commune_officer", "--unit", "02545", "--password", "Tan-Trao-2026")
    create("xa3", "--role", "agency_officer", "--agency", "YTE", "--password", "Y-te-Son-Duong-2026")
    user = User.objects.get(username="xa3")
    assert (user.role, user.agency.code, user.check_password("Y-te-Son-Duong-2026")) == (Role.AGENCY_OFFICER, "YTE", True)
    assert User.objects.filter(username="xa3").count() == 1


@pytest.mark.parametrize(
    "args,message",
    [
        (["--role", "mayor", "--password", "p"], "Vai trò không hợp lệ: mayor"),
        (["--role", "commune_officer", "--unit", "99999", "--password", "p"], "Không có đơn vị hành chính mã 99999"),
        (["--role", "agency_officer", "--agency", "XYZ", "--password", "p"], "Không có cơ quan mã XYZ"),
        (["--role", "commune_officer", "--password", "p"], "Cán bộ xã cần --unit"),
        (["--role", "agency_officer", "--password", "p"], "Cán bộ cơ quan cần --agency"),
    ],
)
def test_create_officer_fails_clearly(args, message):
    with pytest.raises(CommandError, match=message):
        create("bad", *args)
    assert not User.objects.filter(username="bad").exists()


def test_admin_role_gets_the_admin_site():
    create("qt", "--role", "admin", "--password", "Quan-tri-2026!")
    user = User.objects.get(username="qt")
    assert user.is_staff and user.is_superuser


def _fingerprint():
    return (
        list(Household.objects.order_by("code").values_list("code", "head_name", "commune__code", "village__code", "resident_since")),
        list(Member.objects.order_by("household__code", "order").values_list("full_name", "sex", "birth_date", "citizen_id", "ethnic_group__code")),
    )


class _Rollback(Exception):
    pass


def test_seed_demo_is_deterministic_and_makes_one_account_per_role():
    out = io.StringIO()
    try:
        with transaction.atomic():
            call_command("seed_demo", "--households", "120", "--seed", "7", stdout=out)
            first = _fingerprint()
            roles = {u.role for u in User.objects.all()}
            raise _Rollback
    except _Rollback:
        pass
    assert not Household.objects.exists()
    # The registry's 120 households, and those that moved in or split off during 2022–2026.
    assert len([h for h in first[0] if h[4] is None]) == 120 and len(first[0]) > 120 and len(first[1]) > 240
    assert roles == set(Role.values)
    for username in ("quantri", "phongldtbxh", "xatantrao", "nhcsxh", "tinhtuyenquang"):
        assert username in out.getvalue()
    call_command("seed_demo", "--households", "120", "--seed", "7", stdout=io.StringIO())
    assert _fingerprint() == first


def test_seed_demo_households_have_vietnamese_names_and_a_northern_ethnic_mix():
    call_command("seed_demo", "--households", "400", "--seed", "3", stdout=io.StringIO())
    names = list(Member.objects.values_list("full_name", flat=True))
    assert sum(any(ch in n for ch in "ăâđêôơưáàảãạếềệ") for n in names) > len(names) / 2
    groups = set(Member.objects.values_list("ethnic_group__name", flat=True))
    assert {"Kinh", "Tày", "Dao", "Sán Chay", "Sán Dìu"} <= groups
    # Households are spread over the ten communes of today's structure.
    assert Household.objects.values("commune").distinct().count() == 10


def test_seed_demo_refuses_a_database_with_households_unless_told_to_skip():
    call_command("seed_demo", "--households", "5", "--seed", "1", stdout=io.StringIO())
    with pytest.raises(CommandError, match="đã có hộ gia đình"):
        call_command("seed_demo", "--households", "5", "--seed", "1", stdout=io.StringIO())
    out = io.StringIO()
    call_command("seed_demo", "--households", "5", "--seed", "1", "--if-empty", stdout=out)
    assert "bỏ qua" in out.getvalue() and Household.objects.count() == 5


def test_every_demo_account_logs_in_to_its_own_view(client):
    from html import escape

    from accounts.demo import DEMO_ACCOUNTS, DEMO_PASSWORD, build_accounts

    build_accounts()
    for account in DEMO_ACCOUNTS:
        assert client.login(username=account.username, password=DEMO_PASSWORD), account.username
        html = client.get("/").content.decode()
        assert f"Xin chào, {account.full_name}" in html, account.username
        assert escape(User.objects.get(username=account.username).get_role_display()) in html
        client.logout()
