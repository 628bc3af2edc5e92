"""Audit rows become append-only and chained by hash (SupervisionEvent).

The two hash columns are added empty, the chain of the rows already there is computed in id order
(`keqiao.common.audit.chain_existing_rows`), then the hashes are made unique. The foreign keys protect
what the rows point to, and `created_at` takes its default from the audit clock (no change of column).
Reversible: going back drops the two columns.
"""

import django.db.models.deletion
import keqiao.common.audit
from keqiao.common.audit import chain_existing_rows
from django.conf import settings
from django.db import migrations, models


def chain(apps, schema_editor):
    for name in ("SupervisionEvent",):
        chain_existing_rows(apps.get_model("supervision", name), schema_editor.connection.alias)


class Migration(migrations.Migration):

    dependencies = [
        ('common', '0003_audit_chain_head'),
        ('governance', '0002_meishan_plan'),
        ('supervision', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='supervisionevent',
            name='prev_hash',
            field=models.CharField(default='', editable=False, max_length=64, verbose_name='hash of the previous row'),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name='supervisionevent',
            name='row_hash',
            field=models.CharField(default='', editable=False, max_length=64, verbose_name='row hash'),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name='supervisionevent',
            name='actor',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='by'),
        ),
        migrations.AlterField(
            model_name='supervisionevent',
            name='created_at',
            field=models.DateTimeField(default=keqiao.common.audit.recorded_now, editable=False, verbose_name='at'),
        ),
        migrations.AlterField(
            model_name='supervisionevent',
            name='task',
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='supervision_events', to='governance.task', verbose_name='task'),
        ),
        migrations.RunPython(chain, migrations.RunPython.noop, elidable=False),
        migrations.AddConstraint(
            model_name='supervisionevent',
            constraint=models.UniqueConstraint(fields=('prev_hash',), name='supervision_supervisionevent_prev_hash_uniq'),
        ),
        migrations.AddConstraint(
            model_name='supervisionevent',
            constraint=models.UniqueConstraint(fields=('row_hash',), name='supervision_supervisionevent_row_hash_uniq'),
        ),
    ]
