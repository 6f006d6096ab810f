"""The commune officer's traps, walked in the browser on an office screen and on a phone: an untouched household
edit saves; a mistyped village meeting (8 for 18) keeps every value and asks for confirmation instead of sending the
village back; once recorded it is corrected the same day with a reason, and the village's reviews follow."""
import datetime as dt

import pytest

from households import services
from households.models import AnnualReview, ReviewState, VillageMeeting
from tests.conftest import PASSWORD
from tests.e2e.conftest import login, screenshot
from tests.households.review_fixtures import make_household, make_old_village, save

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def village_reviews(tantrao_officer):
    village = make_old_village("02539", "Thôn Cầu Trâu")
    reviews = []
    for head in ("Bàn Văn Lợi", "Triệu Văn Hùng"):
        hh = make_household(old_commune="02539", new_commune="02545", village=village, head=head, ethnic="09")
        reviews.append(services.review_transition(review=save(hh, 2025, day=dt.date(2025, 10, 1)), to_state=ReviewState.REVIEWED,
                                                  user=tantrao_officer))
    return reviews


@pytest.mark.parametrize("width", [1366, 390])
def test_the_officer_is_never_trapped_and_loses_nothing(browser, live_server, tantrao_officer, village_reviews, width):
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", viewport={"width": width, "height": 900})
    context.set_default_timeout(15000)
    page = context.new_page()
    page.base_url = live_server.url
    try:
        login(page, "canbo_tantrao", PASSWORD)
        household = village_reviews[0].household
        page.goto(f"{page.base_url}/households/{household.code}/edit/")
        page.get_by_role("button", name="Lưu", exact=True).click()
        page.wait_for_selector(".msg-success")
        assert f"Đã lưu hộ {household.code}." in page.locator(".msg-success").inner_text()

        page.goto(f"{page.base_url}/reviews/?year=2025&commune={village_reviews[0].commune_id}")
        meeting = page.locator("form[action*='/reviews/meeting/#']")
        meeting.get_by_label("Thôn, tổ dân phố").select_option(label="Thôn Cầu Trâu")
        meeting.get_by_label("Người chủ trì (trưởng thôn)").fill("Hoàng Văn Chiến")
        meeting.get_by_label("Số người dự họp").fill("18")
        meeting.get_by_label("Số người đồng ý với kết quả").fill("8")
        page.get_by_role("button", name="Ghi kết quả họp").click()
        confirm = page.locator("form[action*='/reviews/meeting/#'] input[name=confirm_redo]")
        confirm.wait_for()
        form = page.locator("form[action*='/reviews/meeting/#']")
        assert form.get_by_label("Người chủ trì (trưởng thôn)").input_value() == "Hoàng Văn Chiến"
        assert form.get_by_label("Số người đồng ý với kết quả").input_value() == "8"
        assert "Chỉ 8/18 người đồng ý (dưới 50 %)" in form.inner_text()
        assert not VillageMeeting.objects.exists()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(page, f"board-confirm-under-half-{width}")
        confirm.check()
        page.get_by_role("button", name="Ghi kết quả họp").click()
        page.wait_for_selector(".msg-success")
        assert set(AnnualReview.objects.values_list("state", flat=True)) == {ReviewState.DRAFT}

        meeting_row = VillageMeeting.objects.get()
        correct = page.locator(f"#meeting-{meeting_row.pk}")
        correct.locator("summary").click()
        correct.get_by_label("Số người đồng ý với kết quả").fill("16")
        correct.get_by_label("Lý do sửa").fill("Gõ nhầm 8 thay cho 16")
        correct.get_by_role("button", name="Sửa biên bản").click()
        page.wait_for_selector(".msg-success")
        assert "16/18 người đồng ý" in page.locator(".msg-success").inner_text()
        assert set(AnnualReview.objects.values_list("state", flat=True)) == {ReviewState.AGREED}
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        screenshot(page, f"board-meeting-corrected-{width}")
    finally:
        context.close()
