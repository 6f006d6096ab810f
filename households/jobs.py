"""Helpers for `Job`: tasks report progress through these so every progress bar reads the same table."""
from __future__ import annotations

from typing import Any

from django.utils import timezone

from .models import Job, JobStatus


def job_start(*, job_id: int) -> Job:
    Job.objects.filter(pk=job_id).update(status=JobStatus.RUNNING, started_at=timezone.now(), progress=0, error="")
    return Job.objects.get(pk=job_id)


def job_progress(*, job_id: int, progress: int, message: str = "") -> None:
    """Record progress (0–100); written outside the work's transaction so a poller sees it while the work runs."""
    Job.objects.filter(pk=job_id).update(progress=max(0, min(100, int(progress))), message=message[:255])


def job_succeed(*, job_id: int, result: dict[str, Any] | None = None, message: str = "") -> None:
    Job.objects.filter(pk=job_id).update(
        status=JobStatus.SUCCEEDED, progress=100, result=result or {}, message=message[:255], finished_at=timezone.now()
    )


def job_fail(*, job_id: int, error: str) -> None:
    Job.objects.filter(pk=job_id).update(status=JobStatus.FAILED, error=error, finished_at=timezone.now())
