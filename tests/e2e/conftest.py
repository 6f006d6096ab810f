"""The browser harness: Playwright driving Debian's Chromium (never a downloaded browser) against live_server.

If /usr/bin/chromium is missing the harness installs it with apt-get when it can (root, apt available);
otherwise the browser tests are skipped with a message — except in CI (CI or E2E_REQUIRED set), where a
missing browser is a failure. Screenshots land in test-artifacts/.
"""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def _required() -> bool:
    return bool(os.environ.get("CI") or os.environ.get("E2E_REQUIRED"))


def _ensure_chromium() -> str | None:
    if Path(CHROMIUM).exists():
        return None
    apt = shutil.which("apt-get")
    if apt and hasattr(os, "geteuid") and os.geteuid() == 0:
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        if subprocess.run([apt, "install", "-y", "-q", "chromium"], env=env, capture_output=True).returncode != 0:
            subprocess.run([apt, "update", "-q"], env=env, capture_output=True)
            subprocess.run([apt, "install", "-y", "-q", "chromium"], env=env, capture_output=True)
        if Path(CHROMIUM).exists():
            return None
    return (
        f"Không có Chromium tại {CHROMIUM}: cài bằng `apt-get install -y chromium` để chạy kiểm thử trình duyệt "
        f"(Chromium not found at {CHROMIUM}; install Debian's chromium to run the browser tests)."
    )


@pytest.fixture(scope="session")
def browser():
    problem = _ensure_chromium()
    if problem:
        if _required():
            pytest.fail(problem)
        pytest.skip(problem)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in the test thread; the tests' own ORM calls (fixtures, the
    # database flush after each test) stay synchronous, so Django's async guard is lifted while the browser runs.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from django.db import connections

    # Django's connection handler keys connections by context; once Playwright's loop runs, the tests see a new
    # connection object that lacks the serialized reference data used by serialized_rollback. Hand it over.
    serialized = getattr(connections["default"], "_test_serialized_contents", None)
    with sync_playwright() as pw:
        if serialized is not None and getattr(connections["default"], "_test_serialized_contents", None) is None:
            connections["default"]._test_serialized_contents = serialized
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield _PolicyBypassingBrowser(browser)
        browser.close()
    if previous is None:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    else:
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


class _PolicyBypassingBrowser:
    """The browser, whose contexts skip the site's Content-Security-Policy unless asked not to: Playwright's
    `wait_for_function("…")` evaluates its text, which a policy without 'unsafe-eval' refuses. The policy itself is
    tested page by page in tests/e2e/test_content_security_policy.py (`new_context(bypass_csp=False)`)."""

    def __init__(self, browser):
        self._browser = browser

    def new_context(self, **kwargs):
        kwargs.setdefault("bypass_csp", True)
        return self._browser.new_context(**kwargs)

    def __getattr__(self, name):
        return getattr(self._browser, name)


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport={"width": 1366, "height": 768})
    context.set_default_timeout(15000)
    page = context.new_page()
    page.base_url = live_server.url  # type: ignore[attr-defined]
    yield page
    context.close()


def login(page, username: str, password: str) -> None:
    page.goto(page.base_url + "/login/")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(page.base_url + "/")


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def menu_link(page, name: str):
    """The main menu's entry `name`, ready to click: the header groups its entries by task in dropdowns
    (<details>), so the entry's group is opened first when it is closed."""
    nav = page.get_by_role("navigation", name="Menu chính")
    group = nav.locator("details").filter(has=page.get_by_role("link", name=name, include_hidden=True))
    if group.count() and not group.first.evaluate("d => d.open"):
        group.first.locator("summary").click()
    return nav.get_by_role("link", name=name)
