from django.db import migrations


def load(apps, schema_editor):
    from keqiao.common.reference import load_classifications, load_regions

    load_regions(apps.get_model("common", "Region"))
    load_classifications(apps.get_model("common", "Classification"))


class Migration(migrations.Migration):
    dependencies = [("common", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
