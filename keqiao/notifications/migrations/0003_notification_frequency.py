# A notification carries its own e-mail frequency, so that this app needs no link to matching's
# subscriptions: each one takes the frequency of the subscription that brought it (instant without one).

from django.db import migrations, models
from django.db.models import OuterRef, Subquery


def copy_frequency(apps, schema_editor):
    Notification = apps.get_model("notifications", "Notification")
    Subscription = apps.get_model("matching", "Subscription")
    db = schema_editor.connection.alias
    Notification.objects.using(db).filter(subscription__isnull=False).update(
        frequency=Subquery(
            Subscription.objects.using(db).filter(pk=OuterRef("subscription_id")).values("frequency")[:1]
        )
    )


class Migration(migrations.Migration):

    dependencies = [
        ('matching', '0004_move_notification_to_notifications'),
        ('notifications', '0002_notification_table'),
    ]

    operations = [
        migrations.AddField(
            model_name='notification',
            name='frequency',
            field=models.CharField(choices=[('instant', 'Instantly'), ('daily', 'Daily digest'), ('weekly', 'Weekly digest'), ('never', 'In the platform only')], default='instant', max_length=10, verbose_name='e-mail frequency'),
        ),
        migrations.RunPython(copy_frequency, migrations.RunPython.noop),
    ]
