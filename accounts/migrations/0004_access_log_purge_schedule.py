"""The nightly purge of the personal-data access log as a Celery beat entry (created once; the administrator owns it)."""
import json

from django.db import migrations

TASK = "accounts.access_log_purge"
SCHEDULE = "Xóa nhật ký xem dữ liệu cá nhân quá hạn lưu (hằng đêm)"


def load(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    if not PeriodicTask.objects.filter(name=SCHEDULE).exists():
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute="40", hour="2", day_of_month="*", month_of_year="*", day_of_week="*", timezone="Asia/Ho_Chi_Minh"
        )
        PeriodicTask.objects.create(
            name=SCHEDULE, task=TASK, crontab=crontab, kwargs=json.dumps({}), enabled=True,
            description="Tạo bởi dữ liệu khởi tạo của phân hệ tài khoản; có thể sửa tại đây.",
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_personal_data_access"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
