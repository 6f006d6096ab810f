"""The poverty standards (Decision 59/2015, Decree 07/2021, Decree 351/2025) with their indicators, and the
configurable lists of causes and support needs, from `households/data/`."""
from django.db import migrations


def load(apps, schema_editor):
    from households import reference

    reference.load_standards(apps.get_model("households", "PovertyStandard"), apps.get_model("households", "Indicator"))
    reference.load_review_lists(apps.get_model("households", "PovertyCause"), apps.get_model("households", "SupportNeed"))


class Migration(migrations.Migration):
    dependencies = [("households", "0003_reviews")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
