"""The Content-Security-Policy allows scripts only from the site's own files: every page works under it in Chromium
(no violation reported, the filters still submit, Swagger UI still starts), and no template carries an inline
script or an event-handler attribute that the policy would block."""
import re
from pathlib import Path

import pytest

from tests.conftest import PASSWORD
from tests.e2e.conftest import login

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_no_template_has_an_inline_script_or_handler():
    found = []
    for path in [*ROOT.glob("*/templates/**/*.html"), *(ROOT / "templates").glob("*.html")]:
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>|\son(?:click|change|submit|input|load|keyup|keydown)=", text):
            found.append(f"{path.relative_to(ROOT)}: {m.group(0)}")
    assert not found, found


def test_the_pages_work_under_the_policy(browser, live_server, district_officer, tantrao_household):
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport={"width": 1366, "height": 768},
                                  bypass_csp=False)
    context.set_default_timeout(15000)
    page = context.new_page()
    page.base_url = live_server.url
    violations = []
    page.on("console", lambda msg: violations.append(f"{page.url}: {msg.text}") if "Content Security Policy" in msg.text else None)
    login(page, district_officer.username, PASSWORD)
    assert "content-security-policy" in {k.lower() for k in page.request.get(page.base_url + "/").headers}
    for path in ("/", "/dashboard/", "/households/", f"/households/{tantrao_household.code}/", "/reviews/", "/checks/",
                 "/targets/", "/tasks/", "/reports/", "/profile/", "/api/docs/"):
        page.goto(page.base_url + path)
        page.wait_for_load_state("networkidle")
    # Swagger UI started from its own script file.
    page.goto(page.base_url + "/api/docs/")
    page.wait_for_selector("#swagger-ui .info", timeout=15000)
    # A filter that submits on change still does (data-autosubmit, app.js).
    page.goto(page.base_url + "/checks/?year=2025")
    page.locator("select[name=status]").select_option("")
    page.wait_for_url("**status=**")
    context.close()
    assert not violations, violations
