# The Notification model moves here from the matching app with every row: this migration only
# declares it in this app's state, on the table matching already has (no database operation).
# matching.0004 then drops it from matching's state, and 0002 renames the table.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('matching', '0003_alter_notification_verb'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Notification',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('verb', models.CharField(max_length=30, verbose_name='kind')),
                        ('title', models.CharField(max_length=300, verbose_name='title')),
                        ('url', models.CharField(blank=True, max_length=300, verbose_name='link')),
                        ('reason', models.CharField(blank=True, max_length=300, verbose_name='reason')),
                        ('key', models.CharField(max_length=120, verbose_name='key')),
                        ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                        ('read_at', models.DateTimeField(blank=True, null=True, verbose_name='read at')),
                        ('emailed_at', models.DateTimeField(blank=True, null=True, verbose_name='e-mailed at')),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to=settings.AUTH_USER_MODEL, verbose_name='user')),
                        ('subscription', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to='matching.subscription', verbose_name='subscription')),
                    ],
                    options={
                        'verbose_name': 'notification',
                        'verbose_name_plural': 'notifications',
                        'ordering': ['-created_at', '-id'],
                        'db_table': 'matching_notification',
                        'indexes': [
                            models.Index(fields=['user', 'read_at'], name='matching_no_user_id_8bf1c1_idx'),
                            models.Index(fields=['emailed_at'], name='matching_no_emailed_74f9cc_idx'),
                        ],
                        'constraints': [
                            models.UniqueConstraint(fields=('user', 'key'), name='notification_user_key_uniq'),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
