"""Every endpoint of the API refuses whom its page refuses, role by role (docs/api.md: the API is scoped as the
pages are). A page that answers 403 to a role has an endpoint that answers 403 to it; a page it may open, an
endpoint it may read."""
import pytest
from rest_framework.test import APIClient

ROLES = ["commune_officer", "other_commune_officer", "district_officer", "agency_officer", "province_viewer", "admin"]

pytestmark = pytest.mark.django_db

# endpoint → the page that shows the same records
PAIRS = [
    ("/api/v1/households/", "/households/"),
    ("/api/v1/households/{code}/", "/households/{code}/"),
    ("/api/v1/household-events/", "/households/{code}/"),
    ("/api/v1/reviews/", "/reviews/"),
    ("/api/v1/support-records/", "/support/"),
    ("/api/v1/tasks/", "/tasks/"),
    ("/api/v1/targets/", "/targets/"),
    ("/api/v1/reports/", "/reports/"),
    ("/api/v1/obligations/", "/obligations/"),
    ("/api/v1/submissions/", "/obligations/"),
    ("/api/v1/statistics/poverty/?year=2025", "/dashboard/?year=2025"),
]


def allowed(status: int) -> bool:
    assert status in (200, 403), status
    return status == 200


@pytest.mark.parametrize("role", ROLES)
def test_each_endpoint_admits_exactly_the_roles_its_page_admits(client, personas, tantrao_household, role):
    user = personas[role]
    client.force_login(user)
    api = APIClient()
    api.force_authenticate(user)
    code = tantrao_household.code
    mismatches = []
    for endpoint, page in PAIRS:
        page_url, api_url = page.format(code=code), endpoint.format(code=code)
        page_status = client.get(page_url).status_code
        api_status = api.get(api_url).status_code
        if 404 in (page_status, api_status):  # out of the user's scope (another commune's household): not a role rule
            continue
        if allowed(page_status) != allowed(api_status):
            mismatches.append(f"{api_url} → {api_status} but {page_url} → {page_status}")
    assert not mismatches, f"{role}: " + "; ".join(mismatches)
