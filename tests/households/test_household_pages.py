"""Household pages: create with members, edit, and two officers editing one household."""
import pytest
from django.urls import reverse

from households.models import Household
from tests.conftest import make_village

pytestmark = pytest.mark.django_db


def member_form(prefix_index, **values):
    base = {"id": "", "full_name": "", "sex": "", "birth_date": "", "citizen_id": "", "ethnic_group": "", "relation": "head"}
    base.update(values)
    return {f"members-{prefix_index}-{k}": v for k, v in base.items()}


def household_post(household_code, commune, village, version="", members=()):
    data = {
        "code": household_code, "commune": commune.pk, "village": village.pk if village else "", "address": "Thôn Tân Lập",
        "phone": "", "status": "active", "version": version,
        "members-TOTAL_FORMS": str(len(members)), "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0", "members-MAX_NUM_FORMS": "1000",
    }
    for i, m in enumerate(members):
        data.update(member_form(i, **m))
    return data


def test_commune_officer_adds_a_household_with_members(client, tantrao_officer, tantrao):
    village = make_village(tantrao, "Thôn Tân Lập")
    client.force_login(tantrao_officer)
    data = household_post(
        "02545-01-999999", tantrao, village,
        members=[
            {"full_name": "Triệu Văn Hùng", "sex": "male", "birth_date": "15/03/1979", "citizen_id": "008079000111", "relation": "head"},
            {"full_name": "Bàn Thị Hoa", "sex": "female", "birth_date": "1/2/1982", "relation": "spouse"},
        ],
    )
    response = client.post(reverse("households:household_create"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    hh = Household.objects.get(code="02545-01-999999")
    assert hh.head_name == "Triệu Văn Hùng"
    assert [m.birth_date.isoformat() for m in hh.members.order_by("order")] == ["1979-03-15", "1982-02-01"]


def test_bad_citizen_id_is_shown_next_to_the_field_and_nothing_is_saved(client, tantrao_officer, tantrao):
    client.force_login(tantrao_officer)
    data = household_post("X-1", tantrao, None, members=[{"full_name": "A", "sex": "male", "citizen_id": "12345", "relation": "head"}])
    html = client.post(reverse("households:household_create"), data).content.decode()
    assert "Số định danh cá nhân phải gồm đúng 12 chữ số." in html
    assert not Household.objects.filter(code="X-1").exists()


def test_village_of_another_commune_is_refused(client, district_officer, tantrao, minhthanh):
    other_village = make_village(minhthanh)
    client.force_login(district_officer)
    html = client.post(reverse("households:household_create"), household_post("X-2", tantrao, other_village)).content.decode()
    assert "không thuộc Xã Tân Trào" in html
    assert not Household.objects.filter(code="X-2").exists()


def test_second_officer_saving_an_old_copy_is_refused_with_who_and_when(client, tantrao_officer, district_officer, tantrao_household):
    version = tantrao_household.version
    url = reverse("households:household_edit", args=[tantrao_household.code])
    village = tantrao_household.village
    client.force_login(district_officer)
    first = household_post(tantrao_household.code, tantrao_household.commune, village, version=version,
                           members=[{"full_name": "Ma Văn Thắng", "sex": "male", "relation": "head"}])
    first["address"] = "Địa chỉ của huyện"
    assert client.post(url, first).status_code == 302
    client.force_login(tantrao_officer)
    second = dict(first, address="Địa chỉ của xã")
    html = client.post(url, second).content.decode()
    assert "Nguyễn Thị Hạnh" in html and "sau khi bạn mở" in html
    tantrao_household.refresh_from_db()
    assert tantrao_household.address == "Địa chỉ của huyện"


def test_the_list_counts_every_current_member_whatever_the_search_matched(client, tantrao_officer, tantrao):
    """A search by one member's name still shows the household's four members; one who left is not counted."""
    import datetime as dt

    from tests.conftest import HouseholdFactory, MemberFactory

    hh = HouseholdFactory(commune=tantrao, village=make_village(tantrao, "Thôn Cầu Xi"), head_name="Hoàng Văn Sáu")
    for name in ("Hoàng Văn Sáu", "Lý Thị Bảy", "Hoàng Văn Tám", "Hoàng Thị Chín"):
        MemberFactory(household=hh, full_name=name, citizen_id=None)
    MemberFactory(household=hh, full_name="Hoàng Văn Mười", citizen_id=None, left_on=dt.date(2024, 5, 1), left_reason="moved")
    client.force_login(tantrao_officer)
    rows = client.get(reverse("households:household_list"), {"q": "ly thi bay"}).context["page"].object_list
    assert [(h.code, h.member_count) for h in rows] == [(hh.code, 4)]


@pytest.mark.parametrize("code", ["abc xyz", "Mã-hộ-1", "-02545", "02545 06 000001"])
def test_a_malformed_household_code_is_refused_with_the_rule(client, tantrao_officer, tantrao, code):
    village = make_village(tantrao, "Thôn Tân Lập")
    client.force_login(tantrao_officer)
    data = household_post(code, tantrao, village, members=[{"full_name": "Triệu Văn Hùng", "sex": "male", "relation": "head"}])
    response = client.post(reverse("households:household_create"), data)
    assert response.status_code == 200
    assert "không hợp lệ: chỉ gồm chữ cái không dấu, chữ số" in response.content.decode()
    assert not Household.objects.filter(code=code.strip()).exists()


def test_choosing_a_village_suggests_its_next_free_code(client, tantrao_officer, tantrao):
    from tests.conftest import HouseholdFactory

    village = make_village(tantrao, "Thôn Tân Lập")
    HouseholdFactory(commune=tantrao, village=village, code=f"{village.code}-000007")
    HouseholdFactory(commune=tantrao, village=village, code=f"{village.code}-000012")
    client.force_login(tantrao_officer)
    url = reverse("households:household_code_suggest")
    assert f'value="{village.code}-000013"' in client.get(url, {"village": village.pk, "code": ""}).content.decode()
    assert 'value="HTX-99"' in client.get(url, {"village": village.pk, "code": "HTX-99"}).content.decode()


@pytest.mark.parametrize(("phone", "ok"), [("abc", False), ("0912 345 678", True), ("+84 912.345.678", True), ("12345", False), ("", True)])
def test_the_phone_number_is_checked(client, tantrao_officer, tantrao, phone, ok):
    village = make_village(tantrao, "Thôn Tân Lập")
    client.force_login(tantrao_officer)
    data = household_post("02545-01-000777", tantrao, village, members=[{"full_name": "Triệu Văn Hùng", "sex": "male", "relation": "head"}])
    data["phone"] = phone
    response = client.post(reverse("households:household_create"), data)
    assert Household.objects.filter(code="02545-01-000777").exists() is ok
    if not ok:
        assert "không hợp lệ: chỉ gồm chữ số" in response.content.decode()
