# The moved table takes this app's name (its rows, ids and foreign keys unchanged), its two indexes the
# names Django gives them here, and its content type follows it, so that permissions granted on
# notifications and the admin's history of them stay attached.

from django.db import migrations


def _move_content_type(apps, schema_editor, old_label, new_label):
    ContentType = apps.get_model("contenttypes", "ContentType")
    types = ContentType.objects.using(schema_editor.connection.alias)
    if not types.filter(app_label=old_label, model="notification").exists():
        return  # a new database: the content type is created after migrating, under this app
    # One made meanwhile for the new label (migrating in two steps) would be empty: the old one wins.
    types.filter(app_label=new_label, model="notification").delete()
    types.filter(app_label=old_label, model="notification").update(app_label=new_label)


def forwards(apps, schema_editor):
    _move_content_type(apps, schema_editor, "matching", "notifications")


def backwards(apps, schema_editor):
    _move_content_type(apps, schema_editor, "notifications", "matching")


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('matching', '0004_move_notification_to_notifications'),
        ('notifications', '0001_initial'),
    ]

    operations = [
        migrations.AlterModelTable(
            name='notification',
            table=None,
        ),
        migrations.RenameIndex(
            model_name='notification',
            new_name='notificatio_user_id_47e85c_idx',
            old_name='matching_no_user_id_8bf1c1_idx',
        ),
        migrations.RenameIndex(
            model_name='notification',
            new_name='notificatio_emailed_9898f3_idx',
            old_name='matching_no_emailed_74f9cc_idx',
        ),
        migrations.RunPython(forwards, backwards),
    ]
