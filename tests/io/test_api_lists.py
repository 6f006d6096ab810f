"""Every list of the API answers a page of many rows with the same number of queries as a page of a few."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from tests.io.conftest import api_endpoints

pytestmark = pytest.mark.django_db

# Lists that need parameters to answer (docs/api.md). Without `unit`, statistics answer for the caller's own scope
# (the whole program area, or a commune officer's commune).
PARAMS = {"statistics/poverty": {"year": 2025}, "targets": {"year": 2025}}


def _queries(api, url, params):
    with CaptureQueriesContext(connection) as ctx:
        response = api.get(url, params)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    return len(ctx), response.json()


def _size(body):
    return len(body["results"]) if isinstance(body, dict) and "results" in body else (len(body) if isinstance(body, list) else 1)


@pytest.mark.parametrize("username", ["phongldtbxh", "xatantrao", "nhcsxh"])
def test_every_list_has_a_constant_query_count_whatever_the_page_size(seeded, username):
    api = APIClient()
    api.force_authenticate(seeded[username])
    grown = []
    for prefix, viewset in api_endpoints():
        if "list" not in getattr(viewset, "http_method_names", ["get"]) and not hasattr(viewset, "list"):
            continue
        url, params = f"/api/v1/{prefix}/", PARAMS.get(prefix, {})
        if api.get(url, {**params, "page_size": 1}).status_code == 403:
            continue  # not this role's list (its page answers 403 too: test_api_matches_pages)
        _queries(api, url, {**params, "page_size": 1})  # warm caches (content types, standards) once
        few, small = _queries(api, url, {**params, "page_size": 2})
        many, large = _queries(api, url, {**params, "page_size": 100})
        if many != few:
            grown.append(f"{prefix}: {few} queries for {_size(small)} rows, {many} for {_size(large)}")
    assert not grown, grown


def test_the_lists_really_hold_more_than_one_page_of_two(seeded):
    """The seeded data is large enough for the test above to mean something."""
    api = APIClient()
    api.force_authenticate(seeded["phongldtbxh"])
    thin = []
    for prefix, _ in api_endpoints():
        body = api.get(f"/api/v1/{prefix}/", {**PARAMS.get(prefix, {}), "page_size": 100}).json()
        if isinstance(body, dict) and "results" in body and len(body["results"]) <= 2:
            thin.append(prefix)
    assert not thin, thin
