"""Celery tasks of the reporting app: thin, idempotent wrappers around `reporting.services`.

- `reporting.generate_report(report_id)`: makes one requested workbook; run twice → the same row, the same file.
- `reporting.scheduled_report(kind, variant, year=None)`: the beat entries (annual draft 1/12, final 10/12;
  five-year and ten-year on 15/9); one row per edition per day however often it fires.
- `reporting.send_reminders()`: the daily reminders; one notification per obligation and day.

Transient failures (the database or the mail server unreachable, a full disk) are retried with back-off; a worker
killed mid-report is redelivered (acks late, reject on worker lost) and the retry starts the file again.
"""
from __future__ import annotations

import logging
import smtplib
import socket

from celery import shared_task
from django.db import InterfaceError, OperationalError, transaction

from . import services
from .models import GeneratedReport

log = logging.getLogger(__name__)

TRANSIENT = (OperationalError, InterfaceError, smtplib.SMTPException, socket.error, TimeoutError)


@shared_task(
    bind=True, name="reporting.generate_report", acks_late=True, autoretry_for=TRANSIENT, retry_backoff=5,
    retry_backoff_max=300, retry_jitter=True, max_retries=5,
)
def generate_report(self, report_id: int) -> dict:
    try:
        report = services.report_generate(report_id=report_id)
    except TRANSIENT:
        if self.request.retries >= self.max_retries:
            services.report_fail(report_id=report_id, error="Lỗi tạm thời lặp lại nhiều lần; đề nghị lập lại báo cáo.")
        else:
            services.report_progress(report_id=report_id, progress=1, message="Gặp lỗi tạm thời, sẽ tự thử lại…")
        raise
    except Exception as exc:  # a bug or bad data: no retry, the page shows the error
        log.exception("Report %s failed", report_id)
        services.report_fail(report_id=report_id, error=f"{type(exc).__name__}: {exc}")
        raise
    return {"id": report.pk, "checksum": report.checksum, "version": report.version}


def report_enqueue(report: GeneratedReport) -> None:
    """Queue the work once the request row is committed (a worker must find it)."""
    if report.state in ("pending",):
        transaction.on_commit(lambda: generate_report.delay(report.pk))


@shared_task(
    bind=True, name="reporting.scheduled_report", acks_late=True, autoretry_for=TRANSIENT, retry_backoff=30,
    retry_backoff_max=900, max_retries=5,
)
def scheduled_report(self, kind: str, variant: str, year: int | None = None) -> list[dict]:
    made = services.report_scheduled(kind_code=kind, variant=variant, year=year)
    return [{"id": r.pk, "edition": r.edition, "checksum": r.checksum} for r in made]


@shared_task(
    bind=True, name="reporting.send_reminders", acks_late=True, autoretry_for=TRANSIENT, retry_backoff=60,
    retry_backoff_max=1800, max_retries=5,
)
def send_reminders(self) -> dict:
    return services.reminders_send()


@shared_task(name="reporting.reports_sweep")
def reports_sweep() -> int:
    """Every quarter of an hour (Celery beat, seeded by migration 0007): reports left pending or running past
    their time limit fail with a message, so they can be asked for again."""
    return services.reports_sweep()
