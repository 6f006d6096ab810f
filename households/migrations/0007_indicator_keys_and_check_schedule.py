"""The derivation key of each indicator (re-applies households/data/standards.yaml), and the nightly run of the
district's checks as a Celery beat entry (created once; the administrator owns it afterwards)."""
import json

from django.db import migrations

CHECKS_TASK = "households.checks_run"
CHECKS_SCHEDULE = "Kiểm tra bất thường kết quả rà soát (hằng đêm)"


def load(apps, schema_editor):
    from households import reference

    reference.load_standards(apps.get_model("households", "PovertyStandard"), apps.get_model("households", "Indicator"))
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    if not PeriodicTask.objects.filter(name=CHECKS_SCHEDULE).exists():
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute="30", hour="2", day_of_month="*", month_of_year="*", day_of_week="*", timezone="Asia/Ho_Chi_Minh"
        )
        PeriodicTask.objects.create(
            name=CHECKS_SCHEDULE, task=CHECKS_TASK, crontab=crontab, kwargs=json.dumps({}), enabled=True,
            description="Tạo bởi dữ liệu khởi tạo của phân hệ hộ gia đình; có thể sửa tại đây.",
        )


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0006_review_workflow"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
