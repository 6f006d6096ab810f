"""A real Celery worker makes the report: the task goes through the real broker (Redis in the services pass), the
worker writes the workbook and the report row in the same database the test reads, and running the task again
changes nothing (one row, one checksum).

The worker is another process, so it must share the test database: on PostgreSQL the test is transactional (the
worker sees committed rows). The no-services pass runs on SQLite's in-memory test database, which no other process
can open: there this one test is skipped.
"""
from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from households.structure import program_area
from reporting import services, tasks
from reporting.models import Edition, GeneratedReport, ReportKind, ReportState
from tests.integration.conftest import celery_env, celery_worker_process  # noqa: F401  (fixtures)

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason=(
            "Worker Celery là một tiến trình khác, không mở được cơ sở dữ liệu SQLite trong bộ nhớ của kiểm thử; "
            "kiểm thử này chạy ở lượt PostgreSQL + Redis (the worker cannot open SQLite's in-memory test database)."
        ),
    ),
]


@pytest.fixture
def worker_shares_the_test_database(transactional_db, celery_env):  # noqa: F811
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    celery_env["DATABASE_URL"] = f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    return celery_env


def wait_for(report_id: int, timeout: float = 90) -> GeneratedReport:
    deadline = time.time() + timeout
    while time.time() < deadline:
        report = GeneratedReport.objects.get(pk=report_id)
        if report.state in (ReportState.SUCCEEDED, ReportState.FAILED):
            return report
        time.sleep(0.3)
    raise AssertionError(f"báo cáo {report_id} chưa xong sau {timeout} giây")


def test_a_real_worker_makes_the_report_once_however_often_the_task_is_sent(worker_shares_the_test_database, celery_worker_process):  # noqa: F811
    kind = ReportKind.objects.get(code="annual")
    report = services.report_request(kind=kind, year=2025, unit=program_area(), edition=Edition.SUMMARY)
    tasks.generate_report.delay(report.pk)
    done = wait_for(report.pk)
    assert done.state == ReportState.SUCCEEDED, done.error
    path = Path(worker_shares_the_test_database["DATA_DIR"]) / "files" / done.file.name
    assert hashlib.sha256(path.read_bytes()).hexdigest() == done.checksum
    mtime = path.stat().st_mtime_ns
    tasks.generate_report.delay(report.pk)
    tasks.generate_report.delay(report.pk)
    log = Path(worker_shares_the_test_database["DATA_DIR"]) / "worker.log"
    deadline = time.time() + 60
    while time.time() < deadline and log.read_text().count("reporting.generate_report[") < 6:  # received + succeeded, ×3
        time.sleep(0.3)
    assert log.read_text().count("succeeded in") >= 3
    again = GeneratedReport.objects.get(pk=report.pk)
    assert GeneratedReport.objects.count() == 1 and again.checksum == done.checksum
    assert path.stat().st_mtime_ns == mtime
