from django.db import migrations


def load(apps, schema_editor):
    from programs import reference

    reference.load_agencies(apps.get_model("programs", "Agency"))


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
