"""The nightly reconciliation of the year rows of the figures (and their new year on 1 January) as a Celery beat
entry (created once; the administrator owns it afterwards)."""
import json

from django.db import migrations

TASK = "households.statistics_reconcile"
SCHEDULE = "Đối chiếu số liệu hộ theo năm (hằng đêm)"


def load(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    if not PeriodicTask.objects.filter(name=SCHEDULE).exists():
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute="5", hour="1", day_of_month="*", month_of_year="*", day_of_week="*", timezone="Asia/Ho_Chi_Minh"
        )
        PeriodicTask.objects.create(
            name=SCHEDULE, task=TASK, crontab=crontab, kwargs=json.dumps({}), enabled=True,
            description="Tạo bởi dữ liệu khởi tạo của phân hệ hộ gia đình; có thể sửa tại đây.",
        )


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0010_household_events_and_years"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
