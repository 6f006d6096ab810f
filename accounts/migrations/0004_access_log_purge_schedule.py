"""The nightly purge of the personal-data access log as a Celery beat entry (created once; the administrator owns it)."""
from django.db import migrations

from sondương.beat import periodic_task


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_personal_data_access"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [periodic_task(name="Xóa nhật ký xem dữ liệu cá nhân quá hạn lưu (hằng đêm)", task="accounts.access_log_purge",
                                minute="40", hour="2", app="tài khoản")]
