"""Celery tasks of the plan: thin, idempotent wrappers around `programs.services`."""
from __future__ import annotations

from celery import shared_task
from django.utils import timezone


@shared_task(name="programs.open_year_tasks", bind=True, max_retries=3, default_retry_delay=300)
def open_year_tasks(self, year: int | None = None) -> dict:
    """Open the year's task assignments from the plan's duties (beat: 2 January). Running it twice creates nothing
    more; a year outside the plan's period does nothing."""
    from django.core.exceptions import ValidationError

    from . import services

    year = year or timezone.localdate().year
    try:
        created = services.tasks_open_year(year=year)
    except ValidationError as exc:
        return {"year": year, "created": 0, "skipped": " ".join(exc.messages)}
    except Exception as exc:  # database unavailable and the like: try again later
        raise self.retry(exc=exc)
    return {"year": year, "created": created}
