"""Tasks: each year's assignments from the duties, who sees and updates which, progress reports, overdue and silent."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from households.errors import StaleVersion
from programs import selectors, services
from programs.models import Duty, TaskAssignment, TaskStatus, TaskUpdate
from programs.tasks import open_year_tasks
from tests.conftest import make_user, unit

pytestmark = pytest.mark.django_db


def task_of(agency_code: str, year: int = 2026, commune=None) -> TaskAssignment:
    qs = TaskAssignment.objects.filter(agency__code=agency_code, year=year)
    if commune is not None:
        qs = qs.filter(commune=commune)
    return qs.order_by("duty__order").first()


def test_opening_a_year_gives_each_duty_a_task_and_each_commune_its_own():
    created = services.tasks_open_year(year=2026)
    yearly = Duty.objects.filter(recurrence="yearly")
    district_duties = yearly.exclude(agency__code="UBNDXA").count()
    # Ten communes since 1 July 2025, seven duties each (IV.13).
    assert created == district_duties + 10 * 7
    assert services.tasks_open_year(year=2026) == 0  # idempotent
    # In 2024 the thirty units of the district each had their tasks; the five-year review only in 2025.
    services.tasks_open_year(year=2024)
    assert TaskAssignment.objects.filter(year=2024, agency__code="UBNDXA").values("commune").distinct().count() == 30
    services.tasks_open_year(year=2025)
    assert TaskAssignment.objects.filter(duty__code="V.1").count() == 1
    review = TaskAssignment.objects.filter(year=2026, duty__code="IV.13.4").first()
    assert review.due_date == dt.date(2026, 12, 14)


def test_a_year_outside_the_plan_is_refused():
    with pytest.raises(ValidationError):
        services.tasks_open_year(year=2031)


def test_the_yearly_celery_task_opens_the_year_and_is_idempotent():
    first = open_year_tasks.apply(kwargs={"year": 2026}).get()
    again = open_year_tasks.apply(kwargs={"year": 2026}).get()
    assert first["created"] > 0 and again["created"] == 0
    assert open_year_tasks.apply(kwargs={"year": 2040}).get()["created"] == 0


def test_agency_officer_posts_progress_on_its_own_task(bank_officer, tasks_2026):
    task = task_of("NHCSXH")
    update = services.task_update_post(
        user=bank_officer, task=task, status=TaskStatus.IN_PROGRESS, progress=40,
        narrative="Đã giải ngân 60% kế hoạch vốn cho vay hộ nghèo.", version=task.version,
    )
    task.refresh_from_db()
    assert (task.status, task.progress, task.version) == (TaskStatus.IN_PROGRESS, 40, 2)
    assert task.last_update_at == update.created_at and update.created_by == bank_officer


def test_agency_officer_cannot_update_another_agencys_task(bank_officer, tasks_2026, client):
    task = task_of("YTE")
    with pytest.raises(PermissionDenied):
        services.task_update_post(user=bank_officer, task=task, status="in_progress", progress=10, narrative="x")
    client.force_login(bank_officer)
    url = reverse("programs:task_detail", args=[task.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"status": "completed", "progress": 100, "narrative": "x"}).status_code == 404
    assert not TaskUpdate.objects.exists()


def test_commune_officer_sees_and_updates_only_the_communes_tasks(tantrao_officer, tasks_2026, client):
    own = task_of("UBNDXA", commune=unit("02545"))
    other = task_of("UBNDXA", commune=unit("02554"))
    district = task_of("LDTBXH")
    client.force_login(tantrao_officer)
    html = client.get(reverse("programs:tasks")).content.decode()
    assert reverse("programs:task_detail", args=[own.pk]) in html
    assert reverse("programs:task_detail", args=[other.pk]) not in html
    assert reverse("programs:task_detail", args=[district.pk]) not in html
    assert client.get(reverse("programs:task_detail", args=[other.pk])).status_code == 404
    response = client.post(
        reverse("programs:task_detail", args=[own.pk]),
        {"status": "in_progress", "progress": 30, "narrative": "Đã xây dựng kế hoạch của xã.", "version": own.version},
    )
    assert response.status_code == 302
    own.refresh_from_db()
    assert own.progress == 30


def test_province_viewer_reads_tasks_but_cannot_update(province_viewer, tasks_2026, client):
    task = task_of("LDTBXH")
    client.force_login(province_viewer)
    assert client.get(reverse("programs:task_detail", args=[task.pk])).status_code == 200
    assert client.post(reverse("programs:task_detail", args=[task.pk]), {"status": "completed", "progress": 100, "narrative": "x"}).status_code == 403
    assert client.patch(f"/api/v1/tasks/{task.pk}/", {"status": "completed", "progress": 100, "narrative": "x"},
                        content_type="application/json").status_code == 403


@pytest.mark.parametrize(
    ("status", "progress", "narrative", "field"),
    [
        ("completed", 80, "Xong", "progress"),
        ("in_progress", 100, "Xong", "status"),
        ("not_started", 20, "Bắt đầu", "status"),
        ("in_progress", 120, "Quá", "progress"),
        ("in_progress", -5, "Âm", "progress"),
        ("in_progress", 20, "   ", "narrative"),
        ("done", 20, "Sai", "status"),
    ],
)
def test_progress_reports_are_validated(bank_officer, tasks_2026, status, progress, narrative, field):
    task = task_of("NHCSXH")
    with pytest.raises(ValidationError) as exc:
        services.task_update_post(user=bank_officer, task=task, status=status, progress=progress, narrative=narrative)
    assert field in exc.value.message_dict


def test_a_report_over_a_newer_one_is_refused_naming_who_saved(bank_officer, district_officer, tasks_2026):
    task = task_of("NHCSXH")
    read_version = task.version
    services.task_update_post(user=district_officer, task=task, status="in_progress", progress=20, narrative="Đôn đốc", version=read_version)
    with pytest.raises(StaleVersion) as exc:
        services.task_update_post(user=bank_officer, task=TaskAssignment.objects.get(pk=task.pk), status="in_progress",
                                  progress=50, narrative="Cập nhật", version=read_version)
    assert "Nguyễn Thị Hạnh" in exc.value.messages[0]


def test_evidence_is_checked_and_downloaded_only_within_scope(bank_officer, health_officer, district_officer, tasks_2026, client):
    task = task_of("NHCSXH")
    with pytest.raises(ValidationError):
        services.task_update_post(user=bank_officer, task=task, status="in_progress", progress=10, narrative="x",
                                  evidence=SimpleUploadedFile("virus.exe", b"MZ"))
    client.force_login(bank_officer)
    response = client.post(reverse("programs:task_detail", args=[task.pk]), {
        "status": "in_progress", "progress": 50, "narrative": "Biên bản giải ngân kèm theo.", "version": task.version,
        "evidence": SimpleUploadedFile("bien-ban.pdf", b"%PDF-1.4 test", content_type="application/pdf"),
    })
    assert response.status_code == 302
    update = TaskUpdate.objects.get(task=task)
    url = reverse("programs:task_evidence", args=[update.pk])
    assert b"".join(client.get(url).streaming_content) == b"%PDF-1.4 test"
    client.force_login(health_officer)
    assert client.get(url).status_code == 404
    client.force_login(district_officer)
    assert client.get(url).status_code == 200


def test_district_office_sees_overdue_and_silent_tasks(district_officer, bank_officer, client):
    services.tasks_open_year(year=2024)
    services.tasks_open_year(year=2026)
    # Every 2024 task is past its due date: completed ones are not overdue.
    done = task_of("NHCSXH", 2024)
    services.task_update_post(user=bank_officer, task=done, status="completed", progress=100, narrative="Hoàn thành")
    TaskAssignment.objects.filter(year=2026).update(created_at=timezone.now() - dt.timedelta(days=200))
    fresh = task_of("YTE", 2026)
    services.task_update_post(user=district_officer, task=fresh, status="in_progress", progress=10, narrative="Đang làm")
    qs = selectors.tasks_list(qs=TaskAssignment.objects.all(), year=None, flag="overdue")
    assert done not in qs and qs.filter(year=2024).count() == TaskAssignment.objects.filter(year=2024).count() - 1
    silent = selectors.tasks_list(qs=TaskAssignment.objects.all(), year=2026, flag="silent")
    assert fresh not in silent and silent.count() == TaskAssignment.objects.filter(year=2026).count() - 1
    summary = {s["agency__code"]: s for s in selectors.tasks_summary_by_agency(qs=TaskAssignment.objects.all(), year=2026)}
    assert summary["YTE"]["silent"] == summary["YTE"]["total"] - 1
    client.force_login(district_officer)
    html = client.get(reverse("programs:tasks"), {"year": 2024, "flag": "overdue"}).content.decode()
    assert "quá hạn" in html and 'id="agency-summary"' in html


def test_district_officer_opens_a_year_from_the_tasks_page(client, district_officer, bank_officer):
    client.force_login(bank_officer)
    assert client.post(reverse("programs:tasks_open_year"), {"year": 2026}).status_code == 403
    client.force_login(district_officer)
    response = client.post(reverse("programs:tasks_open_year"), {"year": 2026}, follow=True)
    assert "Đã giao" in response.content.decode()
    assert TaskAssignment.objects.filter(year=2026).exists()


def test_tasks_list_makes_a_fixed_number_of_queries(client, district_officer, tasks_2026, django_assert_max_num_queries):
    services.tasks_open_year(year=2025)
    client.force_login(district_officer)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("programs:tasks"), {"year": "all"})
    assert response.status_code == 200


def test_api_tasks_are_scoped_filtered_and_updated_with_a_version(client, bank_officer, tasks_2026):
    client.force_login(bank_officer)
    data = client.get("/api/v1/tasks/", {"year": 2026}).json()
    assert data["count"] == TaskAssignment.objects.filter(agency__code="NHCSXH", year=2026).count()
    assert {r["agency"] for r in data["results"]} == {"NHCSXH"}
    task = data["results"][0]
    assert set(task) >= {"agency", "title", "due_date", "status", "progress"}
    url = f"/api/v1/tasks/{task['id']}/"
    ok = client.patch(url, {"status": "in_progress", "progress": 35, "narrative": "Đang giải ngân", "version": task["version"]},
                      content_type="application/json")
    assert ok.status_code == 200 and ok.json()["progress"] == 35
    stale = client.patch(url, {"status": "in_progress", "progress": 45, "narrative": "Muộn", "version": task["version"]},
                         content_type="application/json")
    assert stale.status_code == 409
    bad = client.patch(url, {"status": "completed", "progress": 50, "narrative": "Sai"}, content_type="application/json")
    assert bad.status_code == 400 and "progress" in bad.json()
    other = TaskAssignment.objects.filter(agency__code="YTE").first()
    assert client.get(f"/api/v1/tasks/{other.pk}/").status_code == 404


def test_api_gives_a_commune_officer_only_the_seven_tasks_of_the_commune(client, tasks_2026):
    officer = make_user("canbo_xa_khac", Role.COMMUNE_OFFICER, unit_code="02572")
    client.force_login(officer)
    data = client.get("/api/v1/tasks/").json()
    assert data["count"] == 7 and {r["commune"] for r in data["results"]} == {"02572"}


def test_the_district_assigns_one_duty_to_one_agency(client, district_officer, bank_officer):
    duty = next(d for d in Duty.objects.select_related("agency").order_by("order") if not d.agency.per_commune)
    client.force_login(district_officer)
    url = reverse("programs:task_assign")
    response = client.post(url, {"duty": duty.pk, "year": 2027, "agency": "", "due_date": "30/06/2027", "title": ""})
    task = TaskAssignment.objects.get(duty=duty, year=2027)
    assert response.status_code == 302 and (task.agency, task.due_date, task.title) == (duty.agency, dt.date(2027, 6, 30), duty.title)
    assert TaskAssignment.objects.filter(year=2027).count() == 1  # only that one, not the year's 87
    again = client.post(url, {"duty": duty.pk, "year": 2027, "agency": "", "due_date": "", "title": ""})
    assert again.status_code == 400 and "Nhiệm vụ này đã được giao năm 2027" in again.content.decode()
    wrong_year = client.post(url, {"duty": duty.pk, "year": 2028, "agency": "", "due_date": "30/06/2027", "title": ""})
    assert wrong_year.status_code == 400 and "Hạn hoàn thành phải trong năm 2028." in wrong_year.content.decode()
    client.force_login(bank_officer)
    assert client.post(url, {"duty": duty.pk, "year": 2029}).status_code == 403
    with pytest.raises(PermissionDenied):
        services.task_assign(user=bank_officer, duty=duty, year=2029)
