"""The reporting pages: a commune fills in and submits its report; the district follows compliance, starts a report
and watches its progress; the download centre lists what was made."""
from __future__ import annotations

import pytest
from django.urls import reverse

from reporting import services
from reporting.models import GeneratedReport, ObligationState

from .conftest import vn

pytestmark = pytest.mark.django_db


def test_a_commune_officer_saves_then_submits_the_report_from_its_page(client, tantrao_officer, tantrao_obligation):
    client.force_login(tantrao_officer)
    url = reverse("reporting:obligation_detail", args=[tantrao_obligation.pk])
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200 and 'id="figures"' in html and "Tổng số hộ dân cư" in html
    assert "trước ngày 10/12/2026" in html and "data-warn-unsaved" in html
    saved = client.post(url, {"narrative": "Kết quả năm 2026.", "comment_poor": "Số liệu khớp sổ xã.", "save": "1"}, follow=True)
    assert "Đã lưu bản nháp." in saved.content.decode()
    version = tantrao_obligation.submission.version
    sent = client.post(url, {"narrative": "Kết quả năm 2026.", "comment_poor": "Số liệu khớp sổ xã.", "version": version, "submit": "1"}, follow=True)
    assert "Đã nộp báo cáo." in sent.content.decode()
    tantrao_obligation.refresh_from_db()
    assert tantrao_obligation.state == ObligationState.SUBMITTED
    assert tantrao_obligation.submission.comments == {"poor": "Số liệu khớp sổ xã."}


def test_the_district_sees_who_reported_on_time(client, district_officer, tantrao_officer, tantrao_obligation):
    services.submission_save(obligation=tantrao_obligation, user=tantrao_officer, narrative="Nội dung.")
    services.submission_submit(obligation=tantrao_obligation, user=tantrao_officer, now=vn(2026, 12, 1))
    client.force_login(district_officer)
    html = client.get(reverse("reporting:obligations") + f"?deadline={tantrao_obligation.deadline_id}").content.decode()
    assert "Nộp đúng hạn" in html and "Đã nộp đúng hạn" in html and "Xã Tân Trào" in html
    assert "Ngân hàng Chính sách xã hội" in html


def test_the_district_starts_a_report_and_the_page_polls_its_progress(client, district_officer, settings, django_capture_on_commit_callbacks):
    settings.CELERY_TASK_ALWAYS_EAGER = False  # queued, not run: the page shows it waiting
    client.force_login(district_officer)
    form = client.get(reverse("reporting:report_new")).content.decode()
    assert "Biểu tổng hợp và danh sách hộ" in form
    from households.structure import program_area

    response = client.post(reverse("reporting:report_new"), {"kind": "annual", "year": 2025, "unit": program_area().pk, "variant": "draft", "edition": "full"})
    report = GeneratedReport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("reporting:report_detail", args=[report.pk])
    page = client.get(response["Location"]).content.decode()
    assert 'hx-trigger="every 1s"' in page and 'role="progressbar"' in page
    services.report_generate(report_id=report.pk)
    status = client.get(reverse("reporting:report_status", args=[report.pk])).content.decode()
    assert "hx-trigger" not in status and 'id="download"' in status and "100 %" in status


def test_the_download_centre_lists_kind_period_scope_version_and_checksum(client, province_viewer, monkeypatch):
    from households.structure import program_area
    from reporting.models import Edition, ReportKind

    monkeypatch.setattr("reporting.excel.build_report_workbook", lambda ctx, path, progress=None: path.write_bytes(b"PK"))
    kind = ReportKind.objects.get(code="annual")
    report = services.report_generate(report_id=services.report_request(kind=kind, year=2024, unit=program_area(), edition=Edition.SUMMARY).pk)
    client.force_login(province_viewer)
    html = client.get(reverse("reporting:downloads")).content.decode()
    assert "Năm 2024" in html and "Huyện Sơn Dương" in html and report.checksum[:12] in html
    assert "Lập báo cáo tổng hợp" not in html  # the province only downloads


def test_notifications_are_listed_and_marked_read(client, tantrao_officer, deadline_2026):
    services.reminders_send(now=vn(2026, 11, 26, 7))
    client.force_login(tantrao_officer)
    html = client.get(reverse("reporting:notifications")).content.decode()
    assert "Còn 14 ngày" in html
    client.post(reverse("reporting:notifications"))
    assert not tantrao_officer.notifications.filter(read_at__isnull=True).exists()
