"""The registry API (`units/`, `ethnic-groups/`, `households/`) against docs/api.md: codes, scoping, errors, locking."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from households.models import Household, Member
from tests.conftest import PASSWORD, HouseholdFactory, MemberFactory, make_village

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def as_user(api, user):
    api.force_authenticate(user)
    return api


def test_token_endpoint_gives_a_token_that_authenticates(api, tantrao_officer):
    token = api.post("/api/v1/auth/token/", {"username": "canbo_tantrao", "password": PASSWORD}).json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/households/").status_code == 200


def test_token_endpoint_refuses_wrong_password_in_vietnamese(api, tantrao_officer):
    response = api.post("/api/v1/auth/token/", {"username": "canbo_tantrao", "password": "sai"})
    assert response.status_code == 400
    assert response.json()["non_field_errors"] == ["Tên đăng nhập hoặc mật khẩu không đúng."]


def test_token_endpoint_is_throttled(api, tantrao_officer, settings, monkeypatch):
    from rest_framework.throttling import SimpleRateThrottle

    rates = dict(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], token="3/minute")
    monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", rates)
    statuses = [api.post("/api/v1/auth/token/", {"username": "canbo_tantrao", "password": "sai"}).status_code for _ in range(5)]
    assert statuses[:3] == [400, 400, 400] and statuses[3:] == [429, 429]


def test_anonymous_gets_401(api, db):
    assert api.get("/api/v1/households/").status_code == 401


def test_units_list_filters_by_level_parent_and_date(api, tantrao_officer):
    as_user(api, tantrao_officer)
    old = api.get("/api/v1/units/", {"level": "commune", "parent": "076", "valid_on": "2025-06-30", "page_size": 100}).json()
    assert old["count"] == 30
    new = api.get("/api/v1/units/", {"level": "commune", "valid_on": "2026-01-01", "page_size": 100}).json()
    assert new["count"] == 10
    trung_yen = next(u for u in old["results"] if u["code"] == "02539")
    assert trung_yen == {
        "code": "02539", "name": "Xã Trung Yên", "level": "commune", "parent": "076", "area": "rural",
        "extremely_difficult": True, "valid_from": "1991-10-01", "valid_to": "2025-06-30", "successors": ["02545"],
    }


def test_unit_by_code_follows_the_date(api, tantrao_officer):
    as_user(api, tantrao_officer)
    assert api.get("/api/v1/units/02554/", {"valid_on": "2023-01-01"}).json()["name"] == "Xã Bình Yên"
    assert api.get("/api/v1/units/02554/").json()["name"] == "Xã Minh Thanh"


def test_ethnic_groups(api, tantrao_officer):
    as_user(api, tantrao_officer)
    groups = api.get("/api/v1/ethnic-groups/").json()
    assert len(groups) == 54
    assert {"code": "09", "name": "Dao", "minority": True} in groups


def test_commune_token_sees_only_its_commune(api, tantrao_officer, tantrao_household, minhthanh_household):
    as_user(api, tantrao_officer)
    codes = [h["code"] for h in api.get("/api/v1/households/").json()["results"]]
    assert codes == [tantrao_household.code]
    assert api.get(f"/api/v1/households/{minhthanh_household.code}/").status_code == 404
    assert api.patch(f"/api/v1/households/{minhthanh_household.code}/", {"address": "x"}, format="json").status_code == 404


def test_household_detail_has_nested_members(api, district_officer, tantrao_household):
    as_user(api, district_officer)
    data = api.get(f"/api/v1/households/{tantrao_household.code}/").json()
    assert data["commune"] == "02545" and data["head_name"] == "Ma Văn Thắng"
    assert [m["full_name"] for m in data["members"]] == ["Ma Văn Thắng", "Hoàng Thị Mai"]
    assert data["members"][0]["citizen_id"] == "008085001234"


def test_citizen_ids_masked_for_agency_and_the_registry_closed_to_the_province(api, bank_officer, province_viewer, tantrao_household):
    as_user(api, bank_officer)
    data = api.get(f"/api/v1/households/{tantrao_household.code}/").json()
    assert data["members"][0]["citizen_id"] == "********1234"
    as_user(api, province_viewer)
    assert api.get(f"/api/v1/households/{tantrao_household.code}/").status_code == 403


def test_create_household_with_members(api, tantrao_officer, tantrao):
    village = make_village(tantrao, "Thôn Cầu Trâu")
    as_user(api, tantrao_officer)
    payload = {
        "code": "02545-NEW-1", "commune": "02545", "village": village.code, "address": "Thôn Cầu Trâu",
        "members": [
            {"full_name": "Lâm Văn Hải", "sex": "male", "birth_date": "1980-02-03", "citizen_id": "008080123456", "ethnic_group": "15", "relation": "head"},
            {"full_name": "Lâm Thị Thơm", "sex": "female", "birth_date": "2012-07-09", "ethnic_group": "15", "relation": "child"},
        ],
    }
    response = api.post("/api/v1/households/", payload, format="json")
    assert response.status_code == 201, response.json()
    hh = Household.objects.get(code="02545-NEW-1")
    assert hh.head_name == "Lâm Văn Hải" and hh.members.count() == 2


def test_invalid_payload_gets_400_with_vietnamese_field_errors(api, tantrao_officer):
    as_user(api, tantrao_officer)
    payload = {"code": "X1", "commune": "02545", "members": [{"full_name": "A", "sex": "male", "citizen_id": "123", "relation": "head"}]}
    response = api.post("/api/v1/households/", payload, format="json")
    assert response.status_code == 400
    assert response.json()["members"]["0"]["citizen_id"] == ["Số định danh cá nhân phải gồm đúng 12 chữ số."]
    assert not Household.objects.filter(code="X1").exists()


def test_commune_officer_cannot_create_in_another_commune(api, tantrao_officer):
    as_user(api, tantrao_officer)
    response = api.post("/api/v1/households/", {"code": "X2", "commune": "02554"}, format="json")
    assert response.status_code == 400
    assert response.json()["commune"] == ["Bạn chỉ được ghi dữ liệu của xã mình."]


def test_duplicate_citizen_id_is_refused_without_naming_the_other_household(api, minhthanh_officer, tantrao_household):
    """A Minh Thanh officer typing a Tân Trào person's number learns it is taken, not where or whose."""
    as_user(api, minhthanh_officer)
    payload = {"code": "X3", "commune": "02554", "members": [{"full_name": "B", "sex": "male", "citizen_id": "008085001234", "relation": "head"}]}
    response = api.post("/api/v1/households/", payload, format="json")
    assert response.status_code == 400
    assert "đã có trong sổ hộ" in str(response.json())
    assert tantrao_household.code not in str(response.json()) and "Ma Văn Thắng" not in str(response.json())
    assert not Household.objects.filter(code="X3").exists()


def test_stale_version_gets_409_naming_who_changed_it(api, tantrao_officer, district_officer, tantrao_household):
    as_user(api, tantrao_officer)
    version = api.get(f"/api/v1/households/{tantrao_household.code}/").json()["version"]
    as_user(api, district_officer)
    assert api.patch(f"/api/v1/households/{tantrao_household.code}/", {"address": "Bản mới", "version": version}, format="json").status_code == 200
    as_user(api, tantrao_officer)
    response = api.patch(f"/api/v1/households/{tantrao_household.code}/", {"address": "Bản cũ", "version": version}, format="json")
    assert response.status_code == 409
    assert "Nguyễn Thị Hạnh" in response.json()["detail"]
    tantrao_household.refresh_from_db()
    assert tantrao_household.address == "Bản mới"


def test_province_viewer_cannot_write(api, province_viewer, tantrao_household):
    as_user(api, province_viewer)
    assert api.patch(f"/api/v1/households/{tantrao_household.code}/", {"address": "x"}, format="json").status_code == 403


def test_agency_officer_cannot_write_the_registry(api, bank_officer, tantrao_household):
    as_user(api, bank_officer)
    assert api.patch(f"/api/v1/households/{tantrao_household.code}/", {"address": "x"}, format="json").status_code == 403


def test_search_ignores_diacritics(api, district_officer, tantrao_household):
    as_user(api, district_officer)
    assert api.get("/api/v1/households/", {"search": "hoang thi mai"}).json()["count"] == 1
    assert api.get("/api/v1/households/", {"search": "008185005678"}).json()["count"] == 1


def _count_queries(api, url):
    with CaptureQueriesContext(connection) as ctx:
        assert api.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_household_list_query_count_does_not_grow_with_page_size(api, district_officer, tantrao):
    as_user(api, district_officer)
    for _ in range(5):
        MemberFactory(household=HouseholdFactory(commune=tantrao))
    small = _count_queries(api, "/api/v1/households/?page_size=2")
    for _ in range(20):
        MemberFactory(household=HouseholdFactory(commune=tantrao))
    large = _count_queries(api, "/api/v1/households/?page_size=25")
    assert small == large


def test_units_list_query_count_does_not_grow_with_page_size(api, district_officer):
    as_user(api, district_officer)
    assert _count_queries(api, "/api/v1/units/?page_size=5") == _count_queries(api, "/api/v1/units/?page_size=40")


def test_the_main_livelihood_is_read_and_written_and_a_new_review_records_it(api, tantrao_officer, tantrao_household):
    as_user(api, tantrao_officer)
    url = f"/api/v1/households/{tantrao_household.code}/"
    data = api.get(url).json()
    assert data["livelihood"] == ""
    bad = api.patch(url, {"livelihood": "trading", "version": data["version"]}, format="json")
    assert bad.status_code == 400 and list(bad.json()) == ["livelihood"]
    ok = api.patch(url, {"livelihood": "forestry", "version": data["version"]}, format="json")
    assert ok.status_code == 200, ok.json()
    assert Household.objects.get(pk=tantrao_household.pk).livelihood == "forestry"
    review = api.post("/api/v1/reviews/", {"household": tantrao_household.code, "year": 2025, "review_date": "2025-10-01",
                                           "income_per_capita_month": 2_100_000, "deprivations": []}, format="json")
    assert review.status_code == 201, review.json()
    assert review.json()["livelihood"] == "forestry"


def test_only_roles_that_see_personal_data_find_a_household_by_citizen_id(api, client, district_officer, bank_officer,
                                                                          province_viewer, tantrao_household):
    """An agency officer sees the last four digits, sex and birth date: searching by full ID would recover any
    number in a hundred guesses, so the search by ID is for the roles that see it (names still search for all)."""
    full = "008085001234"
    as_user(api, district_officer)
    assert [h["code"] for h in api.get(f"/api/v1/households/?search={full}").json()["results"]] == [tantrao_household.code]
    client.force_login(district_officer)
    assert tantrao_household.code in client.get(f"/households/?q={full}").content.decode()
    for user in (bank_officer,):
        as_user(api, user)
        assert api.get(f"/api/v1/households/?search={full}").json()["results"] == []
        assert [h["code"] for h in api.get("/api/v1/households/?search=Thắng").json()["results"]] == [tantrao_household.code]
        client.force_login(user)
        page = client.get(f"/households/?q={full}")
        assert page.status_code == 200 and tantrao_household.code not in page.content.decode()


@pytest.mark.parametrize(("url", "payload"), [
    ("/api/v1/reviews/", {"year": 2025, "review_date": "2025-10-01", "income_per_capita_month": 1_000_000, "deprivations": []}),
    ("/api/v1/support-records/", {"policy": "YT-BHYT-NGHEO", "date": "2025-03-01", "amount": 100_000, "funding_source": "central"}),
    ("/api/v1/household-events/", {"kind": "move_out", "date": "2025-03-01", "reason": "Đi làm ăn xa."}),
])
def test_another_communes_household_and_a_missing_one_get_the_same_answer(api, tantrao_officer, minhthanh_household, url, payload):
    """The answer must not tell a commune officer which households exist in other communes."""
    as_user(api, tantrao_officer)
    other = api.post(url, {**payload, "household": minhthanh_household.code}, format="json")
    missing = api.post(url, {**payload, "household": "KHONG-CO-1"}, format="json")
    assert other.status_code == missing.status_code == 400
    assert other.json()["household"] == [f"Không tìm thấy hộ {minhthanh_household.code} trong phạm vi của bạn."]
    assert missing.json()["household"] == ["Không tìm thấy hộ KHONG-CO-1 trong phạm vi của bạn."]
