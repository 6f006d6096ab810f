"""Every page each role reaches fits the screen (issue #15): on an office screen (1366 px) and on a phone (390 px) the
page itself never scrolls sideways — wide tables scroll inside their own box, long codes and hashes wrap, form
controls keep to their column — and the grouped menu marks exactly one entry as the current page.

The data is a small Sơn Dương from the demo builders (every table has rows), made once for the whole walk: the
browser tests run on a transactional database that is emptied after each test, so one test visits every role's
pages, one browser context per role and width, and reports every page that does not fit. A full-page screenshot of
each page lands in test-artifacts/pages/<role>/<name>_<width>.png for a person to look at.
"""
from __future__ import annotations

import re

import pytest
from django.utils import timezone

from accounts.demo import DEMO_PASSWORD
from tests.conftest import PASSWORD
from tests.e2e.conftest import ARTIFACTS, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

WIDTHS = (1366, 390)
ROLES = {  # role: the demo account (accounts.demo)
    "district_officer": "phongldtbxh",
    "commune_officer": "xatantrao",
    "agency_officer": "nhcsxh",
    "province_viewer": "tinhtuyenquang",
    "admin": "quantri",
}


def _seed() -> dict:
    """The demo data set (households.demo, programs.demo, reporting.demo, accounts.demo) with ~120 households, and
    the records whose pages the walk opens."""
    from accounts.demo import build_accounts
    from households import checks, demo as households_demo, imports
    from households.models import AdministrativeUnit, AnnualReview, CheckFlag, Household, Job, JobStatus
    from programs import demo as programs_demo
    from programs.models import FundAllocation, TaskAssignment, Target
    from reporting import demo as reporting_demo, services
    from reporting.models import GeneratedReport, Notification, NotificationKind, Obligation, ReportState
    from tests.io.conftest import household_rows, workbook

    today = timezone.localdate()
    households_demo.build_registry(households=120, seed=2026, today=today)
    households_demo.build_reviews(seed=2026, today=today)
    programs_demo.build_programs(seed=2026, today=today)
    accounts = {acc.username: user for acc, user in build_accounts()}
    reporting_demo.build_reporting(seed=2026, today=today)

    tantrao = AdministrativeUnit.objects.by_code("02545")
    review = (AnnualReview.objects.filter(commune=tantrao, household__village__isnull=False).select_related("household")
              .order_by("-year", "id").first())
    household = review.household
    # A commune whose villages wait for the village meeting: the board shows its step forms.
    in_progress = (AnnualReview.objects.filter(year=today.year, state__in=["reviewed", "agreed", "posted"])
                   .values_list("commune_id", flat=True).first()) or tantrao.pk
    district = accounts["phongldtbxh"]
    checks.check_flags_run(year=review.year)
    if not CheckFlag.objects.exists():
        CheckFlag.objects.create(
            kind=CheckFlag._meta.get_field("kind").choices[0][0], year=review.year, key="width-check", commune=tantrao,
            household=household, title="Hộ ra vào hộ nghèo nhiều lần trong 5 năm (2021–2025): nghèo, không nghèo, nghèo",
            detail="Xem lại kết quả rà soát các năm " + ", ".join(str(y) for y in range(2021, 2026)),
        )
    checks_job = Job.objects.create(kind="checks_run", params={"year": review.year}, created_by=district,
                                    status=JobStatus.SUCCEEDED, progress=100, message="Xong: 1 phát hiện.")
    village = household.village.name
    job = imports.import_job_create(user=accounts["xatantrao"], filename="danh-sach-ho-tan-trao-rat-dai-2026.xlsx",
                                    data=workbook(household_rows("TT-WIDTH-1", village) + household_rows("TT-WIDTH-2", "Thôn Không Có")),
                                    commune=tantrao)
    imports.import_job_run(job_id=job.pk)
    for user in accounts.values():
        services.notify(users=[user], kind=NotificationKind.REMINDER, key="width-1",
                        title="Sắp đến hạn nộp Báo cáo kết quả thực hiện giảm nghèo bền vững 6 tháng đầu năm",
                        body="Hạn nộp: 15/06. Báo cáo gửi Phòng Lao động - Thương binh và Xã hội huyện Sơn Dương.",
                        url="/obligations/")
    assert Notification.objects.exists()
    reports = GeneratedReport.objects.filter(state=ReportState.SUCCEEDED).order_by("-year", "pk")
    return {
        "household": household.code,
        "review_year": review.year,
        "village": household.village_id,
        "tantrao": tantrao.pk,
        "board_commune": in_progress,
        "import_job": job.pk,
        "checks_job": checks_job.pk,
        "agency_task": TaskAssignment.objects.filter(agency__code="NHCSXH").order_by("pk").first().pk,
        "commune_task": TaskAssignment.objects.filter(commune=tantrao).order_by("pk").first().pk,
        "commune_obligation": Obligation.objects.filter(commune=tantrao).order_by("-pk").first().pk,
        "agency_obligation": Obligation.objects.filter(agency__code="NHCSXH").order_by("-pk").first().pk,
        "report": reports.filter(edition="summary").first().pk,
        "full_report": reports.filter(edition="full").first().pk,
        "target": Target.objects.order_by("pk").first().pk,
        "fund": FundAllocation.objects.order_by("pk").first().pk,  # /funds/<pk>/edit/ edits an allocation
        "households": Household.objects.count(),
    }


def _pages(ids: dict) -> dict[str, list[tuple[str, str]]]:
    """(name, address) of the pages each role reaches: every list page and a detail page of each kind."""
    h, year, village = ids["household"], ids["review_year"], ids["village"]
    registry = [
        ("households", "/households/"),
        ("household", f"/households/{h}/"),
        ("household_support", f"/support/households/{h}/"),
        ("export", "/households/export/"),
    ]
    registry_edit = [
        ("household_edit", f"/households/{h}/edit/"),
        ("household_new", "/households/new/"),
        ("import", "/households/import/"),
        ("review_import", "/households/import/reviews/"),
        ("review_form", f"/households/{h}/reviews/{year}/"),
        ("review_applications", "/reviews/applications/"),
    ]
    plan = [("plan", "/plan/"), ("targets", "/targets/"), ("target", f"/targets/{ids['target']}/"), ("tasks", "/tasks/"),
            ("funds", "/funds/")]
    reports = [("obligations", "/obligations/"), ("notifications", "/notifications/")]
    common = [("home", "/"), ("dashboard", "/dashboard/"), ("profile", "/profile/")]
    commune = f"&commune={ids['tantrao']}"
    return {
        "district_officer": common + registry + registry_edit + plan + reports + [
            ("dashboard_households", "/dashboard/households/"),
            ("review_board", "/reviews/"),
            ("review_board_commune", f"/reviews/?year={timezone.localdate().year}&commune={ids['board_commune']}"),
            ("print_meeting", f"/reviews/print/meeting/?year={year}{commune}&village={village}"),
            ("print_posting", f"/reviews/print/posting/?year={year}{commune}&village={village}"),
            ("print_certificates", f"/reviews/print/certificates/?year={year}{commune}"),
            ("checks", f"/checks/?year={year}"),
            ("checks_job", f"/reviews/jobs/{ids['checks_job']}/"),
            ("target_divide", f"/targets/{ids['target']}/divide/"),
            ("task", f"/tasks/{ids['agency_task']}/"),
            ("support", "/support/"), ("support_new", "/support/new/"),
            ("obligation", f"/obligations/{ids['commune_obligation']}/"),
            ("reports", "/reports/"), ("report_new", "/reports/new/"),
            ("report", f"/reports/{ids['report']}/"), ("report_full", f"/reports/{ids['full_report']}/"),
        ],
        "commune_officer": common + registry + registry_edit + [p for p in plan if p[0] != "funds"] + reports + [
            ("review_board", f"/reviews/?year={year}"),
            ("import_job", f"/households/import/{ids['import_job']}/"),
            ("print_meeting", f"/reviews/print/meeting/?year={year}&village={village}"),
            ("print_posting", f"/reviews/print/posting/?year={year}&village={village}"),
            ("print_certificates", f"/reviews/print/certificates/?year={year}"),
            ("task", f"/tasks/{ids['commune_task']}/"),
            ("support", "/support/"),
            ("obligation", f"/obligations/{ids['commune_obligation']}/"),
            ("reports", "/reports/"),
        ],
        "agency_officer": common + registry + [p for p in plan if p[0] != "targets"] + reports + [
            ("task", f"/tasks/{ids['agency_task']}/"),
            ("support", "/support/"), ("support_new", "/support/new/"),
            ("obligation", f"/obligations/{ids['agency_obligation']}/"),
        ],
        "province_viewer": common + plan + [
            ("task", f"/tasks/{ids['agency_task']}/"),
            ("reports", "/reports/"), ("report", f"/reports/{ids['report']}/"),
        ],
        "admin": common + registry + [
            ("import", "/households/import/"),
            ("review_board_commune", f"/reviews/?year={timezone.localdate().year}&commune={ids['board_commune']}"),
            ("checks", f"/checks/?year={year}"),
            ("support", "/support/"), ("funds", "/funds/"), ("fund_new", "/funds/new/"),
            ("fund_edit", f"/funds/{ids['fund']}/edit/"),
            ("obligations", "/obligations/"), ("reports", "/reports/"),
            ("mergers", "/units/mergers/"), ("merger_new", "/units/mergers/new/"),
        ],
    }


# Pages whose menu entry is known: (role, page name) → the one entry marked as the current page.
ACTIVE = {
    ("district_officer", "home"): "Trang chủ",
    ("district_officer", "dashboard_households"): "Tổng quan",
    ("district_officer", "import"): "Nhập Excel",  # not also "Danh sách hộ" (/households/ is a prefix of it)
    ("district_officer", "review_import"): "Nhập Excel",
    ("district_officer", "household"): "Danh sách hộ",
    ("district_officer", "review_form"): "Danh sách hộ",
    ("district_officer", "review_board_commune"): "Rà soát hằng năm",
    ("district_officer", "task"): "Nhiệm vụ",
    ("district_officer", "report"): "Tải báo cáo",
    ("commune_officer", "import"): "Nhập Excel",
    ("commune_officer", "import_job"): "Nhập Excel",
    ("commune_officer", "support"): "Hỗ trợ",
    ("province_viewer", "reports"): "Tải báo cáo",
    ("admin", "merger_new"): "Sáp nhập đơn vị",
}

# Everything the page shows, unfolded before it is measured: the dashboard's tables, the board's step forms.
UNFOLD = "document.querySelectorAll('main details').forEach((d) => { d.open = true; })"
WIDE = """(width) => [...document.querySelectorAll('main *, header *')].filter((el) => {
  const r = el.getBoundingClientRect();
  if (r.right <= width + 0.5 || !r.width) return false;
  for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
    if (getComputedStyle(p).overflowX !== 'visible') return false;  // scrolls inside its own box
  }
  return ![...el.children].some((c) => c.getBoundingClientRect().right > width + 0.5);
}).slice(0, 3).map((el) => `<${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}> "${(el.innerText || '').trim().slice(0, 40)}"`)"""


def _shoot(page, role: str, name: str, width: int) -> None:
    folder = ARTIFACTS / "pages" / role
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(folder / f"{name}_{width}.png"), full_page=True)


def _measure(page, where: str, width: int, problems: list[str]) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    if scroll > width:
        problems.append(f"{where} is {scroll} px wide at {width} px (too wide: {', '.join(page.evaluate(WIDE, width))})")


def test_every_page_of_every_role_fits_the_screen_and_the_menu_marks_one_page(browser, live_server):
    ids = _seed()
    pages = _pages(ids)
    problems: list[str] = []
    visited = 0
    for width in WIDTHS:
        # Signed out: the login page.
        context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport={"width": width, "height": 800})
        page = context.new_page()
        page.goto(live_server.url + "/login/")
        _shoot(page, "anonymous", "login", width)
        _measure(page, "the login page", width, problems)
        context.close()

    for role, username in ROLES.items():
        for width in WIDTHS:
            context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport={"width": width, "height": 800})
            context.set_default_timeout(15000)
            page = context.new_page()
            page.base_url = live_server.url  # type: ignore[attr-defined]
            login(page, username, DEMO_PASSWORD)
            for name, path in pages[role]:
                where = f"{role}: {name} ({path})"
                response = page.goto(live_server.url + path)
                if response is None or response.status != 200:
                    problems.append(f"{where} answered {response.status if response else 'nothing'} at {width} px")
                    continue
                if page.locator("[hx-trigger^='load']").count():
                    page.wait_for_load_state("networkidle")  # the fragments htmx fetches as the page opens are in
                page.evaluate(UNFOLD)
                _shoot(page, role, name, width)
                _measure(page, where, width, problems)
                current = page.locator("header [aria-current='page']").all_text_contents()  # closed dropdowns too
                expected = ACTIVE.get((role, name))
                if expected is not None and [c.strip() for c in current] != [expected]:
                    problems.append(f"{where} at {width} px: menu marks {current} as the current page, not [{expected!r}]")
                elif len(current) > 1:
                    problems.append(f"{where} at {width} px: menu marks {len(current)} entries as the current page: {current}")
                visited += 1
            # The menu itself, opened: the phone's toggle, the office screen's first dropdown.
            page.goto(live_server.url + "/")
            if width < 760:
                page.get_by_role("button", name=re.compile("Menu")).click()
                assert page.get_by_role("navigation", name="Menu chính").is_visible(), f"{role}: the phone menu does not open"
            elif page.locator("details[data-navgroup] > summary").count():
                page.locator("details[data-navgroup] > summary").first.click()
                assert page.locator("details[data-navgroup][open] .navmenu a").first.is_visible(), f"{role}: the dropdown does not open"
            _shoot(page, role, "menu_open", width)
            _measure(page, f"{role}: the open menu", width, problems)
            context.close()

    assert visited > 100, visited
    assert not problems, f"{len(problems)} problem(s):\n" + "\n".join(problems)


def test_the_header_search_finds_a_household_by_code_and_by_the_heads_name(page, live_server, district_officer, tantrao_household):
    """The district officer's header search box (issue #15, item 25) opens the household list filtered by the words."""
    login(page, "phong_ldtbxh", PASSWORD)
    search = page.get_by_role("search").get_by_label("Tìm hộ gia đình")
    assert "số định danh" in search.get_attribute("placeholder")  # the roles that see IDs may search by them
    search.fill(tantrao_household.code)
    search.press("Enter")
    page.wait_for_url(f"**/households/?q={tantrao_household.code}")
    assert tantrao_household.code in page.locator("#rows").inner_text()
    page.get_by_role("search").get_by_label("Tìm hộ gia đình").fill("ma van thang")
    page.get_by_role("search").get_by_role("button", name="Tìm").click()
    page.wait_for_url("**/households/?q=ma+van+thang")
    assert "Ma Văn Thắng" in page.locator("#rows").inner_text()
