"""A commune officer logs in through the browser and sees the commune's households, in Vietnamese."""
import pytest

from tests.conftest import PASSWORD
from tests.e2e.conftest import login, menu_link, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_commune_officer_logs_in_and_sees_the_communes_households(page, tantrao_officer, tantrao_household, minhthanh_household):
    login(page, "canbo_tantrao", PASSWORD)
    assert "Xin chào, Ma Văn Thắng" in page.content()
    menu_link(page, "Danh sách hộ").click()
    page.wait_for_url("**/households/")
    body = page.locator("#rows").inner_text()
    assert tantrao_household.code in body and "Ma Văn Thắng" in body
    assert minhthanh_household.code not in body
    # Typing without diacritics finds the household (htmx refreshes the rows).
    page.get_by_placeholder("Mã hộ, họ tên").fill("ma van thang")
    page.wait_for_function("document.querySelector('#rows').innerText.includes('1 hộ')")
    page.get_by_role("link", name=tantrao_household.code).click()
    page.wait_for_url(f"**/households/{tantrao_household.code}/")
    assert "Nhân khẩu (2)" in page.content()
    assert page.locator("html").get_attribute("lang") == "vi"
    screenshot(page, "commune-officer-households")
