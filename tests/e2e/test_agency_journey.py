"""An agency officer (the social policy bank) updates a task and records a loan to a household through the browser;
the district officer then sees both."""
import pytest

from programs import services
from programs.models import SupportRecord, TaskAssignment
from tests.conftest import PASSWORD
from tests.e2e.conftest import login, menu_link, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_agency_officer_updates_a_task_and_records_a_loan_the_district_sees_both(
    page, browser, live_server, bank_officer, district_officer, tantrao_household
):
    services.tasks_open_year(year=2026)
    task = TaskAssignment.objects.get(agency__code="NHCSXH", year=2026)

    # The bank's officer: only the bank's tasks, a progress report on the credit duty (IV.10).
    login(page, "canbo_nhcsxh", PASSWORD)
    menu_link(page, "Nhiệm vụ").click()
    page.wait_for_url("**/tasks/")
    rows = page.locator("#tasks tbody").inner_text()
    assert "Tín dụng ưu đãi" in rows and "Cải thiện dinh dưỡng" not in rows
    page.get_by_role("link", name=task.title).click()
    page.wait_for_url(f"**/tasks/{task.pk}/")
    page.get_by_label("Tình trạng").select_option("in_progress")
    page.get_by_label("Tiến độ (%)").fill("60")
    page.get_by_label("Kết quả thực hiện, khó khăn, kiến nghị").fill("Đã giải ngân 60% kế hoạch vốn cho vay hộ nghèo năm 2026.")
    page.get_by_role("button", name="Gửi báo cáo tiến độ").click()
    page.wait_for_selector("text=Đã ghi báo cáo tiến độ.")
    assert "60%" in page.locator("#task-status").inner_text()

    # A loan to a household, from the household's page.
    page.goto(page.base_url + f"/households/{tantrao_household.code}/")
    page.wait_for_selector("#household-support-records")
    page.get_by_role("link", name="+ Ghi nhận hỗ trợ cho hộ này").click()
    page.wait_for_url("**/support/new/**")
    assert page.get_by_label("Hộ được hỗ trợ").input_value() == tantrao_household.code
    options = page.locator("#id_policy option").all_inner_texts()
    assert "Cho vay hộ nghèo" in options and not any("bảo hiểm y tế" in o for o in options)
    page.get_by_label("Chính sách").select_option(label="Cho vay hộ nghèo")
    page.get_by_label("Ngày hỗ trợ").fill("02/03/2026")
    page.get_by_label("Số tiền, giá trị (đồng)").fill("0")
    page.get_by_label("Nguồn kinh phí").select_option("policy_bank")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_selector("text=Số tiền phải lớn hơn 0 đồng.")
    page.get_by_label("Số tiền, giá trị (đồng)").fill("50.000.000")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url(f"**/households/{tantrao_household.code}/")
    page.wait_for_selector("#household-support-records >> text=Cho vay hộ nghèo")
    assert "50.000.000 đ" in page.locator("#household-support-records").inner_text()
    screenshot(page, "agency-records-loan")
    assert SupportRecord.objects.get().amount == 50_000_000

    # The district office sees the progress and the loan.
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport={"width": 1366, "height": 768})
    district = context.new_page()
    district.base_url = page.base_url
    login(district, "phong_ldtbxh", PASSWORD)
    menu_link(district, "Nhiệm vụ").click()
    district.wait_for_url("**/tasks/")
    summary = district.locator("#agency-summary").inner_text()
    assert "PGD NHCSXH" in summary
    district.get_by_role("link", name=task.title).click()
    district.wait_for_url(f"**/tasks/{task.pk}/")
    updates = district.locator("#updates").inner_text()
    assert "Đã giải ngân 60%" in updates and "Trần Văn Bình" in updates
    menu_link(district, "Hỗ trợ").click()
    district.wait_for_url("**/support/")
    records = district.locator("#records").inner_text()
    assert tantrao_household.code in records and "Cho vay hộ nghèo" in records and "50.000.000 đ" in records
    assert "50.000.000 đ" in district.locator("#by-commune").inner_text()
    screenshot(district, "district-sees-agency-work")
    context.close()
