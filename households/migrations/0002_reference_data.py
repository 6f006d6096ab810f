"""Reference data arrives with `migrate`: units of the program area (with validity and successors), regions,
the 54 ethnic groups. The same files are re-applied after an edit by `manage.py load_reference`."""
from django.db import migrations


def load(apps, schema_editor):
    from households import reference

    reference.load_units(apps.get_model("households", "AdministrativeUnit"), apps.get_model("households", "RegionStatus"))
    reference.load_ethnic_groups(apps.get_model("households", "EthnicGroup"))


class Migration(migrations.Migration):
    dependencies = [("households", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
