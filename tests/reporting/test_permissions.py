"""The permission matrix of reporting: every role × every page and endpoint of obligations, submissions, attachments,
the generation page and the download centre. Out of scope is 404 (never a leak); a role that may not use a page
gets 403; every download is logged."""
from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from households.structure import program_area
from reporting import services
from reporting.models import DownloadLog, Edition, ReportKind

pytestmark = pytest.mark.django_db

ROLES = ["commune_officer", "other_commune_officer", "district_officer", "agency_officer", "province_viewer", "admin", "anonymous"]


@pytest.fixture
def world(personas, deadline_2026, tantrao, settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    # Who may download is the question here, not what the workbook holds (tests/reporting/test_workbook.py).
    monkeypatch.setattr("reporting.excel.build_report_workbook", lambda ctx, path, progress=None: path.write_bytes(b"PK stub " + ctx.edition.encode()))
    tt = deadline_2026.obligations.get(commune=tantrao)
    bank = deadline_2026.obligations.get(agency__code="NHCSXH")
    officer = personas["commune_officer"]
    services.submission_save(obligation=tt, user=officer, narrative="Báo cáo của xã.")
    att = services.attachment_add(obligation=tt, user=officer, upload=SimpleUploadedFile("bc.pdf", b"%PDF-1.4", content_type="application/pdf"))
    kind = ReportKind.objects.get(code="annual")

    def made(unit, edition):
        r = services.report_request(kind=kind, year=2025, unit=unit, edition=edition)
        return services.report_generate(report_id=r.pk)

    return {
        "tt": tt, "bank": bank, "att": att,
        "district_summary": made(program_area(), Edition.SUMMARY),
        "district_full": made(program_area(), Edition.FULL),
        "tantrao_summary": made(tantrao, Edition.SUMMARY),
    }


def get(client, personas, role, url, method="get", data=None):
    if role != "anonymous":
        client.force_login(personas[role])
    response = getattr(client, method)(url, data or {})
    client.logout()
    return response.status_code


PAGE_MATRIX = {
    # page: expected status per role, in ROLES order
    "obligations": [200, 200, 200, 200, 403, 200, 302],
    "tt_detail": [200, 404, 200, 404, 403, 200, 302],
    "bank_detail": [404, 404, 200, 200, 403, 200, 302],
    "attachment": [200, 404, 200, 404, 403, 200, 302],
    # A commune officer has the download centre (their commune's reports only) and the generation page (their own
    # commune, from the 2025 reports: the chain in force).
    "downloads": [200, 200, 200, 403, 200, 200, 302],
    "report_new": [200, 200, 200, 403, 403, 200, 302],
    "district_summary": [404, 404, 200, 403, 200, 200, 302],
    "district_full": [404, 404, 200, 403, 404, 200, 302],
    "tantrao_summary": [200, 404, 200, 403, 200, 200, 302],
    "district_summary_page": [404, 404, 200, 403, 200, 200, 302],
    "notifications": [200, 200, 200, 200, 200, 200, 302],
}


def page_url(world, name):
    return {
        "obligations": reverse("reporting:obligations"),
        "tt_detail": reverse("reporting:obligation_detail", args=[world["tt"].pk]),
        "bank_detail": reverse("reporting:obligation_detail", args=[world["bank"].pk]),
        "attachment": reverse("reporting:attachment_download", args=[world["tt"].pk, world["att"].pk]),
        "downloads": reverse("reporting:downloads"),
        "report_new": reverse("reporting:report_new"),
        "district_summary": reverse("reporting:report_download", args=[world["district_summary"].pk]),
        "district_full": reverse("reporting:report_download", args=[world["district_full"].pk]),
        "tantrao_summary": reverse("reporting:report_download", args=[world["tantrao_summary"].pk]),
        "district_summary_page": reverse("reporting:report_detail", args=[world["district_summary"].pk]),
        "notifications": reverse("reporting:notifications"),
    }[name]


@pytest.mark.parametrize("page", list(PAGE_MATRIX))
def test_page_permission_matrix(client, personas, world, page):
    url = page_url(world, page)
    got = [get(client, personas, role, url) for role in ROLES]
    assert got == PAGE_MATRIX[page], dict(zip(ROLES, got))


def test_every_download_is_logged_with_who_and_the_checksum(client, personas, world):
    before = DownloadLog.objects.count()
    client.force_login(personas["province_viewer"])
    response = client.get(reverse("reporting:report_download", args=[world["district_summary"].pk]))
    assert response.status_code == 200 and response["X-Checksum-SHA256"] == world["district_summary"].checksum
    b"".join(response.streaming_content)
    log = DownloadLog.objects.exclude(pk__in=range(0, before + 1)).get() if before else DownloadLog.objects.get()
    assert log.user == personas["province_viewer"] and log.checksum == world["district_summary"].checksum
    assert DownloadLog.objects.count() == before + 1


def test_only_the_labour_office_accepts_or_returns(client, personas, world):
    services.submission_submit(obligation=world["tt"], user=personas["commune_officer"])
    url = reverse("reporting:obligation_decide", args=[world["tt"].pk])
    for role in ("commune_officer", "agency_officer", "province_viewer"):
        assert get(client, personas, role, url, "post", {"action": "accept"}) == 403
    assert get(client, personas, "district_officer", url, "post", {"action": "return", "reason": "Bổ sung số liệu."}) == 302
    world["tt"].refresh_from_db()
    assert world["tt"].state == "returned"


def test_a_non_owner_cannot_change_a_submission_through_the_page(client, personas, world):
    url = reverse("reporting:obligation_detail", args=[world["tt"].pk])
    client.force_login(personas["district_officer"])
    client.post(url, {"narrative": "Huyện sửa hộ", "submit": "1"})
    world["tt"].refresh_from_db()
    assert world["tt"].state == "draft" and world["tt"].submission.narrative == "Báo cáo của xã."


API_MATRIX = {
    # (method, url name, kwargs key, data): statuses in ROLES order
    # Agencies have no generated reports and the province no obligations: their pages answer 403, so does the API.
    "reports_list": [200, 200, 200, 403, 200, 200, 401],
    # The district's report: a commune officer gets a field error (their own commune only), not a report.
    "reports_create": [400, 400, 202, 403, 403, 202, 401],
    "report_full_download": [404, 404, 200, 403, 404, 200, 401],
    "report_summary_detail": [404, 404, 200, 403, 200, 200, 401],
    "obligation_tt": [200, 404, 200, 404, 403, 200, 401],
    "obligation_accept": [403, 404, 400, 404, 403, 400, 401],
    "submission_create_tt": [200, 400, 403, 400, 403, 200, 401],
}


def api_call(client, personas, role, name, world):
    if role != "anonymous":
        client.force_login(personas[role])
    base = "/api/v1/"
    calls = {
        "reports_list": ("get", f"{base}reports/", None),
        "reports_create": ("post", f"{base}reports/", {"kind": "annual", "year": 2025, "unit": "076", "edition": "summary"}),
        "report_full_download": ("get", f"{base}reports/{world['district_full'].pk}/download/", None),
        "report_summary_detail": ("get", f"{base}reports/{world['district_summary'].pk}/", None),
        "obligation_tt": ("get", f"{base}obligations/{world['tt'].pk}/", None),
        "obligation_accept": ("post", f"{base}obligations/{world['tt'].pk}/accept/", None),
        "submission_create_tt": ("post", f"{base}submissions/", {"obligation": world["tt"].pk, "narrative": "Cập nhật"}),
    }
    method, url, data = calls[name]
    response = getattr(client, method)(url, data, content_type="application/json") if method == "post" else client.get(url)
    client.logout()
    return response.status_code


@pytest.mark.parametrize("name", list(API_MATRIX))
def test_api_permission_matrix(client, personas, world, name):
    got = [api_call(client, personas, role, name, world) for role in ROLES]
    assert got == API_MATRIX[name], dict(zip(ROLES, got))


def test_the_province_sees_only_summary_editions_in_the_api(client, personas, world):
    client.force_login(personas["province_viewer"])
    data = client.get("/api/v1/reports/?year=2025").json()
    assert {r["edition"] for r in data["results"]} == {"summary"} and data["count"] == 2
    client.force_login(personas["commune_officer"])
    data = client.get("/api/v1/reports/").json()
    assert [r["unit"] for r in data["results"]] == ["02545"]


def test_a_commune_officer_makes_their_own_communes_2025_report_and_no_other(client, personas, world, tantrao):
    """From 1 July 2025 a commune's people's committee reports itself (the chain in force on the due date)."""
    client.force_login(personas["commune_officer"])
    own = client.post("/api/v1/reports/", {"kind": "annual", "year": 2025, "unit": tantrao.code, "edition": "summary", "format": "xlsx"},
                      content_type="application/json")
    assert own.status_code == 202, own.json()
    assert own.json()["unit"] == tantrao.code and own.json()["format"] == "xlsx"
    earlier = client.post("/api/v1/reports/", {"kind": "annual", "year": 2024, "unit": tantrao.code}, content_type="application/json")
    assert earlier.status_code == 400 and "01/7/2025" in earlier.json()["unit"][0]
    other = client.post("/api/v1/reports/", {"kind": "annual", "year": 2025, "unit": "076"}, content_type="application/json")
    assert other.status_code == 400 and "xã mình" in other.json()["unit"][0]
    client.force_login(personas["other_commune_officer"])
    assert client.get(f"/api/v1/reports/{own.json()['id']}/").status_code == 404
    assert client.get(reverse("reporting:report_download", args=[own.json()["id"]])).status_code == 404
    page = client.get(reverse("reporting:report_new"))
    assert page.status_code == 200
    units = [label for value, label in page.context["form"].fields["unit"].choices]
    assert len(units) == 1 and "Tân Trào" not in units[0]


def test_a_full_editions_download_goes_to_the_personal_data_log_and_a_summary_does_not(client, personas, world):
    from accounts.models import PersonalDataAccess

    client.force_login(personas["district_officer"])
    b"".join(client.get(reverse("reporting:report_download", args=[world["district_summary"].pk])).streaming_content)
    assert not PersonalDataAccess.objects.exists()
    b"".join(client.get(reverse("reporting:report_download", args=[world["district_full"].pk])).streaming_content)
    entry = PersonalDataAccess.objects.get()
    assert (entry.user, entry.channel, entry.masked) == (personas["district_officer"], "download", False)
    assert "bản đầy đủ" in entry.what
