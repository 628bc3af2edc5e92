"""The database function with which appends to an audit chain take their table's lock and read its head in one
query (PostgreSQL only; SQLite serialises writers by itself). See keqiao.common.audit."""

from django.db import migrations

from keqiao.common.audit import PG_HEAD_FUNCTION, PG_HEAD_FUNCTION_DROP


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_HEAD_FUNCTION, params=None)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(PG_HEAD_FUNCTION_DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("common", "0002_reference_data")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
