"""Every role × every page and action of the plan: who gets it, who is refused."""
import pytest
from django.urls import reverse

from programs.models import Target, TaskAssignment

pytestmark = pytest.mark.django_db

ROLES = ["commune_officer", "district_officer", "agency_officer", "province_viewer", "admin"]
EVERYONE = dict.fromkeys(ROLES, 200)


def _target():
    return Target.objects.get(code="II.2-poverty-2025").pk


# page (url name, args factory) → {role: status}
PAGES = {
    ("programs:plan", None): EVERYONE,
    ("programs:targets", None): EVERYONE,
    ("programs:target_detail", _target): EVERYONE,
    ("programs:target_divide", _target): {"commune_officer": 403, "district_officer": 200, "agency_officer": 403, "province_viewer": 403, "admin": 200},
    ("programs:tasks", None): EVERYONE,
    ("programs:support_list", None): {"commune_officer": 200, "district_officer": 200, "agency_officer": 200, "province_viewer": 403, "admin": 200},
    ("programs:support_create", None): {"commune_officer": 403, "district_officer": 200, "agency_officer": 200, "province_viewer": 403, "admin": 200},
    ("programs:funds", None): EVERYONE,
    # The bank's officer is an agency officer but not of the finance–planning office.
    ("programs:fund_create", None): {"commune_officer": 403, "district_officer": 403, "agency_officer": 403, "province_viewer": 403, "admin": 200},
}


def _url(name, args):
    return reverse(name, args=[args()] if args else None)


@pytest.mark.parametrize("page", sorted(PAGES, key=lambda p: p[0]), ids=lambda p: p[0])
@pytest.mark.parametrize("role", ROLES)
def test_page_access_by_role(client, personas, page, role):
    client.force_login(personas[role])
    assert client.get(_url(*page)).status_code == PAGES[page][role]


@pytest.mark.parametrize("page", sorted(PAGES, key=lambda p: p[0]), ids=lambda p: p[0])
def test_anonymous_is_sent_to_login(client, db, page):
    response = client.get(_url(*page))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


OPEN_YEAR = {"commune_officer": 403, "district_officer": 302, "agency_officer": 403, "province_viewer": 403, "admin": 302}


@pytest.mark.parametrize("role", ROLES)
def test_opening_a_years_tasks_by_role(client, personas, role):
    client.force_login(personas[role])
    assert client.post(reverse("programs:tasks_open_year"), {"year": 2026}).status_code == OPEN_YEAR[role]
    assert TaskAssignment.objects.exists() == (OPEN_YEAR[role] == 302)


# (own commune's household, other commune's household)
FRAGMENT = {
    "commune_officer": (200, 404), "district_officer": (200, 200), "agency_officer": (200, 200),
    "province_viewer": (403, 403), "admin": (200, 200),
}


@pytest.mark.parametrize("role", ROLES)
def test_household_support_fragment_by_role(client, personas, tantrao_household, minhthanh_household, role):
    client.force_login(personas[role])
    own = client.get(reverse("programs:household_support", args=[tantrao_household.code])).status_code
    other = client.get(reverse("programs:household_support", args=[minhthanh_household.code])).status_code
    assert (own, other) == FRAGMENT[role]


# task of the district (labour office), of the bank, of Tân Trào, of Minh Thanh → status of the task page
TASKS = {
    "commune_officer": (404, 404, 200, 404),
    "district_officer": (200, 200, 200, 200),
    "agency_officer": (404, 200, 404, 404),
    "province_viewer": (200, 200, 200, 200),
    "admin": (200, 200, 200, 200),
}
# …and who may post a progress report there (the form is shown)
UPDATES = {
    "commune_officer": (False, False, True, False),
    "district_officer": (True, True, True, True),
    "agency_officer": (False, True, False, False),
    "province_viewer": (False, False, False, False),
    "admin": (True, True, True, True),
}


@pytest.mark.parametrize("role", ROLES)
def test_task_pages_and_progress_forms_by_role(client, personas, tasks_2026, role):
    tasks = [
        TaskAssignment.objects.filter(agency__code="LDTBXH", year=2026).first(),
        TaskAssignment.objects.filter(agency__code="NHCSXH", year=2026).first(),
        TaskAssignment.objects.filter(agency__code="UBNDXA", year=2026, commune__code="02545").first(),
        TaskAssignment.objects.filter(agency__code="UBNDXA", year=2026, commune__code="02554").first(),
    ]
    client.force_login(personas[role])
    statuses, forms = [], []
    for task in tasks:
        response = client.get(reverse("programs:task_detail", args=[task.pk]))
        statuses.append(response.status_code)
        forms.append(response.status_code == 200 and "Gửi báo cáo tiến độ" in response.content.decode())
    assert tuple(statuses) == TASKS[role] and tuple(forms) == UPDATES[role]


API = {
    "agencies": EVERYONE,
    "tasks": EVERYONE,
    "targets": EVERYONE,
    "support-records": {"commune_officer": 200, "district_officer": 200, "agency_officer": 200, "province_viewer": 403, "admin": 200},
}


@pytest.mark.parametrize("endpoint", sorted(API))
@pytest.mark.parametrize("role", ROLES)
def test_api_endpoints_by_role(client, personas, endpoint, role):
    client.force_login(personas[role])
    assert client.get(f"/api/v1/{endpoint}/").status_code == API[endpoint][role]


@pytest.mark.parametrize("endpoint", sorted(API))
def test_api_needs_authentication(client, db, endpoint):
    assert client.get(f"/api/v1/{endpoint}/").status_code in (401, 403)


def test_province_viewer_cannot_write_through_the_api(client, personas, tantrao_household):
    client.force_login(personas["province_viewer"])
    response = client.post("/api/v1/support-records/", {
        "household": tantrao_household.code, "policy": "TD-HONGHEO", "date": "2026-03-02", "amount": 1000,
        "funding_source": "policy_bank",
    }, content_type="application/json")
    assert response.status_code == 403


def _menu(client) -> str:
    html = client.get("/").content.decode()
    return html[html.index('id="mainnav"'):html.index("</nav>", html.index('id="mainnav"'))]


def test_menu_shows_the_plans_pages_by_role(client, personas):
    client.force_login(personas["commune_officer"])
    menu = _menu(client)
    assert f'href="{reverse("programs:targets")}"' in menu and f'href="{reverse("programs:support_list")}"' in menu
    assert f'href="{reverse("programs:funds")}"' not in menu
    client.force_login(personas["province_viewer"])
    menu = _menu(client)
    assert f'href="{reverse("programs:funds")}"' in menu and f'href="{reverse("programs:support_list")}"' not in menu


@pytest.mark.parametrize("year", ["99999", "-3", "2025.5", "abc"])
def test_odd_years_in_urls_are_refused_cleanly(client, personas, year):
    client.force_login(personas["district_officer"])
    for endpoint in ("targets", "tasks", "support-records"):
        assert client.get(f"/api/v1/{endpoint}/", {"year": year}).status_code == 400, endpoint
    for page in ("programs:targets", "programs:tasks", "programs:support_list", "programs:funds"):
        assert client.get(reverse(page), {"year": year}).status_code == 200, page
