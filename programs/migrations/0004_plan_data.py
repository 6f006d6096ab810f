"""The plan as data: plan.yaml (the plan, its documents, solution groups, targets, duties, reporting regime) and
support.yaml (support policies, fund programs); and the Celery beat entry that opens each year's tasks."""
from django.db import migrations


def load(apps, schema_editor):
    from programs import reference

    m = reference.Models.from_apps(apps)
    reference.load_agencies(m.Agency)
    reference.load_plan(m)
    reference.load_support(m)
    reference.seed_schedules(
        apps.get_model("django_celery_beat", "CrontabSchedule"), apps.get_model("django_celery_beat", "PeriodicTask")
    )


class Migration(migrations.Migration):
    dependencies = [
        ("programs", "0003_plan_targets_tasks_support_funds"),
        ("households", "0004_standards_data"),
        ("households", "0005_placements_mergers_jobs"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
