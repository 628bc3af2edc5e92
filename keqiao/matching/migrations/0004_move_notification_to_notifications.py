# Notification moved to the notifications app with its table and rows (see notifications.0001): it
# leaves matching's state only; nothing happens in the database.

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('matching', '0003_alter_notification_verb'),
        ('notifications', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name='Notification')],
            database_operations=[],
        ),
    ]
