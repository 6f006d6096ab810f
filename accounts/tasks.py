"""Celery tasks of the accounts app."""
from __future__ import annotations

from celery import shared_task


@shared_task(name="accounts.access_log_purge")
def access_log_purge() -> int:
    """Nightly (Celery beat, seeded by migration 0004): the personal-data access log keeps ACCESS_LOG_RETENTION_DAYS."""
    from .audit import access_log_purge as purge

    return purge()
