"""The steps recorded from the review board, as an officer types them: a refused step keeps every value and shows
its error beside the field; a meeting under 50 % is confirmed before a village is sent back; a mistyped meeting is
corrected the same day with the reason kept; a whole village moves one step at once."""
import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from households import services
from households.models import AnnualReview, ReviewEvent, ReviewState, VillageMeeting
from tests.households.review_fixtures import make_household, make_old_village, save

pytestmark = pytest.mark.django_db
YEAR = 2025


@pytest.fixture
def village_reviews(tantrao_officer):
    """Three households of Thôn Cầu Trâu (former Trung Yên, in Tân Trào since 1/7/2025), surveyed and waiting for
    the village meeting."""
    village = make_old_village("02539", "Thôn Cầu Trâu")
    reviews = []
    for head in ("Bàn Văn Lợi", "Triệu Văn Hùng", "Lý Thị Hoa"):
        hh = make_household(old_commune="02539", new_commune="02545", village=village, head=head, ethnic="09")
        review = save(hh, YEAR, day=dt.date(YEAR, 10, 1))
        reviews.append(services.review_transition(review=review, to_state=ReviewState.REVIEWED, user=tantrao_officer))
    return reviews


def meeting_post(review, **values):
    return {"year": YEAR, "commune": review.commune_id, "village": review.village_id, "held_on": "10/10/2025",
            "chaired_by": "Hoàng Văn Chiến", **values}


def states(reviews):
    return sorted(AnnualReview.objects.filter(pk__in=[r.pk for r in reviews]).values_list("state", flat=True))


def field_block(html: str, name: str) -> str:
    """The `_field.html` block of one field (label, input, help, errors)."""
    match = re.search(rf'<div class="field[^"]*">\s*<label for="id_{name}">.*?</div>', html, re.S)
    assert match, f"no field {name}"
    return match.group(0)


def test_more_agreeing_than_present_keeps_every_value_and_shows_the_error_beside_the_field(client, tantrao_officer, village_reviews):
    client.force_login(tantrao_officer)
    r = client.post(reverse("households:review_meeting"), meeting_post(village_reviews[0], attendance=20, agreeing=25))
    assert r.status_code == 400
    html = r.content.decode()
    agreeing = field_block(html, "agreeing")
    assert "has-error" in agreeing and "Số người đồng ý (25) không được lớn hơn số người dự họp (20)." in agreeing
    assert 'value="25"' in agreeing and 'value="20"' in field_block(html, "attendance")
    assert 'value="Hoàng Văn Chiến"' in field_block(html, "chaired_by")
    assert re.search(rf'<option value="{village_reviews[0].village_id}" selected>', field_block(html, "village"))
    assert not VillageMeeting.objects.exists()
    assert states(village_reviews) == [ReviewState.REVIEWED] * 3


def test_a_meeting_under_half_is_confirmed_before_the_village_goes_back(client, tantrao_officer, village_reviews):
    client.force_login(tantrao_officer)
    url = reverse("households:review_meeting")
    r = client.post(url, meeting_post(village_reviews[0], attendance=18, agreeing=8))
    assert r.status_code == 400
    html = r.content.decode()
    assert "Chỉ 8/18 người đồng ý (dưới 50 %)" in html and 'name="confirm_redo"' in html
    assert not VillageMeeting.objects.exists() and states(village_reviews) == [ReviewState.REVIEWED] * 3

    r = client.post(url, meeting_post(village_reviews[0], attendance=18, agreeing=8, confirm_redo="on"), follow=True)
    assert "chỉ 8/18 người đồng ý (dưới 50 %)" in r.content.decode()
    assert VillageMeeting.objects.get().outcome == "redo"
    assert states(village_reviews) == [ReviewState.DRAFT] * 3
    # Exactly half agrees: no confirmation is asked (Decision 24: at least 50 %).
    services.village_reviews_bulk(commune=village_reviews[0].commune, year=YEAR, village=village_reviews[0].village, action="submit", user=tantrao_officer)
    r = client.post(url, meeting_post(village_reviews[0], attendance=18, agreeing=9))
    assert r.status_code == 302 and states(village_reviews) == [ReviewState.AGREED] * 3


def test_a_mistyped_meeting_is_corrected_the_same_day_and_its_reviews_follow(client, tantrao_officer, village_reviews):
    client.force_login(tantrao_officer)
    client.post(reverse("households:review_meeting"), meeting_post(village_reviews[0], attendance=18, agreeing=8, confirm_redo="on"))
    meeting = VillageMeeting.objects.get()
    board = client.get(reverse("households:review_board"), {"year": YEAR, "commune": village_reviews[0].commune_id}).content.decode()
    assert reverse("households:review_meeting_correct", args=[meeting.pk]) in board

    url = reverse("households:review_meeting_correct", args=[meeting.pk])
    base = {"year": YEAR, "commune": village_reviews[0].commune_id, f"m{meeting.pk}-attendance": 18, f"m{meeting.pk}-agreeing": 16,
            f"m{meeting.pk}-chaired_by": "Hoàng Văn Chiến"}
    r = client.post(url, base)
    assert r.status_code == 400 and "Trường này là bắt buộc" in field_block(r.content.decode(), f"m{meeting.pk}-reason")
    r = client.post(url, {**base, f"m{meeting.pk}-reason": "Gõ nhầm 8 thay cho 16"})
    assert r.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.agreeing, meeting.outcome) == (16, "agreed")
    assert meeting.corrections[0]["reason"] == "Gõ nhầm 8 thay cho 16"
    assert meeting.corrections[0]["before"] == {"attendance": 18, "agreeing": 8, "outcome": "redo", "chaired_by": "Hoàng Văn Chiến"}
    assert states(village_reviews) == [ReviewState.AGREED] * 3
    # Each review's history says what happened: back to the survey, then agreed by the correction.
    notes = list(ReviewEvent.objects.filter(review=village_reviews[0]).order_by("id").values_list("note", flat=True))
    assert "dưới 50 %" in notes[-2] and notes[-1].startswith("Sửa biên bản họp thôn ngày 10/10/2025 (Gõ nhầm 8 thay cho 16): 16/18")


def test_a_meeting_cannot_be_corrected_the_next_day(tantrao_officer, village_reviews):
    meeting = services.village_meeting_record(commune=village_reviews[0].commune, year=YEAR, village=village_reviews[0].village,
                                              held_on=dt.date(2025, 10, 10), attendance=18, agreeing=8, user=tantrao_officer)
    VillageMeeting.objects.filter(pk=meeting.pk).update(recorded_at=timezone.now() - dt.timedelta(days=1))
    with pytest.raises(services.ValidationError, match="Chỉ sửa được biên bản họp trong ngày ghi"):
        services.village_meeting_correct(meeting=meeting, attendance=18, agreeing=16, reason="Gõ nhầm", user=tantrao_officer)


def test_a_correction_that_changes_the_outcome_is_refused_once_a_review_moved_on(tantrao_officer, village_reviews):
    meeting = services.village_meeting_record(commune=village_reviews[0].commune, year=YEAR, village=village_reviews[0].village,
                                              held_on=dt.date(2025, 10, 10), attendance=18, agreeing=8, user=tantrao_officer)
    services.review_transition(review=village_reviews[1], to_state=ReviewState.REVIEWED, user=tantrao_officer)
    with pytest.raises(services.ValidationError, match="1 phiếu đã sang bước khác"):
        services.village_meeting_correct(meeting=meeting, attendance=18, agreeing=16, reason="Gõ nhầm", user=tantrao_officer)
    # A correction that keeps the outcome (the chair's name, the minutes) is still possible.
    services.village_meeting_correct(meeting=meeting, attendance=18, agreeing=7, reason="Đếm lại", user=tantrao_officer)
    meeting.refresh_from_db()
    assert meeting.agreeing == 7 and len(meeting.corrections) == 1


def test_a_whole_village_completes_its_survey_or_goes_back_at_once(client, tantrao_officer, minhthanh_officer, village_reviews):
    services.village_reviews_bulk(commune=village_reviews[0].commune, year=YEAR, village=village_reviews[0].village, action="send_back", user=tantrao_officer)
    assert states(village_reviews) == [ReviewState.DRAFT] * 3
    url = reverse("households:review_village_bulk")
    post = {"year": YEAR, "commune": village_reviews[0].commune_id, "village": village_reviews[0].village_id, "action": "submit"}
    client.force_login(minhthanh_officer)
    assert client.post(url, post).status_code == 404
    assert states(village_reviews) == [ReviewState.DRAFT] * 3
    client.force_login(tantrao_officer)
    r = client.post(url, post, follow=True)
    assert "3 phiếu đã hoàn thành rà soát, chờ họp thôn." in r.content.decode()
    assert states(village_reviews) == [ReviewState.REVIEWED] * 3
    r = client.post(url, post)
    assert r.status_code == 400 and "không còn phiếu nào ở bước «Đang rà soát»" in r.content.decode()
    r = client.post(url, {**post, "action": "send_back"}, follow=True)
    assert "3 phiếu được trả lại bước rà soát." in r.content.decode()
    assert states(village_reviews) == [ReviewState.DRAFT] * 3


def test_recognition_says_why_the_other_households_wait(client, tantrao_officer, village_reviews):
    commune, village = village_reviews[0].commune, village_reviews[0].village
    services.village_meeting_record(commune=commune, year=YEAR, village=village, held_on=dt.date(2025, 10, 10), attendance=18, agreeing=16, user=tantrao_officer)
    services.posting_record(commune=commune, year=YEAR, village=village, posted_from=dt.date(2025, 10, 13), posted_until=dt.date(2025, 10, 15), user=tantrao_officer)
    village_reviews[2].refresh_from_db()
    services.complaint_record(review=village_reviews[2], received_on=dt.date(2025, 10, 14), complainant="Lý Văn Sơn", content="Hộ có xe máy mới", user=tantrao_officer)
    client.force_login(tantrao_officer)
    r = client.post(reverse("households:review_recognise"), {"year": YEAR, "commune": commune.pk, "decision_number": "12/QĐ-UBND",
                                                            "decision_date": "20/10/2025"}, follow=True)
    text = r.content.decode()
    code = village_reviews[2].household.code
    assert "2 hộ được công nhận." in text and f"1 hộ chưa đủ điều kiện: Hộ {code}: còn khiếu nại chưa phúc tra xong." in text


def test_a_refused_recognition_keeps_the_decision_number(client, tantrao_officer, village_reviews):
    client.force_login(tantrao_officer)
    r = client.post(reverse("households:review_recognise"), {"year": YEAR, "commune": village_reviews[0].commune_id,
                                                            "decision_number": "12/QĐ-UBND", "decision_date": "20/10/2025"})
    assert r.status_code == 400
    html = r.content.decode()
    assert 'value="12/QĐ-UBND"' in html and "Không có kết quả nào đủ điều kiện công nhận" in html


def test_the_printed_meeting_list_shows_the_later_of_two_meetings_on_one_day(client, tantrao_officer, village_reviews):
    commune, village = village_reviews[0].commune, village_reviews[0].village
    day = dt.date(2025, 10, 10)
    services.village_meeting_record(commune=commune, year=YEAR, village=village, held_on=day, attendance=18, agreeing=8, user=tantrao_officer)
    services.village_reviews_bulk(commune=commune, year=YEAR, village=village, action="submit", user=tantrao_officer)
    services.village_meeting_record(commune=commune, year=YEAR, village=village, held_on=day, attendance=18, agreeing=15, user=tantrao_officer)
    client.force_login(tantrao_officer)
    html = client.get(reverse("households:review_print", args=["meeting"]), {"year": YEAR, "commune": commune.pk, "village": village.pk}).content.decode()
    assert "ngày 10/10/2025, 15/18 người đồng ý" in html and "8/18" not in html
