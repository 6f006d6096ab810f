"""The district officer opens the dashboard, changes the year, clicks a commune and lands on its dashboard."""
import pytest

from tests.conftest import PASSWORD
from tests.dashboard.conftest import district  # noqa: F401  (the fixture: reviews of 2024 and 2025 with known answers)
from tests.e2e.conftest import login, menu_link, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_district_officer_drills_down_from_the_district_to_a_commune(page, district, district_officer):
    login(page, "phong_ldtbxh", PASSWORD)
    menu_link(page, "Tổng quan").click()
    page.wait_for_url("**/dashboard/")
    assert page.get_by_role("heading", level=1).inner_text() == "Tổng quan toàn địa bàn huyện Sơn Dương"
    # The latest year with official figures comes first: 2025, on today's communes.
    assert page.locator("#card-poor .stat-value").inner_text().startswith("5")
    page.locator('select[name="year"]').select_option("2024")  # the filters apply as soon as they change
    page.wait_for_url("**/dashboard/?year=2024**")
    assert "Năm 2024" in page.locator("#dash-summary").inner_text()
    assert page.locator("#card-poor .stat-value").inner_text().startswith("4")
    screenshot(page, "dashboard-district-2024")
    # A commune's bar in the chart leads to that commune's dashboard.
    page.locator("#section-units .chart-wide").get_by_role("link", name="Tân Trào").first.click()
    page.wait_for_url("**unit=02545**")
    assert page.get_by_role("heading", level=1).inner_text() == "Tổng quan Xã Tân Trào"
    assert page.locator("#card-households .stat-value").inner_text().startswith("22 hộ")
    assert "Tỷ lệ hộ nghèo theo thôn" in page.locator("#section-units h2").inner_text()
    screenshot(page, "dashboard-commune-tan-trao")
