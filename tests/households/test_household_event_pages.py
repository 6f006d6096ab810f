"""The household page records the registry events: the form of each kind, errors beside their field in Vietnamese
with nothing lost, the event in the household's history, scope."""
import datetime as dt

import pytest
from django.urls import reverse

from households.models import HouseholdEvent, HouseholdStatus, Member, Relation
from tests.households.review_fixtures import make_household, make_old_village

pytestmark = pytest.mark.django_db


@pytest.fixture
def family(db):
    hh = make_household(old_commune="02539", new_commune="02545", village=make_old_village("02539", "Thôn Cầu Trâu"), head="Bàn Văn Lợi")
    Member.objects.filter(household=hh, relation=Relation.PARENT).update(full_name="Bàn Văn Cường", relation=Relation.CHILD, birth_date=dt.date(1999, 1, 5))
    return hh


def url(hh, kind):
    return reverse("households:household_event_new", args=[hh.code]) + f"?kind={kind}"


def test_the_household_page_offers_every_event_and_shows_its_history(client, family, tantrao_officer):
    client.force_login(tantrao_officer)
    html = client.get(reverse("households:household_detail", args=[family.code])).content.decode()
    for label in ("Tách hộ", "Nhập vào hộ khác", "Chuyển nơi ở trong địa bàn", "Chuyển đi khỏi địa bàn", "Không còn hộ"):
        assert label in html
    assert "Chưa có biến động" in html


def test_a_split_recorded_on_the_page(client, family, tantrao_officer):
    client.force_login(tantrao_officer)
    son = Member.objects.get(household=family, full_name="Bàn Văn Cường")
    assert "Nhân khẩu chuyển sang hộ mới" in client.get(url(family, "split")).content.decode()
    response = client.post(url(family, "split"), {"kind": "split", "date": "10/03/2024", "code": "02539-TACH-1",
                                                  "members": [son.pk], "reason": "Con trai lập gia đình."})
    assert response.status_code == 302
    event = HouseholdEvent.objects.get()
    assert (event.kind, event.other_household.code, event.recorded_by) == ("split", "02539-TACH-1", tantrao_officer)
    page = client.get(reverse("households:household_detail", args=[family.code])).content.decode()
    assert "02539-TACH-1" in page and "Con trai lập gia đình." in page and "Bàn Văn Cường" in page  # former member
    child = client.get(reverse("households:household_detail", args=["02539-TACH-1"])).content.decode()
    assert "Tách từ hộ" in child and "10/03/2024" in child


def test_a_refused_event_keeps_every_value_and_says_why_beside_the_field(client, family, tantrao_officer):
    client.force_login(tantrao_officer)
    response = client.post(url(family, "move_out"), {"kind": "move_out", "date": "01/01/2999", "reason": "Vào Nam làm ăn."})
    assert response.status_code == 200
    html = response.content.decode()
    assert "sau ngày hôm nay" in html and "Vào Nam làm ăn." in html
    assert not HouseholdEvent.objects.exists()
    response = client.post(url(family, "merge"), {"kind": "merge", "date": "01/02/2025", "into": "KHONG-CO", "reason": "Nhập hộ."})
    assert "Không tìm thấy hộ KHONG-CO" in response.content.decode()


def test_a_household_that_moved_out_offers_no_more_events(client, family, tantrao_officer):
    client.force_login(tantrao_officer)
    client.post(url(family, "move_out"), {"kind": "move_out", "date": "01/02/2025", "reason": "Chuyển vào Nam."})
    family.refresh_from_db()
    assert family.status == HouseholdStatus.MOVED_OUT
    html = client.get(reverse("households:household_detail", args=[family.code])).content.decode()
    assert "?kind=split" not in html and "01/02/2025" in html


def test_a_new_household_that_moved_in(client, tantrao_officer):
    from tests.conftest import unit

    client.force_login(tantrao_officer)
    data = {"code": "02545-DEN-1", "commune": unit("02545").pk, "village": "", "address": "", "phone": "",
            "moved_in_on": "01/06/2025", "moved_in_reason": "",
            "members-TOTAL_FORMS": "1", "members-INITIAL_FORMS": "0",
            "members-0-full_name": "Lý Văn Đến", "members-0-sex": "male", "members-0-relation": "head"}
    response = client.post(reverse("households:household_create"), data)
    assert response.status_code == 200 and "Ghi hộ chuyển đến từ đâu" in response.content.decode()
    data["moved_in_reason"] = "Từ Hà Giang chuyển đến."
    assert client.post(reverse("households:household_create"), data).status_code == 302
    event = HouseholdEvent.objects.get()
    assert event.kind == "move_in" and event.household.resident_since == dt.date(2025, 6, 1)


def test_only_the_registry_writers_reach_the_event_form(client, family, minhthanh_officer, province_viewer, bank_officer):
    client.force_login(minhthanh_officer)
    assert client.get(url(family, "split")).status_code == 404
    for user in (province_viewer, bank_officer):
        client.force_login(user)
        assert client.get(url(family, "split")).status_code == 403
