"""The district officer starts the annual report, watches its progress bar, downloads the workbook; the provincial
viewer downloads it too and can reach nothing else.

No Celery worker runs beside the live server: the queued task is taken over by the test (it runs the same service a
worker would) while the browser keeps polling the page, so the bar is seen waiting, moving and done.
"""
from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook

from households.models import Classification
from reporting import services
from reporting.models import GeneratedReport
from tests.conftest import PASSWORD
from tests.e2e.conftest import login, menu_link, screenshot
from tests.reporting.conftest import make_review

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def queued(monkeypatch):
    """Requests are queued but no worker takes them: the test plays the worker."""
    monkeypatch.setattr("reporting.tasks.report_enqueue", lambda report: None)


def logout(page) -> None:
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url("**/login/")


def test_district_makes_the_annual_report_and_the_province_downloads_it(page, queued, district_officer, province_viewer, tantrao, minhthanh):
    for cls in (Classification.POOR, Classification.NEAR_POOR, Classification.OTHER, Classification.OTHER):
        make_review(commune=tantrao, year=2025, classification=cls)
    make_review(commune=minhthanh, year=2025, classification=Classification.POOR, ethnic_minority=True)

    login(page, "phong_ldtbxh", PASSWORD)
    menu_link(page, "Tải báo cáo").click()
    page.wait_for_url("**/reports/")
    page.get_by_role("link", name="Lập báo cáo tổng hợp").click()
    page.get_by_label("Loại báo cáo").select_option(label="Báo cáo kết quả thực hiện giảm nghèo bền vững hằng năm")
    page.get_by_label("Kỳ báo cáo (năm)").fill("2025")
    page.get_by_label("Nội dung").select_option("summary")
    page.get_by_role("button", name="Lập báo cáo").click()
    page.wait_for_url(re.compile(r".*/reports/\d+/$"))
    bar = page.get_by_role("progressbar", name="Tiến độ lập báo cáo")
    assert bar.get_attribute("aria-valuenow") == "0" and "Đang chờ" in page.locator("#report-status").inner_text()

    report = GeneratedReport.objects.get()
    GeneratedReport.objects.filter(pk=report.pk).update(state="running")
    services.report_progress(report_id=report.pk, progress=35, message="Đã lập biểu: Nguyên nhân nghèo")
    page.wait_for_function("document.querySelector('[role=progressbar]').getAttribute('aria-valuenow') === '35'")
    assert "Nguyên nhân nghèo" in page.locator("#report-status").inner_text()
    screenshot(page, "report-progress")
    services.report_generate(report_id=report.pk)
    page.get_by_role("link", name="Tải báo cáo (Excel)").wait_for()
    assert bar.get_attribute("aria-valuenow") == "100"
    with page.expect_download() as info:
        page.get_by_role("link", name="Tải báo cáo (Excel)").click()
    download = info.value
    assert download.suggested_filename == "bao-cao-annual-2025-076-du-thao-v1.xlsx"
    with open(download.path(), "rb") as fh:
        wb = load_workbook(fh)
    assert wb.sheetnames[0] == "01. Kết quả rà soát" and "11. Danh sách hộ" not in wb.sheetnames
    screenshot(page, "report-done")
    logout(page)

    login(page, "tinh_tq", PASSWORD)
    nav = page.get_by_role("navigation", name="Menu chính")
    assert nav.get_by_role("link", name="Báo cáo định kỳ", include_hidden=True).count() == 0
    menu_link(page, "Tải báo cáo").click()
    page.wait_for_url("**/reports/")
    assert page.get_by_role("link", name="Lập báo cáo tổng hợp").count() == 0
    with page.expect_download() as info:
        page.locator("#reports").get_by_role("link", name="Tải về").click()
    assert info.value.suggested_filename == "bao-cao-annual-2025-076-du-thao-v1.xlsx"
    # Nothing else: the obligations, the generation page, the registry, the admin.
    for path in ("/obligations/", "/reports/new/", "/households/"):
        response = page.goto(page.base_url + path)
        assert response.status == 403, path
    page.goto(page.base_url + "/admin/")
    assert "/admin/login/" in page.url
    full = services.report_request(kind=report.kind, year=2025, unit=report.unit, edition="full")
    assert page.goto(page.base_url + f"/reports/{full.pk}/").status == 404
    screenshot(page, "province-downloads")
