"""Every role × every page: who gets the page, who is refused, and nobody reaches another commune's data."""
import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ROLES = ["commune_officer", "district_officer", "agency_officer", "province_viewer", "admin"]

# page → {role: expected status}
PAGES = {
    "accounts:home": dict.fromkeys(ROLES, 200),
    "households:household_list": {"commune_officer": 200, "district_officer": 200, "agency_officer": 200, "province_viewer": 403, "admin": 200},
    "households:household_create": {"commune_officer": 200, "district_officer": 200, "agency_officer": 403, "province_viewer": 403, "admin": 200},
}


@pytest.mark.parametrize("page", sorted(PAGES))
@pytest.mark.parametrize("role", ROLES)
def test_page_access_by_role(client, personas, page, role):
    client.force_login(personas[role])
    assert client.get(reverse(page)).status_code == PAGES[page][role]


@pytest.mark.parametrize("page", sorted(PAGES))
def test_anonymous_is_sent_to_login(client, db, page):
    response = client.get(reverse(page))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


# Household pages: (role, own commune's household, other commune's household) → expected statuses
DETAIL = {
    "commune_officer": (200, 404),
    "district_officer": (200, 200),
    "agency_officer": (200, 200),
    "province_viewer": (403, 403),
    "admin": (200, 200),
}
EDIT = {
    "commune_officer": (200, 404),
    "district_officer": (200, 200),
    "agency_officer": (403, 403),
    "province_viewer": (403, 403),
    "admin": (200, 200),
}


@pytest.mark.parametrize("role", ROLES)
def test_household_detail_by_role(client, personas, tantrao_household, minhthanh_household, role):
    client.force_login(personas[role])
    own = client.get(reverse("households:household_detail", args=[tantrao_household.code])).status_code
    other = client.get(reverse("households:household_detail", args=[minhthanh_household.code])).status_code
    assert (own, other) == DETAIL[role]


@pytest.mark.parametrize("role", ROLES)
def test_household_edit_by_role(client, personas, tantrao_household, minhthanh_household, role):
    client.force_login(personas[role])
    own = client.get(reverse("households:household_edit", args=[tantrao_household.code])).status_code
    other = client.get(reverse("households:household_edit", args=[minhthanh_household.code])).status_code
    assert (own, other) == EDIT[role]


def test_commune_officer_cannot_open_other_commune_household(client, tantrao_officer, minhthanh_household):
    client.force_login(tantrao_officer)
    response = client.get(reverse("households:household_detail", args=[minhthanh_household.code]))
    assert response.status_code == 404
    assert minhthanh_household.head_name not in response.content.decode()


def test_commune_officer_cannot_post_edits_to_other_commune_household(client, tantrao_officer, minhthanh_household):
    client.force_login(tantrao_officer)
    url = reverse("households:household_edit", args=[minhthanh_household.code])
    assert client.post(url, {"code": "X"}).status_code == 404
    minhthanh_household.refresh_from_db()
    assert minhthanh_household.code != "X"


def test_household_list_shows_only_the_officers_commune(client, tantrao_officer, tantrao_household, minhthanh_household):
    client.force_login(tantrao_officer)
    html = client.get(reverse("households:household_list")).content.decode()
    assert tantrao_household.code in html
    assert minhthanh_household.code not in html
    # The commune filter in the URL cannot widen the scope.
    html = client.get(reverse("households:household_list"), {"commune": "02554"}).content.decode()
    assert minhthanh_household.code not in html


def test_citizen_ids_are_masked_for_roles_that_do_not_need_them(client, personas, tantrao_household):
    url = reverse("households:household_detail", args=[tantrao_household.code])
    client.force_login(personas["district_officer"])
    assert "008085001234" in client.get(url).content.decode()
    client.force_login(personas["agency_officer"])
    html = client.get(url).content.decode()
    assert "008085001234" not in html and "********1234" in html


def test_admin_site_is_for_administrators_only(client, personas):
    for role in ROLES:
        client.force_login(personas[role])
        status = client.get("/admin/").status_code
        assert status == (200 if role == "admin" else 302), role
