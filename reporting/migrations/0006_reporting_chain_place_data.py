from django.db import migrations


def load(apps, schema_editor):
    from reporting import reference

    reference.load_reporting_chain(apps.get_model("reporting", "ReportingChain"))


class Migration(migrations.Migration):
    dependencies = [("reporting", "0005_reporting_chain_place")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
