"""The permission matrix of the review: every role × every review page and endpoint; nobody reaches another
commune's review (404), and only the district confirms, reopens, reclassifies and sees the checks."""
import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from households.models import AnnualReview, ReviewState
from tests.households.review_fixtures import make_household, make_old_village, save

pytestmark = pytest.mark.django_db

ROLES = ["commune_officer", "other_commune_officer", "district_officer", "agency_officer", "province_viewer", "admin"]
PAGES = {
    "households:review_board": {"commune_officer": 200, "other_commune_officer": 200, "district_officer": 200, "agency_officer": 403, "province_viewer": 403, "admin": 200},
    "households:review_applications": {"commune_officer": 200, "other_commune_officer": 200, "district_officer": 200, "agency_officer": 403, "province_viewer": 403, "admin": 200},
    "households:checks": {"commune_officer": 403, "other_commune_officer": 403, "district_officer": 200, "agency_officer": 403, "province_viewer": 403, "admin": 200},
}


@pytest.fixture
def tantrao_review(db):
    village = make_old_village("02539", "Thôn Quyền")
    hh = make_household(old_commune="02539", new_commune="02545", village=village)
    return save(hh, 2025, day=dt.date(2025, 10, 2))


@pytest.mark.parametrize("page", sorted(PAGES))
@pytest.mark.parametrize("role", ROLES)
def test_review_pages_by_role(client, personas, page, role):
    client.force_login(personas[role])
    assert client.get(reverse(page)).status_code == PAGES[page][role]


@pytest.mark.parametrize("page", sorted(PAGES) + ["households:review_reclassify", "households:review_confirm"])
def test_anonymous_is_sent_to_login(client, db, page):
    response = client.get(reverse(page))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


# role → (GET the review form, POST a save, POST a preview) on a Tân Trào household
FORM = {
    "commune_officer": (200, 302, 200),
    "other_commune_officer": (404, 404, 404),
    "district_officer": (200, 302, 200),
    "agency_officer": (403, 403, 403),
    "province_viewer": (403, 403, 403),
    "admin": (200, 302, 200),
}


@pytest.mark.parametrize("role", ROLES)
def test_review_form_by_role(client, personas, tantrao_review, role):
    client.force_login(personas[role])
    code = tantrao_review.household.code
    url = reverse("households:review_form", args=[code, 2025])
    data = {"review_date": "02/10/2025", "income_total_12m": "100000000", "version": tantrao_review.version}
    got = (
        client.get(url).status_code,
        client.post(url, data).status_code,
        client.post(reverse("households:review_preview", args=[code, 2025]), data).status_code,
    )
    assert got == FORM[role]


# role → status of: confirm (district step), reclassify, the printed posting list. The review is not yet
# recognised, so the roles that may confirm get the board back with the refusal (400), the others 403.
STEPS = {
    "commune_officer": (403, 403, 200),
    "other_commune_officer": (403, 403, 404),
    "district_officer": (400, 302, 200),
    "agency_officer": (403, 403, 403),
    "province_viewer": (403, 403, 403),
    "admin": (400, 302, 200),
}


@pytest.mark.parametrize("role", ROLES)
def test_commune_steps_and_district_steps_by_role(client, personas, tantrao_review, role):
    client.force_login(personas[role])
    common = {"year": 2025, "commune": tantrao_review.commune.pk}
    got = (
        client.post(reverse("households:review_confirm"), common).status_code,
        client.post(reverse("households:review_reclassify"), {"year": 2025}).status_code,
        client.get(reverse("households:review_print", args=["posting"]), {**common, "village": tantrao_review.village.pk}).status_code,
    )
    assert got == STEPS[role]


# role → (list count, detail, create, patch, confirm through the API)
API = {
    "commune_officer": (1, 200, 201, 200, 403),
    "other_commune_officer": (0, 404, 400, 404, 404),
    "district_officer": (1, 200, 201, 200, 200),
    # The review pages are the communes' and the district's: agencies and the province get 403 there and here.
    "agency_officer": (None, 403, 403, 403, 403),
    "province_viewer": (None, 403, 403, 403, 403),
    "admin": (1, 200, 201, 200, 200),
}


@pytest.mark.parametrize("role", ROLES)
def test_review_api_by_role(personas, tantrao_review, role):
    api = APIClient()
    api.force_authenticate(personas[role])
    pk = tantrao_review.pk
    count = api.get("/api/v1/reviews/", {"year": 2025}).json().get("count")
    detail = api.get(f"/api/v1/reviews/{pk}/").status_code
    other = make_household(old_commune="02539", new_commune="02545", village=tantrao_review.village, head="Hộ mới")
    create = api.post("/api/v1/reviews/", {"household": other.code, "year": 2025, "review_date": "2025-10-03",
                                           "income_per_capita_month": 1_000_000}, format="json").status_code
    patch = api.patch(f"/api/v1/reviews/{pk}/", {"version": 1, "notes": "Đã kiểm tra"}, format="json").status_code
    AnnualReview.objects.filter(pk=pk).update(state=ReviewState.RECOGNISED)
    version = AnnualReview.objects.get(pk=pk).version
    confirm = api.post(f"/api/v1/reviews/{pk}/transition/", {"state": "confirmed", "version": version}, format="json").status_code
    assert (count, detail, create, patch, confirm) == API[role]
