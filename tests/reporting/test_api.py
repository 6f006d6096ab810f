"""The API of docs/api.md: `reports/` (start, status with progress and checksum, download, filters kind/year/unit),
`obligations/` and `submissions/`."""
from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from households.models import Classification
from reporting.models import DownloadLog, GeneratedReport

from .conftest import make_review

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client):
    def login(user):
        client.force_login(user)
        return client
    return login


def test_the_district_starts_a_report_polls_its_state_and_downloads_it(api, district_officer, tantrao, settings, django_capture_on_commit_callbacks):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    make_review(commune=tantrao, year=2025, classification=Classification.POOR)
    client = api(district_officer)
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post("/api/v1/reports/", {"kind": "annual", "year": 2025, "unit": "076"}, content_type="application/json")
    assert started.status_code == 202
    body = started.json()
    assert body["state"] == "pending" and body["progress"] == 0 and body["edition"] == "full"
    status = client.get(f"/api/v1/reports/{body['id']}/").json()
    assert status["state"] == "succeeded" and status["progress"] == 100 and len(status["checksum"]) == 64
    assert status["download"].endswith(f"/api/v1/reports/{body['id']}/download/")
    response = client.get(f"/api/v1/reports/{body['id']}/download/")
    content = b"".join(response.streaming_content)
    assert response.status_code == 200 and hashlib.sha256(content).hexdigest() == status["checksum"]
    assert response["Content-Disposition"].startswith('attachment; filename="bao-cao-annual-2025-076-du-thao-danh-sach-ho-v1.xlsx"')
    assert DownloadLog.objects.get().via_api is True


def test_reports_filter_by_kind_year_and_unit(api, district_officer, tantrao):
    from households.structure import program_area
    from reporting.models import ReportKind

    annual = ReportKind.objects.get(code="annual")
    for year, unit in ((2024, program_area()), (2025, program_area()), (2025, tantrao)):
        GeneratedReport.objects.create(kind=annual, year=year, unit=unit)
    client = api(district_officer)
    assert client.get("/api/v1/reports/?year=2025").json()["count"] == 2
    assert client.get("/api/v1/reports/?year=2025&unit=02545").json()["count"] == 1
    assert client.get("/api/v1/reports/?kind=five_year").json()["count"] == 0


def test_a_period_the_kind_does_not_have_is_refused_in_vietnamese(api, district_officer):
    response = api(district_officer).post("/api/v1/reports/", {"kind": "five_year", "year": 2024}, content_type="application/json")
    assert response.status_code == 400 and "không có kỳ báo cáo năm 2024" in response.json()["year"][0]


def test_a_reused_unit_code_means_the_unit_in_force_on_the_due_date(api, district_officer):
    client = api(district_officer)
    old = client.post("/api/v1/reports/", {"kind": "annual", "year": 2023, "unit": "02554", "edition": "summary"}, content_type="application/json").json()
    new = client.post("/api/v1/reports/", {"kind": "annual", "year": 2026, "unit": "02554", "edition": "summary"}, content_type="application/json").json()
    assert old["unit_name"] == "Xã Bình Yên" and new["unit_name"] == "Xã Minh Thanh"


def test_a_commune_fills_in_and_submits_its_report_through_the_api(api, tantrao_officer, tantrao_obligation):
    client = api(tantrao_officer)
    owed = client.get("/api/v1/obligations/?year=2026").json()
    assert [o["commune"] for o in owed["results"]] == ["02545"] and owed["results"][0]["due_date"] == "2026-12-10"
    created = client.post("/api/v1/submissions/", {"obligation": tantrao_obligation.pk, "narrative": "Kết quả năm 2026.", "comments": {"poor": "Đúng"}}, content_type="application/json")
    assert created.status_code == 201
    sub = created.json()
    assert {f["key"] for f in sub["figures"]} >= {"households", "poor", "poor_rate"}
    stale = client.patch(f"/api/v1/submissions/{sub['id']}/", {"narrative": "Sửa", "version": sub["version"] + 5}, content_type="application/json")
    assert stale.status_code == 409
    ok = client.patch(f"/api/v1/submissions/{sub['id']}/", {"narrative": "Kết quả năm 2026, đã sửa.", "version": sub["version"]}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["comments"] == {"poor": "Đúng"}
    sent = client.post(f"/api/v1/submissions/{sub['id']}/submit/")
    assert sent.status_code == 200 and sent.json()["state"] == "submitted"
    again = client.post(f"/api/v1/submissions/{sub['id']}/submit/")
    assert again.status_code == 400


def test_the_district_returns_a_report_through_the_api_with_a_reason(api, tantrao_officer, district_officer, tantrao_obligation):
    from reporting import services

    services.submission_save(obligation=tantrao_obligation, user=tantrao_officer, narrative="Nội dung.")
    services.submission_submit(obligation=tantrao_obligation, user=tantrao_officer)
    client = api(district_officer)
    missing = client.post(f"/api/v1/obligations/{tantrao_obligation.pk}/return/", {}, content_type="application/json")
    assert missing.status_code == 400
    done = client.post(f"/api/v1/obligations/{tantrao_obligation.pk}/return/", {"reason": "Thiếu phụ lục."}, content_type="application/json")
    assert done.status_code == 200 and done.json()["state"] == "returned" and done.json()["return_reason"] == "Thiếu phụ lục."


def test_the_obligations_list_does_not_grow_in_queries_with_its_rows(api, district_officer, deadline_2026, django_assert_max_num_queries):
    client = api(district_officer)
    with django_assert_max_num_queries(8):
        data = client.get("/api/v1/obligations/?year=2026&page_size=100").json()
    assert data["count"] == deadline_2026.obligations.count() > 15
    assert dt.date.fromisoformat(data["results"][0]["due_date"]) == dt.date(2026, 12, 10)


def test_a_word_draft_is_asked_for_with_format_docx_and_downloads_as_a_word_document(api, district_officer, tantrao, settings,
                                                                                     django_capture_on_commit_callbacks):
    import io

    from docx import Document

    settings.CELERY_TASK_ALWAYS_EAGER = True
    make_review(commune=tantrao, year=2025, classification=Classification.POOR)
    client = api(district_officer)
    bad = client.post("/api/v1/reports/", {"kind": "annual", "year": 2025, "format": "pdf"}, content_type="application/json")
    assert bad.status_code == 400 and "format" in bad.json()
    with django_capture_on_commit_callbacks(execute=True):
        started = client.post("/api/v1/reports/", {"kind": "annual", "year": 2025, "unit": "076", "edition": "summary", "format": "docx"},
                              content_type="application/json")
    assert started.status_code == 202 and started.json()["format"] == "docx"
    report_id = started.json()["id"]
    assert [r["format"] for r in client.get("/api/v1/reports/").json()["results"]] == ["docx"]
    response = client.get(f"/api/v1/reports/{report_id}/download/")
    content = b"".join(response.streaming_content)
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response["Content-Disposition"].startswith('attachment; filename="bao-cao-annual-2025-076-du-thao-v1.docx"')
    assert hashlib.sha256(content).hexdigest() == GeneratedReport.objects.get(pk=report_id).checksum
    text = "\n".join(p.text for p in Document(io.BytesIO(content)).paragraphs)
    assert "BÁO CÁO" in text
