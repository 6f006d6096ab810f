"""The permission matrix of the whole API: every endpoint × every method × every role, with tokens.

Rules (docs/api.md, accounts.scoping): anonymous callers get 401 everywhere but the token endpoint; a signed-in role
reads a collection (200) or is refused it (403), never a 404 or worse; the provincial viewer only reads; nothing is ever hard-deleted; a commune token never reaches another commune's objects — reading
one is a 404, and no write to it succeeds; no combination answers with a server error.
"""
import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.io.conftest import api_endpoints

pytestmark = pytest.mark.django_db

ROLES = {
    "anonymous": None,
    "commune_officer": "xatantrao",
    "other_commune_officer": "xaminhthanh",
    "district_officer": "phongldtbxh",
    "agency_officer": "nhcsxh",
    "province_viewer": "tinhtuyenquang",
    "admin": "quantri",
}
METHODS = ["get", "post", "put", "patch", "delete"]
PARAMS = {"statistics/poverty": {"year": 2025, "unit": "076"}, "targets": {"year": 2025}}


def client_for(seeded, role):
    api = APIClient()
    if ROLES[role]:
        # A fixed key per role, so answers can be remembered across the tests of this module.
        user = seeded[ROLES[role]]
        token = Token.objects.filter(user=user).first() or Token.objects.create(user=user, key=f"{role:_<40}"[:40])
        api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return api


def call(api, method, url, params=None):
    if method == "get":
        return api.get(url, params or {})
    return getattr(api, method)(url, {}, format="json")


_SEEN: dict[tuple, set[str]] = {}


def keys_seen(api, prefix, lookup):
    """The lookup values of the objects a caller can list (all pages); the seeded data does not change within
    the module, so each caller's answer is read once."""
    cache_key = (api._credentials.get("HTTP_AUTHORIZATION"), prefix, lookup)
    if cache_key not in _SEEN:
        _SEEN[cache_key] = _keys_seen(api, prefix, lookup)
    return _SEEN[cache_key]


def _keys_seen(api, prefix, lookup):
    seen, url, params = set(), f"/api/v1/{prefix}/", {**PARAMS.get(prefix, {}), "page_size": 500}
    while url:
        body = api.get(url, params).json()
        rows = body["results"] if isinstance(body, dict) and "results" in body else (body if isinstance(body, list) else [])
        seen |= {str(row[lookup]) for row in rows if isinstance(row, dict) and lookup in row}
        url, params = (body.get("next"), None) if isinstance(body, dict) else (None, None)
    return seen


def detail_endpoints():
    return [(prefix, viewset) for prefix, viewset in api_endpoints() if hasattr(viewset, "retrieve")]


@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_collection_and_method_by_role(seeded, role):
    api = client_for(seeded, role)
    wrong = []
    for prefix, _ in api_endpoints():
        url = f"/api/v1/{prefix}/"
        for method in METHODS:
            status = call(api, method, url, PARAMS.get(prefix)).status_code
            if status >= 500:
                wrong.append(f"{method.upper()} {url}: {status}")
            elif role == "anonymous" and status != 401:
                wrong.append(f"{method.upper()} {url} without a token: {status}, not 401")
            elif role == "province_viewer" and method != "get" and status not in (403, 405):
                wrong.append(f"{method.upper()} {url} by the provincial viewer: {status}")
            elif method == "get" and role != "anonymous" and status not in (200, 403):
                # A commune officer asking for the district's statistics is asking outside their scope.
                if not (prefix == "statistics/poverty" and "commune" in role and status == 404):
                    wrong.append(f"GET {url}: {status}")
            elif method == "delete" and status not in (401, 403, 405):
                wrong.append(f"DELETE {url}: {status}")
    assert not wrong, wrong


@pytest.mark.parametrize("role", sorted(ROLES))
def test_every_object_and_method_by_role(seeded, role):
    district = client_for(seeded, "district_officer")
    api = client_for(seeded, role)
    wrong = []
    for prefix, viewset in detail_endpoints():
        lookup = getattr(viewset, "lookup_field", "pk")
        lookup = "id" if lookup == "pk" else lookup
        some = sorted(keys_seen(district, prefix, lookup))[:1]
        for key in some:
            url = f"/api/v1/{prefix}/{key}/"
            for method in METHODS:
                status = call(api, method, url).status_code
                if status >= 500:
                    wrong.append(f"{method.upper()} {url}: {status}")
                elif role == "anonymous" and status != 401:
                    wrong.append(f"{method.upper()} {url} without a token: {status}")
                elif role == "province_viewer" and method != "get" and status not in (403, 405):
                    wrong.append(f"{method.upper()} {url} by the provincial viewer: {status}")
                elif method == "delete" and status not in (401, 403, 404, 405):
                    wrong.append(f"DELETE {url}: {status}")
    assert not wrong, wrong


@pytest.mark.parametrize("role", ["commune_officer", "other_commune_officer"])
def test_a_commune_token_never_reaches_another_communes_objects(seeded, role):
    district = client_for(seeded, "district_officer")
    commune = client_for(seeded, role)
    checked, wrong = [], []
    for prefix, viewset in detail_endpoints():
        lookup = getattr(viewset, "lookup_field", "pk")
        lookup = "id" if lookup == "pk" else lookup
        everywhere = keys_seen(district, prefix, lookup)
        mine = keys_seen(commune, prefix, lookup)
        if mine == everywhere:
            continue  # reference data every role reads (units, ethnic groups, agencies, standards)
        outside = sorted(everywhere - mine)[:3]
        checked.append(prefix)
        for key in outside:
            url = f"/api/v1/{prefix}/{key}/"
            if (status := commune.get(url).status_code) != 404:
                wrong.append(f"GET {url}: {status}, not 404")
            for method in ("put", "patch", "delete"):
                status = getattr(commune, method)(url, {"version": 1}, format="json").status_code
                if status not in (403, 404, 405):
                    wrong.append(f"{method.upper()} {url}: {status}")
    assert not wrong, wrong
    assert {"households", "reviews"} <= set(checked), checked


HOUSEHOLD_MATRIX = {
    # role: (GET own commune's household, GET another's, PATCH own, PATCH another's)
    "commune_officer": (200, 404, 200, 404),
    "other_commune_officer": (404, 200, 404, 200),
    "district_officer": (200, 200, 200, 200),
    "agency_officer": (200, 200, 403, 403),
    # The province reads figures and reports, not the registry: the household pages answer it 403, so does the API.
    "province_viewer": (403, 403, 403, 403),
    "admin": (200, 200, 200, 200),
    "anonymous": (401, 401, 401, 401),
}


@pytest.mark.parametrize("role", sorted(HOUSEHOLD_MATRIX))
def test_household_matrix(seeded, role):
    commune = client_for(seeded, "commune_officer")
    other = client_for(seeded, "other_commune_officer")
    own_code = sorted(keys_seen(commune, "households", "code"))[0]
    other_code = sorted(keys_seen(other, "households", "code"))[0]
    api = client_for(seeded, role)
    got = []
    for code in (own_code, other_code):
        got.append(api.get(f"/api/v1/households/{code}/").status_code)
    for code in (own_code, other_code):
        got.append(api.patch(f"/api/v1/households/{code}/", {"address": "Địa chỉ sửa qua API"}, format="json").status_code)
    assert tuple(got) == HOUSEHOLD_MATRIX[role]
