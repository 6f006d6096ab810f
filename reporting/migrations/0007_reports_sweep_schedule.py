"""The sweep of stuck reports as a Celery beat entry, every 15 minutes (created once; the administrator owns it)."""
from django.db import migrations

from sondương.beat import periodic_task


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0006_reporting_chain_place_data"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [periodic_task(name="Dọn các báo cáo đang lập bị treo (15 phút một lần)", task="reporting.reports_sweep",
                                minute="*/15", hour="*", app="báo cáo")]
