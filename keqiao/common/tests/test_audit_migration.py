"""The migrations that introduce the audit chain compute it for the rows already there.

A database is migrated back to just before them (which also checks that they reverse), audit rows are
written through the historical models, in an order where ids and times disagree, and the database is
migrated forward: every chain must verify, and every row must keep its content.
"""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from keqiao.common import audit

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

BEFORE = [
    ("accounts", "0004_organization_supervisor"),
    ("achievements", "0001_initial"),
    ("demands", "0003_alter_demand_budget_private"),
]
AUDITED = [
    ("accounts", "OrganizationEvent"),
    ("achievements", "AchievementEvent"),
    ("demands", "DemandEvent"),
]
CONTENT = ["id", "action", "note", "created_at", "actor_id"]


def _fill(apps) -> None:
    Region = apps.get_model("common", "Region")
    Organization = apps.get_model("accounts", "Organization")
    User = apps.get_model("accounts", "User")
    region = Region.objects.get(code="511402")
    org = Organization.objects.create(
        name="眉山链测大学",
        kind="university",
        status="verified",
        credit_code="12511400MB0000009X",
        region=region,
    )
    user = User.objects.create(username="chain-check", email="chain@example.cn")
    achievement = apps.get_model("achievements", "Achievement").objects.create(
        organization=org,
        title="竹纤维增强复合材料",
        summary="竹纤维",
        tech_field="new_materials",
        status="draft",
    )
    demand = apps.get_model("demands", "Demand").objects.create(
        organization=org,
        title="泡菜低盐发酵",
        problem="需要低盐发酵工艺",
        tech_field="agriculture",
        region=region,
    )
    OrgEvent = apps.get_model("accounts", "OrganizationEvent")
    AchEvent = apps.get_model("achievements", "AchievementEvent")
    DemEvent = apps.get_model("demands", "DemandEvent")
    for i in range(7):
        OrgEvent.objects.create(
            organization=org, actor=user if i % 2 else None, action="note", note=f"第{i}条"
        )
        AchEvent.objects.create(
            achievement=achievement,
            actor=user,
            action="edit",
            to_status="draft",
            note="修改" * i,
            changes={"title": ["旧", f"新{i}"], "n": i / 3},
        )
        DemEvent.objects.create(demand=demand, actor=user, action="edit", to_status="draft")
    # times that do not follow the ids (the chain follows the ids)
    AchEvent.objects.filter(pk=AchEvent.objects.order_by("pk")[2].pk).update(
        created_at=timezone.now() - datetime.timedelta(days=400)
    )


def _content(apps) -> dict:
    return {
        name: list(apps.get_model(app, name).objects.order_by("pk").values_list(*CONTENT))
        for app, name in AUDITED
    }


def test_existing_rows_are_chained_by_the_migration():
    executor = MigrationExecutor(connection)
    targets = executor.loader.graph.leaf_nodes()
    executor.migrate(BEFORE)
    executor.loader.build_graph()
    old_apps = executor.loader.project_state(BEFORE).apps
    columns = {
        c.name
        for c in connection.introspection.get_table_description(
            connection.cursor(), "accounts_organizationevent"
        )
    }
    assert "row_hash" not in columns  # the migration reversed
    _fill(old_apps)
    before = _content(old_apps)

    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    new_apps = executor.loader.project_state(targets).apps
    assert _content(new_apps) == before
    for app, name in AUDITED:
        model = new_apps.get_model(app, name)
        report = audit.verify_table(model)
        assert report.ok and report.rows == 7, (name, report.first_break)
        first = model.objects.order_by("pk").first()
        assert first.prev_hash == "" and len(first.row_hash) == 64
    # the application's own models agree, and append after the migrated rows
    from keqiao.accounts.models import Organization, OrganizationEvent

    OrganizationEvent.objects.create(
        organization=Organization.objects.get(name="眉山链测大学"), action="verified"
    )
    assert audit.verify_table(OrganizationEvent).rows == 8 and audit.verify_table(OrganizationEvent).ok
