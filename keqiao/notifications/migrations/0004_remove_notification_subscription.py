# The link to matching's subscriptions goes (its frequency was copied by 0003, in its own transaction).

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('notifications', '0003_notification_frequency'),
    ]

    operations = [
        migrations.RemoveField(
            model_name='notification',
            name='subscription',
        ),
    ]
