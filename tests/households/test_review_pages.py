"""The commune officer's review pages: board (constant queries), the form grouped by dimensions with the live
classification (htmx), overrides with reasons, stale saves, the steps recorded from the board, printouts."""
import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from households import services
from households.models import AnnualReview, Complaint, ReviewState, VillageMeeting
from tests.conftest import unit
from tests.households.review_fixtures import make_household, make_old_village, save, trungyen_household  # noqa: F401

pytestmark = pytest.mark.django_db
YEAR = 2025
DAY = dt.date(2025, 10, 2)


def board_url(commune, year=YEAR, **extra):
    q = "&".join(f"{k}={v}" for k, v in {"year": year, "commune": commune.pk, **extra}.items())
    return f"{reverse('households:review_board')}?{q}"


def form_url(household, year=YEAR):
    return reverse("households:review_form", args=[household.code, year])


def test_the_board_shows_progress_by_village_and_step(client, tantrao_officer, trungyen_household):
    save(trungyen_household, 2024, day=dt.date(2024, 10, 1))  # poor last year: to review
    review = save(trungyen_household, YEAR, day=DAY)
    services.review_transition(review=review, to_state=ReviewState.REVIEWED, user=tantrao_officer)
    client.force_login(tantrao_officer)
    html = client.get(board_url(unit("02545"))).content.decode()
    assert "Rà soát hộ nghèo, cận nghèo năm 2025 · Xã Tân Trào" in html
    assert "Thôn Cầu Trâu" in html and "Họp thôn thống nhất kết quả" in html
    assert trungyen_household.code in html and "Đã rà soát, chờ họp thôn" in html


def test_the_board_runs_a_constant_number_of_queries(client, tantrao_officer):
    village = make_old_village("02539", "Thôn Đồng Giang")
    other = make_old_village("02545", "Thôn Tân Lập", on=dt.date(2024, 10, 1))

    def count():
        client.force_login(tantrao_officer)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(board_url(unit("02545"))).status_code == 200
        return len(ctx)

    for i, v in enumerate([village, other]):
        save(make_household(old_commune="02539", new_commune="02545", village=v, head=f"Hộ {i}"), YEAR, day=DAY)
    few = count()
    for i in range(6):
        hh = make_household(old_commune="02539", new_commune="02545", village=[village, other][i % 2], head=f"Hộ thêm {i}")
        save(hh, 2024, day=dt.date(2024, 10, 1))
        if i % 3:
            save(hh, YEAR, day=DAY)
    assert count() == few


def test_the_district_sees_every_commune_and_a_commune_officer_only_its_own(client, district_officer, minhthanh_officer, trungyen_household):
    save(trungyen_household, YEAR, day=DAY)
    client.force_login(district_officer)
    html = client.get(reverse("households:review_board") + f"?year={YEAR}").content.decode()
    assert "Tiến độ các xã" in html and "Xã Tân Trào" in html
    client.force_login(minhthanh_officer)
    assert client.get(board_url(unit("02545"))).status_code == 404
    assert trungyen_household.code not in client.get(reverse("households:review_board") + f"?year={YEAR}").content.decode()


def test_the_form_is_grouped_by_the_six_dimensions_and_shows_the_live_classification(client, tantrao_officer, trungyen_household):
    client.force_login(tantrao_officer)
    html = client.get(form_url(trungyen_household)).content.decode()
    legends = re.findall(r"<legend>(\d)\. ([^<]+)</legend>", html)
    assert [name for _, name in legends] == ["Việc làm", "Y tế", "Giáo dục", "Nhà ở", "Nước sinh hoạt và vệ sinh", "Thông tin"]
    assert 'data-warn-unsaved' in html and 'hx-post="' + reverse("households:review_preview", args=[trungyen_household.code, YEAR]) in html
    assert "Chưa đủ thông tin" in html


def preview(client, household, data):
    return client.post(reverse("households:review_preview", args=[household.code, YEAR]), data, HTTP_HX_REQUEST="true").content.decode()


def test_ticking_indicators_changes_the_live_classification(client, tantrao_officer, trungyen_household):
    client.force_login(tantrao_officer)
    base = {"review_date": "02/10/2025", "income_total_12m": "57600000"}  # 4 members: 1.200.000 đ/người/tháng
    html = preview(client, trungyen_household, base)
    assert 'id="live-classification">Hộ cận nghèo<' in html and "1.200.000 đ" in html
    html = preview(client, trungyen_household, {**base, "dep_4": "on", "dep_7": "on", "dep_9": "on"})
    assert 'id="live-classification">Hộ nghèo<' in html and "Thiếu hụt 3 chỉ số" in html
    assert 'id="ind-9" hx-swap-oob="true"' in html
    assert AnnualReview.objects.count() == 0  # the preview saves nothing


def test_a_fact_ticks_its_indicator_and_an_override_asks_for_a_reason(client, tantrao_officer, trungyen_household):
    client.force_login(tantrao_officer)
    base = {"review_date": "02/10/2025", "income_total_12m": "57600000", "d_safe_water": "0", "was_9": ""}
    html = preview(client, trungyen_household, base)
    block = html[html.index('id="ind-9"'):html.index('id="ind-10"')]
    assert "checked" in block and "Tự xác định từ thông tin hộ: Hộ không tiếp cận" in block and 'name="was_9" value="1"' in block
    # the officer unticks the derived indicator: a reason is asked for
    html = preview(client, trungyen_household, {**base, "was_9": "1"})
    assert "Cần ghi lý do cho chỉ số 9" in html
    response = client.post(form_url(trungyen_household), {**base, "was_9": "1"})
    assert response.status_code == 200 and "Muốn ghi khác phải nêu lý do" in response.content.decode()
    response = client.post(form_url(trungyen_household), {**base, "was_9": "1", "reason_9": "Nhà đã lắp nước máy"})
    assert response.status_code == 302
    review = AnnualReview.objects.get()
    assert review.indicators["9"] == {"deprived": False, "source": "overridden", "derived": True, "reason": "Nhà đã lắp nước máy"}


def test_saving_the_form_stores_the_computed_result_and_reports_it(client, tantrao_officer, trungyen_household):
    client.force_login(tantrao_officer)
    # 1, 3 and 4 are not settled by any fact; ages alone settle 2 (dependants: 2 of 4, not more than half)
    data = {"review_date": "02/10/2025", "income_total_12m": "57.600.000", "dep_1": "on", "dep_3": "on", "dep_4": "on", "causes": []}
    response = client.post(form_url(trungyen_household), data, follow=True)
    html = response.content.decode()
    assert "Đã lưu kết quả rà soát năm 2025 của hộ" in html and "Hộ nghèo" in html
    review = AnnualReview.objects.get()
    assert (review.income_total_12m, review.income_per_capita_month, review.classification, review.updated_by) == (
        57_600_000, 1_200_000, "poor", tantrao_officer)


def test_a_stale_form_is_refused_naming_who_saved_first(client, tantrao_officer, district_officer, trungyen_household):
    review = save(trungyen_household, YEAR, day=DAY, user=tantrao_officer)
    services.review_save(household=trungyen_household, year=YEAR, user=district_officer, income_per_capita_month=900_000, version=review.version)
    client.force_login(tantrao_officer)
    html = client.post(form_url(trungyen_household), {"review_date": "02/10/2025", "income_total_12m": "1", "version": review.version}).content.decode()
    assert "Nguyễn Thị Hạnh" in html and "sau khi bạn mở" in html


def test_meeting_posting_and_recognition_are_recorded_from_the_board(client, tantrao_officer, district_officer, trungyen_household):
    review = save(trungyen_household, 2024, day=dt.date(2024, 10, 1))
    services.review_transition(review=review, to_state=ReviewState.REVIEWED, user=tantrao_officer)
    commune = review.commune
    client.force_login(tantrao_officer)
    common = {"year": 2024, "commune": commune.pk, "village": review.village.pk}
    r = client.post(reverse("households:review_meeting"), {**common, "held_on": "10/10/2024", "attendance": 30, "agreeing": 16}, follow=True)
    assert "16/30 người đồng ý" in r.content.decode()
    assert VillageMeeting.objects.get().outcome == "agreed"
    client.post(reverse("households:review_posting"), {**common, "posted_from": "14/10/2024"})
    r = client.post(reverse("households:review_recognise"), {"year": 2024, "commune": commune.pk, "decision_number": "88/QĐ-UBND",
                                                             "decision_date": "25/10/2024"}, follow=True)
    assert "Đã ghi quyết định 88/QĐ-UBND: 1 hộ được công nhận." in r.content.decode()
    assert client.post(reverse("households:review_confirm"), {"year": 2024, "commune": commune.pk}).status_code == 403
    client.force_login(district_officer)
    client.post(reverse("households:review_confirm"), {"year": 2024, "commune": commune.pk, "note": ""})
    review.refresh_from_db()
    assert review.state == ReviewState.CONFIRMED


def test_the_form_of_a_recognised_review_is_read_only_and_the_district_can_reopen_it(client, tantrao_officer, district_officer, trungyen_household):
    review = save(trungyen_household, YEAR, day=DAY)
    AnnualReview.objects.filter(pk=review.pk).update(state=ReviewState.RECOGNISED, decision_number="5/QĐ-UBND")
    client.force_login(tantrao_officer)
    html = client.get(form_url(trungyen_household)).content.decode()
    assert '<fieldset class="plain" disabled>' in html and "Muốn sửa phải được Phòng Lao động" in html
    assert "Huyện mở lại" not in html
    client.force_login(district_officer)
    html = client.get(form_url(trungyen_household)).content.decode()
    assert "Huyện mở lại" in html
    client.post(reverse("households:review_transition", args=[review.pk]), {"to_state": "draft", "version": review.version, "note": "Sai thu nhập"})
    review.refresh_from_db()
    assert review.state == ReviewState.DRAFT and review.events.last().note == "Sai thu nhập"


def test_complaints_are_recorded_and_resolved_on_the_review_page(client, tantrao_officer, trungyen_household):
    review = save(trungyen_household, YEAR, day=DAY)
    AnnualReview.objects.filter(pk=review.pk).update(state=ReviewState.POSTED)
    client.force_login(tantrao_officer)
    client.post(reverse("households:review_complaint", args=[review.pk]), {"received_on": "05/10/2025", "complainant": "Lê Văn Hùng", "content": "Kê khai thiếu thu nhập"})
    complaint = Complaint.objects.get()
    html = client.get(form_url(trungyen_household)).content.decode()
    assert "Lê Văn Hùng" in html and "Ghi kết quả phúc tra" in html and '<fieldset class="plain" disabled>' not in html
    client.post(reverse("households:complaint_resolve", args=[complaint.pk]), {"status": "kept", "resolution": "Đúng như kê khai"})
    complaint.refresh_from_db()
    assert complaint.status == "kept" and complaint.resolved_by == tantrao_officer


def test_the_posting_list_shows_poor_near_poor_and_escaped_households(client, tantrao_officer):
    village = make_old_village("02539", "Thôn Niêm Yết")
    poor, near, escaped, draft = (make_household(old_commune="02539", new_commune="02545", village=village, head=n)
                                  for n in ("Hộ Nghèo A", "Hộ Cận Nghèo B", "Hộ Thoát Nghèo C", "Hộ Chưa Họp D"))
    save(escaped, 2023, day=dt.date(2023, 10, 1))
    save(poor, 2024, day=dt.date(2024, 10, 1))
    save(near, 2024, day=dt.date(2024, 10, 1), deprivations=["1"])
    save(escaped, 2024, day=dt.date(2024, 10, 1), income=1_600_000)
    save(draft, 2024, day=dt.date(2024, 10, 1))
    AnnualReview.objects.filter(year=2024).exclude(household=draft).update(state=ReviewState.POSTED)
    client.force_login(tantrao_officer)
    url = reverse("households:review_print", args=["posting"]) + f"?year=2024&commune={unit('02539', dt.date(2024, 10, 1)).pk}&village={village.pk}"
    html = client.get(url).content.decode()
    sections = html.split("<h2>")
    assert "Hộ Nghèo A" in sections[1] and "Hộ Cận Nghèo B" not in sections[1]
    assert "Hộ Cận Nghèo B" in sections[2]
    assert "Hộ Thoát Nghèo C" in sections[3] and "Thoát nghèo" in sections[3]
    assert "Hộ Chưa Họp D" not in html
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in html and "data-print" in html  # the print button (app.js; no inline script under the CSP)


def test_the_meeting_and_certificate_lists_print(client, tantrao_officer, trungyen_household):
    review = save(trungyen_household, 2024, day=dt.date(2024, 10, 1))
    AnnualReview.objects.filter(pk=review.pk).update(state=ReviewState.RECOGNISED, decision_number="9/QĐ-UBND", decision_date=dt.date(2024, 12, 1))
    client.force_login(tantrao_officer)
    common = f"?year=2024&commune={review.commune.pk}"
    meeting = client.get(reverse("households:review_print", args=["meeting"]) + common + f"&village={review.village.pk}").content.decode()
    assert trungyen_household.head_name in meeting and "TRƯỞNG THÔN" in meeting
    certificates = client.get(reverse("households:review_print", args=["certificates"]) + common).content.decode()
    assert trungyen_household.head_name in certificates and "9/QĐ-UBND" in certificates


def test_the_household_page_lists_its_reviews(client, tantrao_officer, trungyen_household):
    save(trungyen_household, 2024, day=dt.date(2024, 10, 1))
    client.force_login(tantrao_officer)
    html = client.get(reverse("households:household_detail", args=[trungyen_household.code])).content.decode()
    assert "Kết quả rà soát hằng năm" in html and "Xã Trung Yên" in html and "Hộ nghèo" in html


def test_applications_page_receives_an_application_with_its_dates(client, tantrao_officer, trungyen_household):
    client.force_login(tantrao_officer)
    url = reverse("households:review_applications") + "?year=2026"
    r = client.post(url, {"household": trungyen_household.code, "received_on": "02/03/2026", "request": "poor", "applicant": "", "reason": "Ốm"}, follow=True)
    assert "xử lý từ 15/03/2026, có kết quả trước 30/03/2026" in r.content.decode()




def test_an_existing_review_opens_with_its_classification_and_reasons(client, tantrao_officer, trungyen_household):
    services.review_save(household=trungyen_household, year=YEAR, review_date=DAY, income_total_12m=57_600_000, deprivations=["1", "3", "4"])
    client.force_login(tantrao_officer)
    html = client.get(form_url(trungyen_household)).content.decode()
    assert 'id="live-classification">Hộ nghèo<' in html and "Thiếu hụt 3 chỉ số" in html
    assert 'value="57600000"' in html and 'id="id_dep_4" value="on" checked' in html


def test_indicator_notes_keep_the_capitals_of_peoples_names(client, tantrao_officer, trungyen_household):
    """A note set inside "Cán bộ đánh dấu (…)" is not lowercased: the names in it stay names."""
    client.force_login(tantrao_officer)
    html = client.get(form_url(trungyen_household)).content.decode()
    notes = re.findall(r'<small class="ind-source entered">(.*?)</small>', html, re.S)
    schooling = [n for n in notes if "đi học" in n]
    assert schooling and "Ma Văn Nam" in schooling[0], notes


@pytest.mark.parametrize("typed", ["-5000000", "năm triệu"])
def test_a_bad_income_is_flagged_by_the_live_panel(client, tantrao_officer, trungyen_household, typed):
    client.force_login(tantrao_officer)
    url = reverse("households:review_preview", args=[trungyen_household.code, YEAR])
    html = client.post(url, {"income_total_12m": typed}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="live-panel").content.decode()
    assert "Tổng thu nhập phải là một số đồng không âm" in html
