"""Moving Notification from matching to this app keeps every row (run on SQLite and PostgreSQL)."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from keqiao.accounts.models import User
from keqiao.notifications.models import Notification

BEFORE_THE_MOVE = [("matching", "0003_alter_notification_verb"), ("notifications", None)]
FIELDS = ["id", "user_id", "verb", "title", "url", "reason", "key", "created_at", "read_at", "emailed_at"]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_moving_the_model_keeps_every_row_and_its_content_type():
    alice = User.objects.create_user(username="alice", email="alice@example.com")
    bob = User.objects.create_user(username="bob", email="bob@example.com")
    # The database as it was before the move, the content type still under matching.
    ct = ContentType.objects.get(app_label="notifications", model="notification")
    permission_ids = set(Permission.objects.filter(content_type=ct).values_list("pk", flat=True))
    assert permission_ids
    ContentType.objects.filter(pk=ct.pk).update(app_label="matching")
    ContentType.objects.clear_cache()
    executor = _migrate(BEFORE_THE_MOVE)
    old = executor.loader.project_state([BEFORE_THE_MOVE[0]]).apps
    OldNotification = old.get_model("matching", "Notification")
    Subscription = old.get_model("matching", "Subscription")
    assert OldNotification._meta.db_table == "matching_notification"
    daily = Subscription.objects.create(user_id=alice.pk, kind="query", value="路基", frequency="daily")
    weekly = Subscription.objects.create(
        user_id=bob.pk, kind="field", value="agriculture", frequency="weekly"
    )
    gone = Subscription.objects.create(user_id=bob.pk, kind="query", value="竹", frequency="instant")
    read = timezone.now() - datetime.timedelta(days=2)
    rows = [
        OldNotification.objects.create(
            user_id=alice.pk,
            verb="new_match",
            title="新的匹配",
            url="/a/1/",
            reason="您关注了路基",
            subscription=daily,
            key="new:achievement:1",
        ),
        OldNotification.objects.create(
            user_id=bob.pk,
            verb="new_match",
            title="周报",
            url="/a/2/",
            subscription=weekly,
            key="k2",
        ),
        OldNotification.objects.create(
            user_id=bob.pk,
            verb="deal",
            title="洽谈",
            url="/deals/3/",
            reason="洽谈",
            key="deal:3",
            read_at=read,
            emailed_at=read,
        ),
        OldNotification.objects.create(
            user_id=alice.pk,
            verb="supervision",
            title="督办",
            subscription=gone,
            key="k4",
            emailed_at=read,
        ),
        OldNotification.objects.create(user_id=alice.pk, verb="annual_report", title="年报", key="k5"),
    ]
    before = list(OldNotification.objects.order_by("pk").values(*FIELDS))
    assert [r["id"] for r in before] == [r.pk for r in rows]

    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    ContentType.objects.clear_cache()

    assert Notification._meta.db_table == "notifications_notification"
    assert "matching_notification" not in connection.introspection.table_names()
    assert list(Notification.objects.order_by("pk").values(*FIELDS)) == before
    assert dict(Notification.objects.values_list("key", "frequency")) == {
        "new:achievement:1": "daily",
        "k2": "weekly",
        "deal:3": "instant",
        "k4": "instant",
        "k5": "instant",
    }
    moved = ContentType.objects.get(pk=ct.pk)
    assert (moved.app_label, moved.model) == ("notifications", "notification")
    assert not ContentType.objects.filter(app_label="matching", model="notification").exists()
    assert set(Permission.objects.filter(content_type=moved).values_list("pk", flat=True)) == permission_ids
    # the id sequence went along with the table
    new = Notification.objects.create(user=alice, verb="deal", title="新", key="after-the-move")
    assert new.pk > max(r.pk for r in rows)
