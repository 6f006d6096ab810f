"""Helpers for `Job`: tasks report progress through these so every progress bar reads the same table."""
from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from .models import Job, JobStatus


GAVE_UP = (
    "Công việc đã dừng sau {n} lần chạy không xong (máy chủ bị ngắt giữa chừng hoặc vượt thời gian cho phép). "
    "Hãy kiểm tra lại tệp hoặc yêu cầu, chia nhỏ nếu cần, rồi làm lại; nếu vẫn lỗi, báo quản trị hệ thống."
)


def max_attempts() -> int:
    return int(getattr(settings, "JOB_MAX_ATTEMPTS", 3))


def job_start(*, job_id: int) -> Job | None:
    """Mark the job running and count the attempt; None (the job failed, with the reason) when this start is one
    more than `JOB_MAX_ATTEMPTS` — a task redelivered after its worker was killed is not run forever."""
    Job.objects.filter(pk=job_id).update(attempts=F("attempts") + 1)
    job = Job.objects.get(pk=job_id)
    if job.attempts > max_attempts():
        job_fail(job_id=job_id, error=GAVE_UP.format(n=job.attempts - 1))
        return None
    Job.objects.filter(pk=job_id).update(status=JobStatus.RUNNING, started_at=timezone.now(), progress=0, error="")
    job.refresh_from_db()
    return job


def job_progress(*, job_id: int, progress: int, message: str = "") -> None:
    """Record progress (0–100); written outside the work's transaction so a poller sees it while the work runs."""
    Job.objects.filter(pk=job_id).update(progress=max(0, min(100, int(progress))), message=message[:255])


def job_succeed(*, job_id: int, result: dict[str, Any] | None = None, message: str = "") -> None:
    Job.objects.filter(pk=job_id).update(
        status=JobStatus.SUCCEEDED, progress=100, result=result or {}, message=message[:255], finished_at=timezone.now()
    )


def job_fail(*, job_id: int, error: str) -> None:
    Job.objects.filter(pk=job_id).update(status=JobStatus.FAILED, error=error, finished_at=timezone.now())


STUCK = (
    "Công việc bị gián đoạn: không chạy xong trong {minutes} phút (máy chủ có thể đã khởi động lại giữa chừng). "
    "Không có dữ liệu nào bị ghi dở; hãy làm lại."
)


def stuck_after() -> dt.timedelta:
    """How long work may stay pending or running before it is taken for dead: the task's hard time limit (after
    which Celery kills it) and ten minutes of grace."""
    return dt.timedelta(seconds=int(getattr(settings, "CELERY_TASK_TIME_LIMIT", 1800))) + dt.timedelta(minutes=10)


def jobs_sweep(*, now: dt.datetime | None = None) -> int:
    """Fail the jobs left pending or running past `stuck_after` (a worker killed, a web process that died during an
    import's commit), so the page stops showing "0 %" and the officer can start again. Their work was atomic:
    nothing half-written stays. Returns how many were swept."""
    now = now or timezone.now()
    limit = stuck_after()
    minutes = int(limit.total_seconds() // 60)
    running = Job.objects.filter(status=JobStatus.RUNNING, started_at__lt=now - limit)
    waiting = Job.objects.filter(status=JobStatus.PENDING, created_at__lt=now - limit)
    return sum(qs.update(status=JobStatus.FAILED, error=STUCK.format(minutes=minutes), finished_at=now) for qs in (running, waiting))
