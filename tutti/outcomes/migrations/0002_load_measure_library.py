"""Load the measure library (data/measures/*.json). Running the loader again in a later
migration updates definitions and never overwrites wording an administrator entered."""

from django.db import migrations


def load(apps, schema_editor):
    from tutti.outcomes.library import library_load

    library_load(apps.get_model("outcomes", "Measure"), apps.get_model("outcomes", "MeasureItem"))


class Migration(migrations.Migration):
    dependencies = [("outcomes", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
