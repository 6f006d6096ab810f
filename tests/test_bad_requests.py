"""Malformed requests get a 400 with a Vietnamese message, never a 500 — a NUL character (`%00`) in any filter of a
page or the API (PostgreSQL refuses NUL in text), a report year the calendar does not have — and API answers, which
carry personal data, are never cached."""
import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()

PAGES = ["/households/?q=%00", "/tasks/?q=a%00b", "/support/?q=%00", "/reports/?year=%00", "/checks/?kind=%00"]


@pytest.mark.parametrize("url", PAGES)
def test_a_nul_in_a_page_filter_is_a_400(client, district_officer, url):
    client.force_login(district_officer)
    response = client.get(url)
    assert response.status_code == 400
    assert "ký tự không hợp lệ" in response.content.decode()


def test_a_nul_in_an_api_filter_is_a_400(api, district_officer):
    api.force_authenticate(district_officer)
    response = api.get("/api/v1/targets/?unit=%00")
    assert response.status_code == 400 and "ký tự không hợp lệ" in response.json()["detail"]


def test_a_report_of_year_zero_is_a_field_error(api, district_officer):
    api.force_authenticate(district_officer)
    response = api.post("/api/v1/reports/", {"kind": "annual", "year": 0}, format="json")
    assert response.status_code == 400 and "year" in response.json()


def test_api_answers_with_personal_data_are_never_stored(api, district_officer):
    api.force_authenticate(district_officer)
    for url in ("/api/v1/households/", "/api/v1/reviews/", "/api/v1/statistics/poverty/?year=2025"):
        cache = api.get(url)["Cache-Control"]
        assert "no-store" in cache and "private" in cache, url


@pytest.mark.parametrize("url", ["/api/v1/household-events/", "/api/v1/reviews/", "/api/v1/reports/", "/api/v1/obligations/",
                                 "/api/v1/tasks/", "/api/v1/support-records/"])
def test_a_year_filter_out_of_range_is_a_field_error(api, district_officer, url):
    """schemathesis found household-events answering 500 to year=1.6e16 (the date function overflowed)."""
    api.force_authenticate(district_officer)
    for year in ("1.6469788802856264e+16", "99999", "2025.5"):
        response = api.get(url, {"year": year})
        assert response.status_code == 400 and "year" in response.json(), (url, year, response.status_code)


def test_a_nul_inside_a_json_body_is_a_400(api, tantrao_officer, tantrao_household):
    """schemathesis found POST /api/v1/reviews/ answering 500 on PostgreSQL to a text holding NUL."""
    api.force_authenticate(tantrao_officer)
    body = {"household": tantrao_household.code, "year": 2025, "review_date": "2025-10-03", "income_per_capita_month": 1,
            "notes": "ghi chú\x00"}
    response = api.post("/api/v1/reviews/", body, format="json")
    assert response.status_code == 400 and "ký tự không hợp lệ" in response.json()["detail"]
    response = api.post("/api/v1/household-events/", {"household": tantrao_household.code, "kind": "move_out",
                                                      "date": "2025-10-03", "reason": "\x00"}, format="json")
    assert response.status_code == 400
