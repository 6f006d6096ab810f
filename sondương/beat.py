"""Celery beat entries created by migrations: created once, then the administrator owns them in the admin."""
from __future__ import annotations

import json

from django.db import migrations


def periodic_task(*, name: str, task: str, minute: str, hour: str, app: str) -> migrations.RunPython:
    """A RunPython operation that creates the beat entry `name` running `task` at `minute` `hour` (crontab, the
    district's time zone) unless an entry of that name exists already."""

    def load(apps, schema_editor):
        PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
        CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
        if PeriodicTask.objects.filter(name=name).exists():
            return
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute, hour=hour, day_of_month="*", month_of_year="*", day_of_week="*", timezone="Asia/Ho_Chi_Minh"
        )
        PeriodicTask.objects.create(
            name=name, task=task, crontab=crontab, kwargs=json.dumps({}), enabled=True,
            description=f"Tạo bởi dữ liệu khởi tạo của phân hệ {app}; có thể sửa tại đây.",
        )

    return migrations.RunPython(load, migrations.RunPython.noop)
