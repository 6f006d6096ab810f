"""Generated reports: idempotent tasks (one row, one checksum however often they run), retries on transient failure,
atomic files (a worker killed mid-write leaves no half-written report), immutable finals, the beat schedules."""
from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from django.db import OperationalError
from django_celery_beat.models import PeriodicTask

from households.structure import program_area
from reporting import excel, files, services, tasks
from reporting.models import Edition, GeneratedReport, ReportKind, ReportState, Trigger, Variant

from .conftest import vn

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _eager(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True


def request(variant=Variant.DRAFT, edition=Edition.SUMMARY, year=2025, **kw):
    kind = ReportKind.objects.get(code="annual")
    return services.report_request(kind=kind, year=year, unit=program_area(), variant=variant, edition=edition, **kw)


def test_running_the_generation_task_twice_leaves_one_row_and_one_file():
    report = request()
    first = tasks.generate_report.apply(args=[report.pk]).get()
    path = Path(GeneratedReport.objects.get(pk=report.pk).file.path)
    mtime = path.stat().st_mtime_ns
    second = tasks.generate_report.apply(args=[report.pk]).get()
    assert first == second
    assert GeneratedReport.objects.count() == 1
    assert path.stat().st_mtime_ns == mtime  # not rewritten
    assert [p.name for p in path.parent.iterdir()] == [path.name]


def test_asking_twice_while_the_report_is_being_made_returns_the_same_row():
    first = request()
    assert request().pk == first.pk
    assert GeneratedReport.objects.count() == 1


def test_a_final_report_is_never_changed_regenerating_makes_the_next_version():
    v1 = services.report_generate(report_id=request(variant=Variant.FINAL).pk)
    data = Path(v1.file.path).read_bytes()
    v2 = services.report_generate(report_id=request(variant=Variant.FINAL).pk)
    v1.refresh_from_db()
    assert (v1.version, v2.version) == (1, 2)
    assert v1.file.name != v2.file.name and Path(v1.file.path).read_bytes() == data
    assert v1.state == ReportState.SUCCEEDED and v1.checksum == v2.checksum  # same data, same bytes


def test_a_transient_database_failure_is_retried(monkeypatch):
    report = request()
    real = excel.build_report_workbook
    calls = []

    def flaky(ctx, path, progress=None):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("could not connect to server")
        return real(ctx, path, progress=progress)

    monkeypatch.setattr(excel, "build_report_workbook", flaky)
    result = tasks.generate_report.apply(args=[report.pk])
    report.refresh_from_db()
    assert result.successful() and len(calls) == 2
    assert report.state == ReportState.SUCCEEDED and report.attempts == 2 and report.progress == 100


def test_a_bug_fails_the_report_with_its_message_and_leaves_no_file(monkeypatch):
    report = request()

    def broken(ctx, path, progress=None):
        Path(path).write_bytes(b"PK half a workbook")
        raise ValueError("dữ liệu hỏng")

    monkeypatch.setattr(excel, "build_report_workbook", broken)
    tasks.generate_report.apply(args=[report.pk])
    report.refresh_from_db()
    assert report.state == ReportState.FAILED and "dữ liệu hỏng" in report.error
    folder = services.reports_dir() / "annual" / "2025"
    assert list(folder.iterdir()) == []


KILLED_WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    sys.path.insert(0, sys.argv[2])
    from reporting.files import write_atomically

    def slow(path):
        with open(path, "wb") as fh:
            for _ in range(1000):
                fh.write(b"x" * 4096)
                fh.flush()
                print("writing", flush=True)
                time.sleep(0.01)

    write_atomically(target=Path(sys.argv[1]), write=slow)
    """
)


def test_a_worker_killed_mid_write_leaves_no_report_file_and_the_retry_cleans_up(tmp_path):
    target = tmp_path / "reports" / "bao-cao-v1.xlsx"
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(target), str(ROOT)], stdout=subprocess.PIPE, text=True,
    )
    assert proc.stdout.readline().strip() == "writing"
    time.sleep(0.1)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert not target.exists()
    leftovers = list(target.parent.glob(".tmp-*"))
    assert leftovers  # the half-written temporary file, never under the report's name
    files.clear_stale_temporaries(target.parent, target.stem)
    files.write_atomically(target=target, write=lambda p: p.write_bytes(b"whole"))
    assert target.read_bytes() == b"whole" and list(target.parent.glob(".tmp-*")) == []


def test_a_report_interrupted_while_running_is_made_again_from_the_start():
    report = request()
    GeneratedReport.objects.filter(pk=report.pk).update(state=ReportState.RUNNING, progress=40)
    folder = services.reports_dir() / "annual" / "2025"
    folder.mkdir(parents=True)
    stale = folder / f".tmp-{Path(report.filename).stem}-deadbeef.xlsx"
    stale.write_bytes(b"half")
    done = services.report_generate(report_id=report.pk)
    assert done.state == ReportState.SUCCEEDED and not stale.exists()


def test_the_scheduled_final_report_run_twice_on_10_december_makes_one_row_per_edition():
    """Both workbooks and the Word draft, once per day however often the entry fires; the next day's run makes the
    next versions, byte for byte the same when nothing changed."""
    services.report_scheduled(kind_code="annual", variant=Variant.FINAL, now=vn(2025, 12, 10, 5))
    services.report_scheduled(kind_code="annual", variant=Variant.FINAL, now=vn(2025, 12, 10, 5, 1))
    rows = GeneratedReport.objects.filter(year=2025, variant=Variant.FINAL)
    assert sorted(rows.values_list("edition", "format")) == [("full", "xlsx"), ("summary", "docx"), ("summary", "xlsx")]
    assert all(r.trigger == Trigger.SCHEDULE and r.state == ReportState.SUCCEEDED for r in rows)
    assert all(r.filename.endswith(f".{r.format}") for r in rows)
    checksums = {(r.edition, r.format): r.checksum for r in rows}
    services.report_scheduled(kind_code="annual", variant=Variant.FINAL, now=vn(2025, 12, 11, 5))  # another day
    again = GeneratedReport.objects.filter(year=2025, variant=Variant.FINAL, version=2)
    assert {(r.edition, r.format): r.checksum for r in again} == checksums


def test_the_five_year_entry_fires_every_15_september_but_reports_only_in_2025():
    assert services.report_scheduled(kind_code="five_year", variant=Variant.FINAL, now=vn(2026, 9, 15, 5)) == []
    made = services.report_scheduled(kind_code="five_year", variant=Variant.FINAL, now=vn(2025, 9, 15, 5))
    assert {(r.kind.code, r.year) for r in made} == {("five_year", 2025)}


def test_the_beat_schedules_are_seeded_in_the_database():
    tasks_by_name = {p.name: p for p in PeriodicTask.objects.select_related("crontab")}
    reminders = tasks_by_name["Nhắc hạn báo cáo (hằng ngày)"]
    assert reminders.task == "reporting.send_reminders" and reminders.crontab.hour == "7"
    draft = tasks_by_name["Báo cáo năm của huyện – bản dự thảo (01/12)"]
    final = tasks_by_name["Báo cáo năm của huyện – bản chính thức (10/12)"]
    assert (draft.crontab.day_of_month, draft.crontab.month_of_year) == ("1", "12")
    assert (final.crontab.day_of_month, final.crontab.month_of_year) == ("10", "12")
    assert '"variant": "final"' in final.kwargs and str(final.crontab.timezone) == "Asia/Ho_Chi_Minh"
    five, ten = tasks_by_name["Báo cáo sơ kết 5 năm (15/9/2025)"], tasks_by_name["Báo cáo tổng kết 10 năm (15/9/2030)"]
    assert five.task == ten.task == "reporting.scheduled_report"
    assert (five.crontab.day_of_month, five.crontab.month_of_year) == ("15", "9") and '"five_year"' in five.kwargs


def test_progress_is_recorded_as_the_report_is_made(monkeypatch):
    report = request()
    seen = []
    real = services.report_progress

    def spy(**kw):
        seen.append(kw["progress"])
        real(**kw)

    monkeypatch.setattr(services, "report_progress", spy)
    services.report_generate(report_id=report.pk)
    assert seen == sorted(seen) and len(seen) >= 8 and max(seen) < 100
    report.refresh_from_db()
    assert report.progress == 100
