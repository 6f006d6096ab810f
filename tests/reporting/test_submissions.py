"""Submissions: computed figures the submitter can only comment on, narrative and attachments, on time or late in
Asia/Ho_Chi_Minh, accepted or returned with a reason, and who may do what."""
from __future__ import annotations

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from households.errors import StaleVersion
from households.models import Change, Classification
from reporting import services
from reporting.models import Notification, ObligationState, Submission

from .conftest import make_review, vn

pytestmark = pytest.mark.django_db


def test_the_commune_report_is_prefilled_with_the_communes_review_results(tantrao_obligation, tantrao):
    # Four households of Tân Trào: one poor in 2024, out in 2025, poor again in 2026 (fell back); one poor in 2025,
    # near-poor in 2026 (escaped); one not poor; one whose 2026 review is still a draft (not official: neither).
    back = make_review(commune=tantrao, year=2024, classification=Classification.POOR).household
    make_review(commune=tantrao, year=2025, household=back)
    make_review(commune=tantrao, year=2026, household=back, classification=Classification.POOR)
    out = make_review(commune=tantrao, year=2025, classification=Classification.POOR).household
    make_review(commune=tantrao, year=2026, household=out, classification=Classification.NEAR_POOR)
    make_review(commune=tantrao, year=2026)
    make_review(commune=tantrao, year=2026, classification=Classification.POOR, state="draft")
    figures = {f["key"]: f["value"] for f in services.figures.obligation_figures(obligation=tantrao_obligation)}
    assert figures["households"] == 4 and figures["reviewed"] == 4
    assert figures["poor_start"] == 1 and figures["poor_escaped"] == 1
    assert figures["poor"] == 1 and figures["poor_fell_back"] == 1
    assert figures["near_poor"] == 1
    assert figures["poor_rate"] == 25.0


def test_saving_a_draft_keeps_comments_on_figures_and_moves_the_state(tantrao_obligation, tantrao_officer):
    sub = services.submission_save(
        obligation=tantrao_obligation, user=tantrao_officer, narrative="Kết quả giảm nghèo năm 2026.",
        comments={"poor": "Có 2 hộ mới chuyển đến chưa rà soát."},
    )
    tantrao_obligation.refresh_from_db()
    assert tantrao_obligation.state == ObligationState.DRAFT
    assert sub.comments == {"poor": "Có 2 hộ mới chuyển đến chưa rà soát."}


def test_a_comment_on_a_figure_that_does_not_exist_is_refused(tantrao_obligation, tantrao_officer):
    with pytest.raises(ValidationError) as err:
        services.submission_save(obligation=tantrao_obligation, user=tantrao_officer, comments={"made_up": "…"})
    assert "made_up" in str(err.value)


def test_figures_are_frozen_when_the_report_is_submitted(tantrao_obligation, tantrao_officer, tantrao):
    make_review(commune=tantrao, year=2026, classification=Classification.POOR, change=Change.NEWLY_POOR)
    services.submission_save(obligation=tantrao_obligation, user=tantrao_officer, narrative="Báo cáo.")
    services.submission_submit(obligation=tantrao_obligation, user=tantrao_officer, now=vn(2026, 12, 1, 9))
    make_review(commune=tantrao, year=2026, classification=Classification.POOR, change=Change.NEWLY_POOR)
    frozen = {f["key"]: f["value"] for f in Submission.objects.get(obligation=tantrao_obligation).figures}
    assert frozen["poor"] == 1  # the second poor household came after the report was sent


def test_a_report_sent_on_the_evening_of_9_december_is_on_time_and_one_sent_after_midnight_is_late(deadline_2026, tantrao, minhthanh, tantrao_officer, minhthanh_officer):
    on_time = deadline_2026.obligations.get(commune=tantrao)
    late = deadline_2026.obligations.get(commune=minhthanh)
    for ob, user in ((on_time, tantrao_officer), (late, minhthanh_officer)):
        services.submission_save(obligation=ob, user=user, narrative="Nội dung.")
    # 23:59 on 9 December in Sơn Dương is 16:59 UTC; 00:00 on 10 December is 17:00 UTC on the 9th.
    services.submission_submit(obligation=on_time, user=tantrao_officer, now=vn(2026, 12, 9, 23, 59))
    services.submission_submit(obligation=late, user=minhthanh_officer, now=vn(2026, 12, 10, 0, 0))
    on_time.refresh_from_db(); late.refresh_from_db()
    assert on_time.on_time is True and on_time.status_label == "Đã nộp đúng hạn"
    assert late.on_time is False and late.status_label == "Đã nộp muộn"


def test_a_report_cannot_be_submitted_without_its_narrative(tantrao_obligation, tantrao_officer):
    with pytest.raises(ValidationError):
        services.submission_submit(obligation=tantrao_obligation, user=tantrao_officer)


def test_a_submitted_report_cannot_be_edited(tantrao_obligation, tantrao_officer):
    services.submission_save(obligation=tantrao_obligation, user=tantrao_officer, narrative="Nội dung.")
    services.submission_submit(obligation=tantrao_obligation, user=tantrao_officer)
    with pytest.raises(ValidationError):
        services.submission_save(obligation=tantrao_obligation, user=tantrao_officer, narrative="Sửa sau khi nộp")


def test_the_district_returns_a_report_with_a_reason_and_the_commune_resubmits(tantrao_obligation, tantrao_officer, district_officer, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    tantrao_officer.email = "tantrao@example.vn"
    tantrao_officer.save()
    services.submission_save(obligation=tantrao_obligation, user=tantrao_officer, narrative="Nội dung.")
    services.submission_submit(obligation=tantrao_obligation, user=tantrao_officer, now=vn(2026, 12, 1))
    with pytest.raises(ValidationError):
        services.obligation_return(obligation=tantrao_obligation, user=district_officer, reason="   ")
    services.obligation_return(obligation=tantrao_obligation, user=district_officer, reason="Thiếu số liệu hộ cận nghèo.", now=vn(2026, 12, 2))
    tantrao_obligation.refresh_from_db()
    assert tantrao_obligation.state == ObligationState.RETURNED
    assert Notification.objects.filter(user=tantrao_officer, kind="returned").exists()
    assert len(mail.outbox) == 1 and "Thiếu số liệu hộ cận nghèo." in mail.outbox[0].body
    services.submission_save(obligation=tantrao_obligation, user=tantrao_officer, narrative="Đã bổ sung.")
    services.submission_submit(obligation=tantrao_obligation, user=tantrao_officer, now=vn(2026, 12, 12))
    tantrao_obligation.refresh_from_db()
    # On time is decided by the first submission: the correction after the due date does not make it late.
    assert tantrao_obligation.state == ObligationState.SUBMITTED and tantrao_obligation.on_time is True
    services.obligation_accept(obligation=tantrao_obligation, user=district_officer)
    tantrao_obligation.refresh_from_db()
    assert tantrao_obligation.state == ObligationState.ACCEPTED


def test_two_people_saving_the_same_draft_the_second_is_refused(tantrao_obligation, tantrao_officer):
    first = services.submission_save(obligation=tantrao_obligation, user=tantrao_officer, narrative="A")
    services.submission_save(obligation=tantrao_obligation, user=tantrao_officer, narrative="B", version=first.version)
    with pytest.raises(StaleVersion):
        services.submission_save(obligation=tantrao_obligation, user=tantrao_officer, narrative="C", version=first.version)


def test_an_officer_of_another_commune_cannot_fill_in_tan_traos_report(tantrao_obligation, minhthanh_officer):
    with pytest.raises(ValidationError):
        services.submission_save(obligation=tantrao_obligation, user=minhthanh_officer, narrative="Không phải xã mình")


def test_an_agency_officer_fills_in_only_the_agencys_own_report(bank_obligation, deadline_2026, bank_officer):
    services.submission_save(obligation=bank_obligation, user=bank_officer, narrative="Cho vay hộ nghèo.")
    other = deadline_2026.obligations.get(agency__code="YTE")
    with pytest.raises(ValidationError):
        services.submission_save(obligation=other, user=bank_officer, narrative="Không phải đơn vị mình")


def test_a_commune_officer_cannot_accept_reports(tantrao_obligation, tantrao_officer):
    services.submission_save(obligation=tantrao_obligation, user=tantrao_officer, narrative="Nội dung.")
    services.submission_submit(obligation=tantrao_obligation, user=tantrao_officer)
    with pytest.raises(ValidationError):
        services.obligation_accept(obligation=tantrao_obligation, user=tantrao_officer)


def test_attachments_accept_documents_up_to_10_mb_only(tantrao_obligation, tantrao_officer):
    pdf = SimpleUploadedFile("Báo cáo xã Tân Trào.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    att = services.attachment_add(obligation=tantrao_obligation, user=tantrao_officer, upload=pdf)
    assert att.name == "Báo cáo xã Tân Trào.pdf" and att.size == 13 and len(att.sha256) == 64
    assert att.file.name.startswith(f"reporting/attachments/annual/2026/{tantrao_obligation.pk}/")
    with pytest.raises(ValidationError):
        services.attachment_add(obligation=tantrao_obligation, user=tantrao_officer, upload=SimpleUploadedFile("virus.exe", b"MZ"))
    big = SimpleUploadedFile("lon.pdf", b"0" * (10 * 1024 * 1024 + 1))
    with pytest.raises(ValidationError):
        services.attachment_add(obligation=tantrao_obligation, user=tantrao_officer, upload=big)
