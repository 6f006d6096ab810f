"""Work left pending or running past its time limit (a worker killed, a web process that died during an import)
fails with a message, so the page stops showing "0 %" and the officer can start again; live work is left alone."""
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import timezone

from households.jobs import jobs_sweep, stuck_after
from households.models import Job, JobStatus
from reporting import services
from reporting.models import GeneratedReport, ReportKind, ReportState

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def test_stuck_jobs_fail_and_live_ones_are_left(district_officer):
    now = timezone.now()
    old = now - stuck_after() - dt.timedelta(minutes=1)
    dead = Job.objects.create(kind="import_households", status=JobStatus.RUNNING, progress=27, created_by=district_officer)
    Job.objects.filter(pk=dead.pk).update(started_at=old, created_at=old)
    never = Job.objects.create(kind="import_households", status=JobStatus.PENDING, created_by=district_officer)
    Job.objects.filter(pk=never.pk).update(created_at=old)
    live = Job.objects.create(kind="import_households", status=JobStatus.RUNNING, started_at=now - dt.timedelta(minutes=5))
    assert jobs_sweep(now=now) == 2
    dead.refresh_from_db(), never.refresh_from_db(), live.refresh_from_db()
    assert (dead.status, never.status, live.status) == (JobStatus.FAILED, JobStatus.FAILED, JobStatus.RUNNING)
    assert dead.error.startswith("Công việc bị gián đoạn: không chạy xong trong 40 phút")


def test_a_stuck_report_fails_and_asking_again_makes_a_new_one(district_officer):
    from households.structure import program_area

    kind = ReportKind.objects.get(code="annual")
    stuck = services.report_request(kind=kind, year=2025, unit=program_area(), user=district_officer)
    assert services.report_request(kind=kind, year=2025, unit=program_area(), user=district_officer).pk == stuck.pk
    long_ago = timezone.now() - dt.timedelta(hours=2)
    GeneratedReport.objects.filter(pk=stuck.pk).update(state=ReportState.RUNNING, progress=27, started_at=long_ago, created_at=long_ago)
    assert services.reports_sweep() == 1
    stuck.refresh_from_db()
    assert stuck.state == ReportState.FAILED and stuck.error.startswith("Báo cáo bị gián đoạn")
    again = services.report_request(kind=kind, year=2025, unit=program_area(), user=district_officer)
    assert again.pk != stuck.pk and again.state == ReportState.PENDING


def test_redis_hands_a_dead_workers_task_back_after_the_time_limit(tmp_path):
    code = "import django;django.setup();from django.conf import settings as s;print(s.CELERY_BROKER_TRANSPORT_OPTIONS['visibility_timeout'], s.CELERY_TASK_TIME_LIMIT)"
    env = dict(os.environ, DATA_DIR=str(tmp_path), DEBUG="1", CELERY_BROKER_URL="redis://127.0.0.1:6379/0", DJANGO_SETTINGS_MODULE="sondương.settings")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
    visibility, limit = map(int, out.stdout.split())
    assert limit < visibility <= limit + 900


def test_the_sweeps_are_scheduled():
    from django_celery_beat.models import PeriodicTask

    tasks = set(PeriodicTask.objects.filter(enabled=True).values_list("task", flat=True))
    assert tasks >= {"households.jobs_sweep", "reporting.reports_sweep", "accounts.access_log_purge"}
