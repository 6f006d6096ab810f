"""The sweep of stuck jobs as a Celery beat entry, every 15 minutes (created once; the administrator owns it)."""
from django.db import migrations

from sondương.beat import periodic_task


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0018_check_runs"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [periodic_task(name="Dọn các công việc chạy nền bị treo (15 phút một lần)", task="households.jobs_sweep",
                                minute="*/15", hour="*", app="hộ gia đình")]
