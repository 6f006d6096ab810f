"""`POST /api/v1/reviews/bulk/`: a commune's reviews of one year in one request, all written or none, with the
errors of each refused row."""
import datetime as dt

import pytest
from rest_framework.test import APIClient

from households.models import AnnualReview
from tests.households.review_fixtures import make_household, make_old_village, save

pytestmark = pytest.mark.django_db
URL = "/api/v1/reviews/bulk/"


@pytest.fixture
def households(db):
    village = make_old_village("02539", "Thôn Cầu Trâu")
    return [make_household(old_commune="02539", new_commune="02545", village=village, head=f"Bàn Văn Lợi {n}")
            for n in range(3)]


def as_user(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def row(household, income=900_000, deprivations=("1", "2", "3"), **extra):
    return {"household": household.code, "review_date": "2025-10-02", "income_per_capita_month": income,
            "deprivations": list(deprivations), **extra}


def test_a_commune_posts_its_years_reviews_in_one_request(tantrao_officer, households):
    response = as_user(tantrao_officer).post(URL, {"year": 2025, "reviews": [row(h) for h in households]}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["created"], body["updated"]) == (3, 0)
    assert [r["classification"] for r in body["results"]] == ["poor", "poor", "poor"]
    assert AnnualReview.objects.filter(year=2025).count() == 3


def test_existing_reviews_are_updated_and_classified_again(tantrao_officer, households):
    save(households[0], 2025, day=dt.date(2025, 10, 1), income=900_000, deprivations=("1", "2", "3"))
    rows = [row(households[0], income=2_000_000), row(households[1])]
    body = as_user(tantrao_officer).post(URL, {"year": 2025, "reviews": rows}, format="json").json()
    assert (body["created"], body["updated"]) == (1, 1)
    first = AnnualReview.objects.get(household=households[0], year=2025)
    assert first.classification == "average" and first.version == 2


def test_one_bad_row_writes_nothing_and_names_the_row(tantrao_officer, households):
    rows = [row(households[0]), row(households[1]), row(households[2], deprivations=("1", "99"))]
    response = as_user(tantrao_officer).post(URL, {"year": 2025, "reviews": rows}, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [(e["index"], e["household"]) for e in errors] == [(2, households[2].code)]
    assert "Chỉ số không thuộc chuẩn" in errors[0]["errors"]["deprivations"][0]
    assert not AnnualReview.objects.exists()


def test_a_stale_version_refuses_the_batch(tantrao_officer, households):
    review = save(households[0], 2025, day=dt.date(2025, 10, 1))
    save(households[0], 2025, day=dt.date(2025, 10, 1), income=800_000, version=review.version)
    response = as_user(tantrao_officer).post(
        URL, {"year": 2025, "reviews": [row(households[0], version=1), row(households[1])]}, format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["index"] == 0
    assert AnnualReview.objects.filter(year=2025).count() == 1


def test_a_household_twice_in_one_request_is_refused(tantrao_officer, households):
    response = as_user(tantrao_officer).post(URL, {"year": 2025, "reviews": [row(households[0]), row(households[0])]},
                                             format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == [{"index": 1, "household": households[0].code, "errors": {
        "household": [f"Hộ {households[0].code} đã có ở dòng 0 của yêu cầu này."]}}]


def test_another_communes_token_cannot_write_these_households(minhthanh_officer, households):
    response = as_user(minhthanh_officer).post(URL, {"year": 2025, "reviews": [row(households[0])]}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["errors"]["household"] == [f"Không tìm thấy hộ {households[0].code} trong phạm vi của bạn."]
    assert not AnnualReview.objects.exists()


@pytest.mark.parametrize("role", ["agency_officer", "province_viewer"])
def test_roles_that_do_not_review_are_refused(personas, households, role):
    assert as_user(personas[role]).post(URL, {"year": 2025, "reviews": [row(households[0])]},
                                        format="json").status_code == 403
