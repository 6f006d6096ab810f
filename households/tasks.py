"""Celery tasks of the review: thin, idempotent wrappers that take ids, call one service and record their state
in `households.models.Job` (pages poll that table, never Celery's result backend)."""
from __future__ import annotations

from celery import shared_task

from . import checks
from .jobs import job_fail, job_progress, job_start, job_succeed
from .models import Job


@shared_task(name="households.checks_run")
def checks_run(year: int | None = None) -> dict:
    """The nightly run (Celery beat, seeded by migration 0007): the checks of the latest review year."""
    year = year or checks.latest_review_year()
    if year is None:
        return {}
    return checks.check_flags_run(year=year)


@shared_task(name="households.checks_run_job", bind=True, max_retries=2, default_retry_delay=30)
def checks_run_task(self, job_id: int) -> None:
    job = job_start(job_id=job_id)
    if job is None:
        return
    try:
        counts = checks.check_flags_run(year=int(job.params["year"]), progress=lambda p: job_progress(job_id=job_id, progress=p))
    except Exception as exc:  # noqa: BLE001 - recorded for the page, then retried
        job_fail(job_id=job_id, error=str(exc))
        raise self.retry(exc=exc) from exc
    total = sum(counts.values())
    job_succeed(job_id=job_id, result=counts, message=f"Xong: {total} phát hiện.")


@shared_task(name="households.reviews_reclassify", bind=True, max_retries=2, default_retry_delay=30)
def reviews_reclassify_task(self, job_id: int) -> None:
    from . import services

    job = job_start(job_id=job_id)
    if job is None:
        return
    try:
        result = services.reviews_reclassify(
            year=int(job.params["year"]), user=Job.objects.get(pk=job_id).created_by,
            progress=lambda p: job_progress(job_id=job_id, progress=p),
        )
    except Exception as exc:  # noqa: BLE001
        job_fail(job_id=job_id, error=str(exc))
        raise self.retry(exc=exc) from exc
    job_succeed(job_id=job_id, result=result,
                message=f"Xong: {result['reviews']} kết quả, {result['reclassified']} hộ đổi phân loại.")


@shared_task(name="households.statistics_reconcile")
def statistics_reconcile() -> dict:
    """The nightly run (Celery beat, seeded by migration 0011): the year rows of the figures are opened for a new
    year (on 1 January) and compared with a fresh build; any difference is logged and rebuilt."""
    import logging

    from django.db import transaction
    from django.utils import timezone

    from .household_years import household_years_check, household_years_ensure, household_years_refresh

    with transaction.atomic():
        household_years_ensure(year=timezone.localdate().year)
    problems = household_years_check()
    if problems:
        logging.getLogger(__name__).warning("Số liệu hộ theo năm lệch %s dòng; đã tính lại. Ví dụ: %s", len(problems), problems[:3])
        ids = sorted({int(p.split("#", 1)[1].split(" ", 1)[0]) for p in problems})
        with transaction.atomic():
            household_years_refresh(household_ids=ids)
    return {"differences": len(problems)}


@shared_task(name="households.jobs_sweep")
def jobs_sweep_task() -> int:
    """Every quarter of an hour (Celery beat, seeded by migration 0019): jobs left pending or running past their
    time limit fail with a message, so they can be started again."""
    from .jobs import jobs_sweep

    return jobs_sweep()
