"""A commune officer reviews a household in the browser: opens it, enters the income, watches the classification
change as indicators are ticked (htmx), saves, moves it through the village meeting and the posting, and finds it
on the village's public posting list."""
import datetime as dt

import pytest
from django.utils import timezone

from households.models import AdministrativeUnit, AnnualReview, Level
from tests.conftest import PASSWORD, HouseholdFactory, MemberFactory, unit
from tests.e2e.conftest import login, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def household(db):
    old = unit("02539", dt.date(2024, 10, 1))  # Trung Yên, merged into Tân Trào on 1 July 2025
    village = AdministrativeUnit.objects.create(code="02539-E01", name="Thôn Cầu Trâu", level=Level.VILLAGE, parent=old,
                                                valid_from=dt.date(2000, 1, 1))
    hh = HouseholdFactory(code="TT-E2E-01", commune=unit("02545"), village=village, head_name="Bàn Văn Lợi")
    MemberFactory(household=hh, full_name="Bàn Văn Lợi", sex="male", relation="head", birth_date=dt.date(1980, 3, 1), citizen_id=None)
    MemberFactory(household=hh, full_name="Triệu Thị Mai", relation="spouse", birth_date=dt.date(1984, 2, 1), citizen_id=None)
    MemberFactory(household=hh, full_name="Bàn Văn Nam", sex="male", relation="child", birth_date=dt.date(2012, 9, 2), citizen_id=None)
    MemberFactory(household=hh, full_name="Bàn Thị Lụa", relation="parent", birth_date=dt.date(1950, 1, 20), citizen_id=None)
    return hh


def classification(page) -> str:
    return page.locator("#live-classification").inner_text().strip()


def test_commune_officer_reviews_a_household_and_finds_it_on_the_posting_list(page, tantrao_officer, household):
    year = timezone.localdate().year
    login(page, "canbo_tantrao", PASSWORD)
    page.goto(page.base_url + f"/households/{household.code}/")
    page.get_by_role("link", name=f"Rà soát năm {year}").click()
    page.wait_for_url(f"**/households/{household.code}/reviews/{year}/")
    assert page.locator("form[data-warn-unsaved]").count() == 1
    assert classification(page) == "Chưa đủ thông tin"

    # 57.600.000 đ a year for 4 people: 1.200.000 đ a month, under the rural line; no deprivation yet.
    page.get_by_label("Tổng thu nhập của hộ trong 12 tháng qua (đồng)").fill("57.600.000")
    page.wait_for_function("document.querySelector('#live-classification').innerText.includes('Hộ cận nghèo')")
    assert "1.200.000 đ" in page.locator("#live-panel").inner_text()

    # Ticking indicators the facts do not settle: two are not enough, the third makes the household poor.
    for code in ("1", "3"):
        page.locator(f"#id_dep_{code}").check()
        page.wait_for_function(f"document.querySelector('#ind-{code}').classList.contains('is-deprived')")
    assert classification(page) == "Hộ cận nghèo"
    page.locator("#id_dep_4").check()
    page.wait_for_function("document.querySelector('#live-classification').innerText.includes('Hộ nghèo')")
    assert "Thiếu hụt 3 chỉ số" in page.locator("#live-panel").inner_text()
    screenshot(page, "review-form-live-classification")

    page.get_by_role("button", name="Lưu kết quả rà soát").click()
    page.wait_for_selector(".msg-success")
    assert "Hộ nghèo" in page.locator(".msg-success").inner_text()
    review = AnnualReview.objects.get(household=household, year=year)
    assert review.classification == "poor" and review.deprived_codes == ["1", "3", "4"]

    # The steps: survey done, the village meeting agrees (15 of 20), the results are posted.
    page.get_by_role("button", name="Hoàn thành rà soát").click()
    page.wait_for_selector(".msg-success")
    page.get_by_role("link", name="← Bảng rà soát").first.click()
    page.wait_for_url("**/reviews/**")
    meeting = page.locator("form[action*='/reviews/meeting/#']")
    meeting.get_by_label("Thôn, tổ dân phố").select_option(label="Thôn Cầu Trâu")
    page.get_by_label("Số người dự họp").fill("20")
    page.get_by_label("Số người đồng ý với kết quả").fill("15")
    page.get_by_role("button", name="Ghi kết quả họp").click()
    page.wait_for_selector(".msg-success")
    assert "15/20 người đồng ý" in page.locator(".msg-success").inner_text()
    page.locator("form[action*='/reviews/posting/#']").get_by_label("Thôn, tổ dân phố").select_option(label="Thôn Cầu Trâu")
    page.get_by_role("button", name="Ghi niêm yết").click()
    page.wait_for_selector(".msg-success")

    page.get_by_role("link", name="Niêm yết").first.click()
    page.wait_for_url("**/reviews/print/posting/**")
    poor_list = page.locator("h2:has-text('Danh sách hộ nghèo') + table").inner_text()
    assert household.code in poor_list and "Bàn Văn Lợi" in poor_list
    screenshot(page, "review-posting-list")
