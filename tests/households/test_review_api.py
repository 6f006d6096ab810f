"""`standards/`, `classify/` and `reviews/` against docs/api.md: codes, computed classification, 409 on a stale
version, scoping (404 outside), masked income for roles without personal data."""
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from households.models import AnnualReview
from tests.households.review_fixtures import make_household, make_old_village, save, trungyen_household  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def as_user(api, user):
    api.force_authenticate(user)
    return api


def test_standards_list_their_years_lines_and_indicators(api, tantrao_officer):
    data = as_user(api, tantrao_officer).get("/api/v1/standards/").json()
    by_code = {s["code"]: s for s in data}
    assert set(by_code) == {"QD59-2015", "ND07-2021", "ND351-2025"}
    nd07 = by_code["ND07-2021"]
    assert nd07["years"] == [2021, 2022, 2023, 2024, 2025, 2026]
    assert (nd07["rural_poor_line"], nd07["urban_poor_line"]) == (1_500_000, 2_000_000)
    assert [i["code"] for i in nd07["indicators"]] == [str(i) for i in range(1, 13)]
    assert nd07["indicators"][3] == {"code": "4", "dimension": "health", "dimension_name": "Y tế", "name": "Bảo hiểm y tế",
                                     "condition": nd07["indicators"][3]["condition"], "derivable": True}
    assert by_code["ND351-2025"]["years"] == [2027, 2028, 2029, 2030]


@pytest.mark.parametrize(
    "year,area,income,deprivations,standard,classification",
    [
        (2026, "rural", 1_500_000, ["1", "2", "3"], "ND07-2021", "poor"),
        (2026, "urban", 2_000_001, ["1", "2", "3"], "ND07-2021", "average"),
        (2027, "rural", 2_200_000, ["1", "2", "3"], "ND351-2025", "poor"),
        (2027, "rural", 2_200_000, ["1", "2"], "ND351-2025", "near_poor"),
        (2019, "rural", 700_001, ["1"], "QD59-2015", "near_poor"),
    ],
)
def test_classify_is_a_calculator_for_any_year_with_a_standard(api, bank_officer, year, area, income, deprivations, standard, classification):
    response = as_user(api, bank_officer).post("/api/v1/classify/", {"year": year, "area": area, "income_per_capita_month": income,
                                                                    "deprivations": deprivations}, format="json")
    assert response.status_code == 200
    body = response.json()
    assert (body["standard"], body["classification"], body["deprivation_count"]) == (standard, classification, len(deprivations))
    assert body["reasons"][-1].startswith("Kết quả: ")
    assert AnnualReview.objects.count() == 0


def test_classify_refuses_a_year_without_standard_and_unknown_indicators(api, bank_officer):
    as_user(api, bank_officer)
    r = api.post("/api/v1/classify/", {"year": 2015, "area": "rural", "income_per_capita_month": 1}, format="json")
    assert r.status_code == 400 and "Chưa có chuẩn nghèo" in r.json()["year"][0]
    r = api.post("/api/v1/classify/", {"year": 2026, "area": "rural", "income_per_capita_month": 1, "deprivations": ["13"]}, format="json")
    assert r.status_code == 400 and "Chỉ số không thuộc chuẩn" in r.json()["deprivations"][0]


def test_a_commune_officer_posts_a_review_and_the_classification_is_computed_not_typed(api, tantrao_officer, trungyen_household):
    response = as_user(api, tantrao_officer).post("/api/v1/reviews/", {
        "household": trungyen_household.code, "year": 2025, "review_date": "2025-10-02", "income_per_capita_month": 3_000_000,
        "deprivations": ["1", "2", "3", "4"], "classification": "poor", "causes": ["von"],
    }, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["classification"], body["change"], body["standard"], body["commune"], body["area"]) == (
        "other", "stayed", "ND07-2021", "02545", "rural",  # a resident household off last year's lists stays "neither"
    )
    assert body["deprivations"] == ["1", "2", "3", "4"] and body["deprivation_count"] == 4 and body["version"] == 1
    assert body["causes"] == ["von"] and body["state"] == "draft"


def test_a_second_review_for_the_same_year_is_refused(api, tantrao_officer, trungyen_household):
    save(trungyen_household, 2025, day=dt.date(2025, 10, 2))
    r = as_user(api, tantrao_officer).post("/api/v1/reviews/", {"household": trungyen_household.code, "year": 2025,
                                                                "income_per_capita_month": 1}, format="json")
    assert r.status_code == 400 and "đã có kết quả rà soát năm 2025" in r.json()["year"][0]


def test_patch_needs_the_version_and_a_stale_one_gets_409_naming_who_saved(api, tantrao_officer, district_officer, trungyen_household):
    review = save(trungyen_household, 2025, day=dt.date(2025, 10, 2), user=district_officer)
    as_user(api, tantrao_officer)
    url = f"/api/v1/reviews/{review.pk}/"
    assert api.patch(url, {"income_per_capita_month": 900_000}, format="json").status_code == 400
    ok = api.patch(url, {"income_per_capita_month": 900_000, "version": 1}, format="json")
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = api.patch(url, {"income_per_capita_month": 2_900_000, "version": 1}, format="json")
    assert stale.status_code == 409
    assert stale.json()["changed_by"] == "Ma Văn Thắng" and "Ma Văn Thắng" in stale.json()["detail"]


def test_reviews_are_scoped_and_another_communes_review_is_404(api, tantrao_officer, minhthanh_officer, trungyen_household):
    review = save(trungyen_household, 2025, day=dt.date(2025, 10, 2))
    as_user(api, minhthanh_officer)
    assert api.get("/api/v1/reviews/").json()["count"] == 0
    assert api.get(f"/api/v1/reviews/{review.pk}/").status_code == 404
    r = api.post("/api/v1/reviews/", {"household": trungyen_household.code, "year": 2024, "income_per_capita_month": 1}, format="json")
    assert r.status_code == 400
    as_user(api, tantrao_officer)
    assert api.get("/api/v1/reviews/", {"year": 2025, "commune": "02545", "classification": "poor", "state": "draft"}).json()["count"] == 1
    assert api.get("/api/v1/reviews/", {"year": 2024}).json()["count"] == 0


def test_roles_without_personal_data_read_no_reviews(api, bank_officer, province_viewer, trungyen_household):
    """The review pages are the communes' and the district's: an agency or the province gets 403 there, and here
    (the review carries income, personal data they do not need)."""
    review = save(trungyen_household, 2025, day=dt.date(2025, 10, 2))
    for user in (bank_officer, province_viewer):
        assert as_user(api, user).get(f"/api/v1/reviews/{review.pk}/").status_code == 403
        r = as_user(api, user).patch(f"/api/v1/reviews/{review.pk}/", {"version": 1, "income_per_capita_month": 1}, format="json")
        assert r.status_code == 403


def test_transition_endpoint_moves_one_step_and_only_the_district_confirms(api, tantrao_officer, district_officer, trungyen_household):
    review = save(trungyen_household, 2025, day=dt.date(2025, 10, 2))
    as_user(api, tantrao_officer)
    url = f"/api/v1/reviews/{review.pk}/transition/"
    r = api.post(url, {"state": "reviewed", "version": 1}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "reviewed"
    skip = api.post(url, {"state": "recognised", "version": 2, "decision_number": "1/QĐ", "decision_date": "2025-11-01"}, format="json")
    assert skip.status_code == 400 and "các bước phải đi lần lượt" in skip.json()["non_field_errors"][0]
    AnnualReview.objects.filter(pk=review.pk).update(state="recognised")
    assert api.post(url, {"state": "confirmed", "version": 2}, format="json").status_code == 403
    r = as_user(api, district_officer).post(url, {"state": "confirmed", "version": 2}, format="json")
    assert r.status_code == 200 and r.json()["state"] == "confirmed"


def test_review_list_runs_a_constant_number_of_queries(api, district_officer):
    village = make_old_village("02539", "Thôn Đồng")

    def count():
        with CaptureQueriesContext(connection) as ctx:
            assert as_user(api, district_officer).get("/api/v1/reviews/").status_code == 200
        return len(ctx)

    for i in range(2):
        save(make_household(old_commune="02539", new_commune="02545", village=village, head=f"Hộ {i}"), 2025, day=dt.date(2025, 10, 2), causes=["von"])
    few = count()
    for i in range(5):
        save(make_household(old_commune="02539", new_commune="02545", village=village, head=f"Hộ thêm {i}"), 2025, day=dt.date(2025, 10, 2), causes=["dat"])
    assert count() == few
