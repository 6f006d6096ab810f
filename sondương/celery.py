"""The Celery application. Broker and schedules come from settings (file-system broker by default)."""
from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sondương.settings")

app = Celery("sondương")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.task(name="sondương.ping")
def ping(value: int = 0) -> dict:
    """A task with no side effect: proves a worker takes tasks from the broker and returns results."""
    return {"pong": value + 1, "pid": os.getpid()}
