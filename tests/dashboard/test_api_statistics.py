"""`GET /api/v1/statistics/poverty/` (docs/api.md): the contract's fields, bases, structures and scope."""
from __future__ import annotations

import pytest
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db

URL = "/api/v1/statistics/poverty/"
FIELDS = {
    "households", "poor", "near_poor", "poor_rate", "near_poor_rate", "escaped_poverty", "newly_poor", "fell_back_poor",
    "resident_households", "resident_persons", "persons", "reviewed_households", "poor_persons", "near_poor_persons",
    "poor_persons_rate", "near_poor_persons_rate",
}


def get(client, user, query=""):
    client.force_login(user)
    return client.get(f"{URL}?{query}")


def test_the_figures_have_the_contracts_names_and_known_values(client, district, district_officer):
    body = get(client, district_officer, "year=2024").json()
    assert FIELDS | {"ethnic_minority", "year", "unit", "basis", "structure"} <= set(body)
    assert set(body["ethnic_minority"]) == FIELDS
    # Every household living in the area on 31/12/2024, reviewed or not (the rates' denominator).
    assert (body["households"], body["resident_households"], body["poor"], body["near_poor"]) == (31, 31, 4, 4)
    assert (body["poor_rate"], body["near_poor_rate"], body["reviewed_households"]) == (12.9, 12.9, 24)
    assert (body["escaped_poverty"], body["newly_poor"], body["fell_back_poor"]) == (1, 1, 0)
    assert body["ethnic_minority"]["poor_rate"] == 100.0
    assert (body["basis"], body["structure"], body["unit"]) == ("official", "historical", None)


def test_working_basis_counts_every_review(client, district, district_officer):
    working = get(client, district_officer, "year=2025&basis=working").json()
    assert (working["households"], working["poor"]) == (31, 6)
    assert get(client, district_officer, "year=2025").json()["poor"] == 5


def test_a_code_means_the_unit_of_the_review_year_or_todays_with_what_it_took_in(client, district, district_officer):
    old = get(client, district_officer, "year=2024&unit=02545").json()
    assert (old["unit"], old["households"], old["poor"]) == ("02545", 10, 1)  # old Tân Trào alone
    today = get(client, district_officer, "year=2024&unit=02545&structure=current").json()
    assert (today["households"], today["poor"], today["poor_rate"]) == (22, 4, 18.18)  # with Trung Yên
    assert get(client, district_officer, "year=2024&unit=02539").json()["poor"] == 3


def test_without_a_year_the_latest_official_year_is_given(client, district, district_officer):
    assert get(client, district_officer).json()["year"] == 2025


def test_bad_parameters_answer_400_in_vietnamese(client, district, district_officer):
    response = get(client, district_officer, "year=abc&basis=draft")
    assert response.status_code == 400
    body = response.json()
    assert "year" in body and body["basis"] == ["Cơ sở số liệu phải là official hoặc working."]
    unknown = get(client, district_officer, "year=2024&unit=99999")
    assert unknown.status_code == 400 and "99999" in unknown.json()["unit"][0]


def test_a_commune_token_reaches_only_its_commune(client, district, tantrao_officer):
    token = Token.objects.create(user=tantrao_officer)
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    own = client.get(f"{URL}?year=2025", **auth)
    assert own.status_code == 200 and own.json()["households"] == 22
    for query in ("unit=02554", "unit=076", "unit=02536&year=2024", "unit=02554&structure=current"):
        response = client.get(f"{URL}?{query}", **auth)
        assert response.status_code == 404, query
    assert client.get(f"{URL}?year=2024&unit=02539", **auth).json()["poor"] == 3


def test_anonymous_callers_are_refused(client, district):
    assert client.get(URL).status_code in (401, 403)
