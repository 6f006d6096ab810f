"""Work that never ends is stopped: every Celery task has a time limit, and a task redelivered after its worker was
killed counts an attempt on its job (or report) row; after the last attempt the job fails with a message the
officer can act on, instead of starting again at once, forever."""
import pytest
from django.conf import settings

from households import imports
from households.jobs import GAVE_UP
from households.models import Job, JobStatus
from tests.io.conftest import household_rows, workbook

pytestmark = pytest.mark.django_db


def test_every_task_has_a_soft_and_a_hard_time_limit():
    from sondương.celery import app

    assert 0 < app.conf.task_soft_time_limit < app.conf.task_time_limit


def test_an_import_job_counts_its_attempts_and_gives_up_after_the_last(tantrao_officer, tantrao, tan_lap):
    job = imports.import_job_create(user=tantrao_officer, filename="xa.xlsx", data=workbook(household_rows("TT-1")), commune=tantrao)
    imports.import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert (job.status, job.attempts) == (JobStatus.SUCCEEDED, 1)
    # A worker killed while running it, three times: the fourth delivery fails the job instead of running it.
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING, attempts=settings.JOB_MAX_ATTEMPTS, result={}, progress=0)
    imports.import_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error == GAVE_UP.format(n=settings.JOB_MAX_ATTEMPTS)
    assert "3 lần chạy không xong" in job.error


def test_a_report_redelivered_past_its_attempts_fails_so_it_can_be_asked_again(district_officer):
    from households.structure import program_area
    from reporting import services
    from reporting.models import ReportKind, ReportState

    report = services.report_request(kind=ReportKind.objects.get(code="annual"), year=2025, unit=program_area())
    type(report).objects.filter(pk=report.pk).update(state=ReportState.RUNNING, attempts=settings.REPORT_MAX_ATTEMPTS, progress=27)
    made = services.report_generate(report_id=report.pk)
    assert made.state == ReportState.FAILED and "6 lần chạy không xong" in made.error and not made.file
