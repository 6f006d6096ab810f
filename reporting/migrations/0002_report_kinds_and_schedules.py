from django.db import migrations


def load(apps, schema_editor):
    from reporting import reference

    reference.load_report_kinds(apps.get_model("reporting", "ReportKind"))
    reference.seed_schedules(
        apps.get_model("django_celery_beat", "CrontabSchedule"), apps.get_model("django_celery_beat", "PeriodicTask")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
