"""The sweep of stuck reports as a Celery beat entry, every 15 minutes (created once; the administrator owns it)."""
import json

from django.db import migrations

TASK = "reporting.reports_sweep"
SCHEDULE = "Dọn các báo cáo đang lập bị treo (15 phút một lần)"


def load(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    if not PeriodicTask.objects.filter(name=SCHEDULE).exists():
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute="*/15", hour="*", day_of_month="*", month_of_year="*", day_of_week="*", timezone="Asia/Ho_Chi_Minh"
        )
        PeriodicTask.objects.create(
            name=SCHEDULE, task=TASK, crontab=crontab, kwargs=json.dumps({}), enabled=True,
            description="Tạo bởi dữ liệu khởi tạo của phân hệ báo cáo; có thể sửa tại đây.",
        )


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0006_reporting_chain_place_data"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
