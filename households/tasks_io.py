"""Celery tasks of data in and out: thin, idempotent wrappers; state lives in households.models.Job."""
from __future__ import annotations

from celery import shared_task

from . import imports


@shared_task(name="households.import_households", acks_late=True)
def households_import_task(job_id: int) -> None:
    """Run the preview or the commit of an import job (a finished phase is not run again)."""
    imports.import_job_run(job_id=job_id)


@shared_task(name="households.import_reviews", acks_late=True)
def reviews_import_task(job_id: int) -> None:
    """Run the preview or the commit of an annual review import job (same job table and runner)."""
    imports.import_job_run(job_id=job_id)
