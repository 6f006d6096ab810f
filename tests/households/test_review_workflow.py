"""The workflow of Decision 24/2021/QĐ-TTg per commune and year: every allowed and refused transition, the 50 %
rule of the village meeting, posting, complaints, recognition and its lock, the district's confirmation and
reopening, and the regular review during the year."""
import datetime as dt
import itertools

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from households import services
from households.models import (
    AnnualReview,
    ApplicationRequest,
    ApplicationStatus,
    ComplaintStatus,
    MeetingOutcome,
    PublicPosting,
    ReviewAction,
    ReviewKind,
    ReviewSettings,
    ReviewState,
    VillageMeeting,
)
from tests.households.review_fixtures import make_household, make_old_village, save, trungyen_household  # noqa: F401

pytestmark = pytest.mark.django_db
S = ReviewState
YEAR = 2024
DAY = dt.date(2024, 10, 1)


@pytest.fixture
def review(trungyen_household, tantrao_officer):
    return save(trungyen_household, YEAR, user=tantrao_officer, day=DAY)


def supporting(review):
    meeting = VillageMeeting.objects.create(round=review.round, village=review.village, held_on=dt.date(2024, 10, 10),
                                            attendance=40, agreeing=30, outcome=MeetingOutcome.AGREED)
    posting = PublicPosting.objects.create(round=review.round, village=review.village, posted_from=dt.date(2024, 10, 14),
                                           posted_until=dt.date(2024, 10, 16))
    return {"meeting": meeting, "posting": posting, "decision_number": "125/QĐ-UBND", "decision_date": dt.date(2024, 12, 10)}


ALLOWED = {
    (S.DRAFT, S.REVIEWED), (S.REVIEWED, S.DRAFT), (S.REVIEWED, S.AGREED), (S.AGREED, S.POSTED), (S.POSTED, S.RECOGNISED),
    (S.RECOGNISED, S.CONFIRMED), (S.RECOGNISED, S.DRAFT), (S.CONFIRMED, S.DRAFT),
}


@pytest.mark.parametrize("from_state,to_state", [pair for pair in itertools.permutations(S.values, 2)])
def test_every_transition_is_allowed_or_refused_per_decision_24(review, district_officer, from_state, to_state):
    AnnualReview.objects.filter(pk=review.pk).update(state=from_state)
    review.refresh_from_db()
    extra = supporting(review)
    if from_state == S.RECOGNISED or from_state == S.POSTED:
        review.posting = extra["posting"]
        review.save(update_fields=["posting"])
    needed = {S.AGREED: ["meeting"], S.POSTED: ["posting"], S.RECOGNISED: ["decision_number", "decision_date"]}.get(to_state, [])
    kwargs = {k: extra[k] for k in needed}
    call = lambda: services.review_transition(review=review, to_state=to_state, user=district_officer, note="Sai sót khi nhập", **kwargs)  # noqa: E731
    if (from_state, to_state) in ALLOWED:
        moved = call()
        assert moved.state == to_state
        assert moved.events.last().from_state == from_state and moved.events.last().by == district_officer
    else:
        with pytest.raises(ValidationError, match="các bước phải đi lần lượt"):
            call()
        review.refresh_from_db()
        assert review.state == from_state


def test_commune_officer_cannot_confirm_or_reopen(review, tantrao_officer):
    AnnualReview.objects.filter(pk=review.pk).update(state=S.RECOGNISED)
    with pytest.raises(PermissionDenied, match="Chỉ Phòng Lao động"):
        services.review_transition(review=review, to_state=S.CONFIRMED, user=tantrao_officer)
    with pytest.raises(PermissionDenied):
        services.review_reopen(review=review, user=tantrao_officer, reason="Nhập sai thu nhập")


def test_agreeing_needs_an_agreeing_meeting_of_the_same_village(review, tantrao_officer):
    services.review_transition(review=review, to_state=S.REVIEWED, user=tantrao_officer)
    with pytest.raises(ValidationError, match="Chỉ họp thôn"):
        services.review_transition(review=review, to_state=S.AGREED, user=tantrao_officer)
    other = make_old_village("02539", "Thôn Khác")
    meeting = VillageMeeting.objects.create(round=review.round, village=other, held_on=dt.date(2024, 10, 10), attendance=10, agreeing=9, outcome=MeetingOutcome.AGREED)
    with pytest.raises(ValidationError, match="không phải của thôn"):
        services.review_transition(review=review, to_state=S.AGREED, user=tantrao_officer, meeting=meeting)


def village_of_reviews(n, user):
    village = make_old_village("02539", "Thôn Đồng Giang")
    reviews = []
    for i in range(n):
        hh = make_household(old_commune="02539", new_commune="02545", village=village, head=f"Hộ {i}")
        r = save(hh, YEAR, user=user, day=DAY)
        reviews.append(services.review_transition(review=r, to_state=S.REVIEWED, user=user))
    return village, reviews


def test_half_of_those_present_agreeing_is_enough_at_the_village_meeting(tantrao_officer):
    village, reviews = village_of_reviews(2, tantrao_officer)
    meeting = services.village_meeting_record(commune=reviews[0].commune, year=YEAR, village=village, held_on=dt.date(2024, 10, 20),
                                              attendance=100, agreeing=50, user=tantrao_officer, chaired_by="Trưởng thôn")
    assert meeting.outcome == MeetingOutcome.AGREED and meeting.review_count == 2
    assert set(AnnualReview.objects.filter(village=village).values_list("state", flat=True)) == {S.AGREED}
    assert AnnualReview.objects.filter(village=village, meeting=meeting).count() == 2


def test_under_half_agreeing_sends_the_villages_reviews_back_to_the_survey(tantrao_officer):
    village, reviews = village_of_reviews(2, tantrao_officer)
    meeting = services.village_meeting_record(commune=reviews[0].commune, year=YEAR, village=village, held_on=dt.date(2024, 10, 20),
                                              attendance=100, agreeing=49, user=tantrao_officer)
    assert meeting.outcome == MeetingOutcome.REDO
    for r in AnnualReview.objects.filter(village=village):
        assert r.state == S.DRAFT
        event = r.events.last()
        assert event.action == ReviewAction.REDO and "49/100" in event.note and "dưới 50 %" in event.note


def test_a_meeting_with_impossible_figures_or_nothing_to_agree_is_refused(tantrao_officer, review):
    with pytest.raises(ValidationError):
        services.village_meeting_record(commune=review.commune, year=YEAR, village=review.village, held_on=dt.date(2024, 10, 20),
                                        attendance=10, agreeing=11, user=tantrao_officer)
    with pytest.raises(ValidationError, match="chưa có phiếu rà soát nào đã hoàn thành"):
        services.village_meeting_record(commune=review.commune, year=YEAR, village=review.village, held_on=dt.date(2024, 10, 20),
                                        attendance=10, agreeing=10, user=tantrao_officer)


def run_to_posted(user, n=2):
    village, reviews = village_of_reviews(n, user)
    commune = reviews[0].commune
    services.village_meeting_record(commune=commune, year=YEAR, village=village, held_on=dt.date(2024, 10, 18), attendance=60, agreeing=45, user=user)
    posting = services.posting_record(commune=commune, year=YEAR, village=village, posted_from=dt.date(2024, 10, 25), user=user)
    return commune, village, posting


def test_posting_lasts_three_working_days_by_default(tantrao_officer):
    commune, village, posting = run_to_posted(tantrao_officer)
    assert posting.posted_from == dt.date(2024, 10, 25)  # a Friday
    assert posting.posted_until == dt.date(2024, 10, 29)  # Friday, Monday, Tuesday
    assert set(AnnualReview.objects.filter(village=village).values_list("state", flat=True)) == {S.POSTED}
    ReviewSettings.objects.filter(pk=1).update(posting_working_days=5)
    assert services.add_working_days(dt.date(2024, 10, 25), 5) == dt.date(2024, 10, 31)


def test_recognition_waits_for_the_end_of_posting_and_for_complaints(tantrao_officer):
    commune, village, posting = run_to_posted(tantrao_officer)
    with pytest.raises(ValidationError, match="chưa hết thời gian niêm yết"):
        services.round_recognise(commune=commune, year=YEAR, decision_number="12/QĐ-UBND", decision_date=dt.date(2024, 10, 29), user=tantrao_officer)
    first, second = AnnualReview.objects.filter(village=village).order_by("household__code")
    complaint = services.complaint_record(review=first, received_on=dt.date(2024, 10, 28), complainant="Nguyễn Văn Bình",
                                          content="Hộ có xe tải, thu nhập cao hơn kê khai", user=tantrao_officer)
    rnd, done, left = services.round_recognise(commune=commune, year=YEAR, decision_number="12/QĐ-UBND", decision_date=dt.date(2024, 11, 5), user=tantrao_officer)
    assert done == 1 and "còn khiếu nại" in left[0]
    first.refresh_from_db(); second.refresh_from_db()
    assert (first.state, second.state) == (S.POSTED, S.RECOGNISED)
    assert (second.decision_number, second.decision_date) == ("12/QĐ-UBND", dt.date(2024, 11, 5))
    assert (rnd.decision_number, rnd.recognised_by) == ("12/QĐ-UBND", tantrao_officer)
    # the re-check corrects the result while the complaint is open, then closes it
    services.review_save(household=first.household, year=YEAR, income_per_capita_month=2_100_000, version=first.version, user=tantrao_officer)
    services.complaint_resolve(complaint=complaint, status=ComplaintStatus.CHANGED, resolution="Phúc tra: thu nhập 2,1 triệu", user=tantrao_officer)
    services.round_recognise(commune=commune, year=YEAR, decision_number="13/QĐ-UBND", decision_date=dt.date(2024, 11, 12), user=tantrao_officer)
    first.refresh_from_db()
    assert first.state == S.RECOGNISED and first.classification == "average"


def test_an_agreed_result_changes_only_while_a_complaint_is_open(tantrao_officer):
    commune, village, posting = run_to_posted(tantrao_officer, n=1)
    review = AnnualReview.objects.get(village=village)
    with pytest.raises(ValidationError, match="chỉ sửa khi phúc tra"):
        services.review_save(household=review.household, year=YEAR, income_per_capita_month=2_000_000, version=review.version)


def test_a_recognised_review_is_locked_until_the_district_reopens_it_with_a_reason(tantrao_officer, district_officer):
    commune, village, posting = run_to_posted(tantrao_officer, n=1)
    services.round_recognise(commune=commune, year=YEAR, decision_number="20/QĐ-UBND", decision_date=dt.date(2024, 11, 20), user=tantrao_officer)
    review = AnnualReview.objects.get(village=village)
    with pytest.raises(ValidationError, match="đã được Chủ tịch UBND xã công nhận .*20/QĐ-UBND"):
        services.review_save(household=review.household, year=YEAR, income_per_capita_month=2_000_000, version=review.version)
    with pytest.raises(ValidationError, match="Phải ghi lý do"):
        services.review_reopen(review=review, user=district_officer, reason=" ")
    reopened = services.review_reopen(review=review, user=district_officer, reason="Phúc tra của huyện: thu nhập kê khai thiếu")
    assert reopened.state == S.DRAFT and reopened.decision_number == ""
    event = reopened.events.last()
    assert (event.action, event.by, event.note) == (ReviewAction.REOPEN, district_officer, "Phúc tra của huyện: thu nhập kê khai thiếu")
    saved = services.review_save(household=review.household, year=YEAR, income_per_capita_month=2_000_000, version=reopened.version)
    assert saved.classification == "average"


def test_the_district_confirms_a_communes_recognised_results(tantrao_officer, district_officer):
    commune, village, posting = run_to_posted(tantrao_officer)
    services.round_recognise(commune=commune, year=YEAR, decision_number="20/QĐ-UBND", decision_date=dt.date(2024, 11, 20), user=tantrao_officer)
    with pytest.raises(PermissionDenied):
        services.round_confirm(commune=commune, year=YEAR, user=tantrao_officer)
    rnd, count = services.round_confirm(commune=commune, year=YEAR, user=district_officer, note="Khớp số liệu")
    assert count == 2 and rnd.confirmed_by == district_officer
    assert set(AnnualReview.objects.filter(village=village).values_list("state", flat=True)) == {S.CONFIRMED}
    actions = list(AnnualReview.objects.filter(village=village).first().events.values_list("action", flat=True))
    assert actions == ["create", "submit", "agree", "post", "recognise", "confirm"]


@pytest.mark.parametrize(
    "received,handle_from,decide_by",
    [
        (dt.date(2026, 3, 2), dt.date(2026, 3, 15), dt.date(2026, 3, 30)),
        (dt.date(2026, 3, 15), dt.date(2026, 3, 15), dt.date(2026, 3, 30)),
        (dt.date(2026, 3, 16), dt.date(2026, 4, 15), dt.date(2026, 4, 30)),
        (dt.date(2026, 12, 20), dt.date(2027, 1, 15), dt.date(2027, 1, 30)),
    ],
)
def test_applications_are_handled_from_the_15th_and_decided_within_15_days(db, received, handle_from, decide_by):
    assert services.application_dates(received) == (handle_from, decide_by)


def test_the_regular_review_uses_the_same_record_and_a_refusal_needs_reasons(trungyen_household, tantrao_officer):
    application = services.application_receive(household=trungyen_household, received_on=dt.date(2026, 3, 2),
                                               request=ApplicationRequest.POOR, user=tantrao_officer, reason="Chồng ốm nặng")
    assert application.commune.name == "Xã Tân Trào"
    review = save(trungyen_household, 2026, user=tantrao_officer, day=dt.date(2026, 3, 16))
    application.refresh_from_db()
    assert review.kind == ReviewKind.REGULAR and application.review == review and application.status == ApplicationStatus.REVIEWING
    with pytest.raises(ValidationError, match="phải có lý do"):
        services.application_decide(application=application, approved=False, decided_on=dt.date(2026, 3, 25), user=tantrao_officer)
    with pytest.raises(ValidationError, match="phải họp thôn và niêm yết"):
        services.application_decide(application=application, approved=True, decided_on=dt.date(2026, 3, 25), user=tantrao_officer)
    refused = services.application_decide(application=application, approved=False, decided_on=dt.date(2026, 3, 25), user=tantrao_officer,
                                          refusal_reason="Thu nhập bình quân trên chuẩn nghèo")
    assert refused.status == ApplicationStatus.REFUSED


def test_an_approved_application_recognises_the_posted_review(trungyen_household, tantrao_officer):
    application = services.application_receive(household=trungyen_household, received_on=dt.date(2026, 3, 2),
                                               request=ApplicationRequest.POOR, user=tantrao_officer)
    review = save(trungyen_household, 2026, user=tantrao_officer, day=dt.date(2026, 3, 16))
    review = services.review_transition(review=review, to_state=S.REVIEWED, user=tantrao_officer)
    services.village_meeting_record(commune=review.commune, year=2026, village=review.village, held_on=dt.date(2026, 3, 18),
                                    attendance=20, agreeing=15, user=tantrao_officer)
    services.posting_record(commune=review.commune, year=2026, village=review.village, posted_from=dt.date(2026, 3, 19), user=tantrao_officer)
    done = services.application_decide(application=application, approved=True, decided_on=dt.date(2026, 3, 27), user=tantrao_officer,
                                       decision_number="31/QĐ-UBND")
    review.refresh_from_db()
    assert done.status == ApplicationStatus.APPROVED and review.state == S.RECOGNISED and review.decision_number == "31/QĐ-UBND"
