"""The split of `deals` into `negotiations` and `contracts` keeps every row.

A database is migrated to the last state before the split, filled through the historical models (a
deal with its room, offer, meeting, message and invitation; a registered contract with its event,
milestone, payment and registration counter), then migrated forward: the counts and every field of
each row must be the same in the new tables, and the content types must have followed the models.
"""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

LAST_BEFORE = ("deals", "0004_contract_updated_index")
BEFORE = [LAST_BEFORE, ("negotiations", None), ("contracts", None)]

# (old model in `deals`, new app, new model)
MOVED = [
    ("deal", "negotiations", "deal"),
    ("dealevent", "negotiations", "dealevent"),
    ("dealinvitation", "negotiations", "dealinvitation"),
    ("message", "negotiations", "message"),
    ("messageattachment", "negotiations", "messageattachment"),
    ("meeting", "negotiations", "meeting"),
    ("offer", "negotiations", "offer"),
    ("contract", "contracts", "contract"),
    ("contractevent", "contracts", "contractevent"),
    ("milestone", "contracts", "milestone"),
    ("payment", "contracts", "payment"),
    ("dealcounter", "contracts", "registrationcounter"),
]


def _rows(model, names=None) -> list[dict]:
    """Every row as {column: value}; only the columns `names` if given (later migrations add columns)."""
    fields = [f for f in model._meta.concrete_fields if names is None or f.attname in names]
    return [{f.attname: getattr(obj, f.attname) for f in fields} for obj in model.objects.order_by("pk")]


def _fill(apps) -> None:
    Organization = apps.get_model("accounts", "Organization")
    Region = apps.get_model("common", "Region")
    region = Region.objects.filter(code__startswith="5114").first() or Region.objects.create(
        code="511402", name="东坡区", name_en="Dongpo", kind="district"
    )
    User = apps.get_model("accounts", "User")
    Achievement = apps.get_model("achievements", "Achievement")
    get = lambda name: apps.get_model("deals", name)  # noqa: E731
    now = timezone.now()
    seller = Organization.objects.create(
        name="眉山市农林科学院",
        kind="institute",
        status="verified",
        credit_code="12511400MB0000001X",
        region=region,
    )
    buyer = Organization.objects.create(
        name="东坡区泡菜食品有限公司",
        kind="enterprise",
        status="verified",
        credit_code="91511402MA0000002Y",
        region=region,
    )
    user = User.objects.create(username="split-check", email="split@example.cn")
    achievement = Achievement.objects.create(
        organization=seller,
        title="低盐泡菜乳酸菌发酵工艺",
        summary="低盐发酵",
        tech_field="agriculture",
        status="published",
    )
    deal = get("Deal").objects.create(
        achievement=achievement,
        initiator=buyer,
        initiated_by=user,
        counterpart=seller,
        mode="licence_ordinary",
        status="agreed",
        message="希望许可使用",
        last_activity_at=now,
    )
    get("DealEvent").objects.create(deal=deal, actor=user, action="interest", to_status="interest")
    get("DealInvitation").objects.create(deal=deal, user=user, invited_by=user)
    message = get("Message").objects.create(deal=deal, author=user, body="报价见附件")
    get("MessageAttachment").objects.create(
        message=message,
        file="deals/1/a.pdf",
        original_name="报价.pdf",
        size=1024,
        content_type="application/pdf",
    )
    get("Meeting").objects.create(
        deal=deal,
        proposed_by=user,
        proposer_org=buyer,
        starts_at=now + datetime.timedelta(days=3),
        place="眉山天府新区",
    )
    offer = get("Offer").objects.create(
        deal=deal,
        made_by=user,
        side=buyer,
        price=Decimal("350000.00"),
        payment_method="lump_sum",
        mode="licence_ordinary",
    )
    deal.agreed_offer = offer
    deal.save()
    contract = get("Contract").objects.create(
        deal=deal,
        organization=buyer,
        created_by=user,
        project_name="低盐泡菜发酵工艺许可",
        contract_type="transfer",
        seller_name=seller.name,
        seller_nature="021",
        seller_region_code="511402",
        seller_organization=seller,
        buyer_name=buyer.name,
        buyer_nature="021",
        buyer_region_code="511402",
        buyer_organization=buyer,
        contract_amount=Decimal("350000.00"),
        technology_amount=Decimal("300000.00"),
        payment_method="lump_sum",
        signed_on=datetime.date(2026, 10, 8),
        starts_on=datetime.date(2026, 10, 8),
        ends_on=datetime.date(2027, 10, 7),
        ip_type="invention_patent",
        tech_field="agriculture",
        socio_economic_objective="agriculture",
        plan_source="national",
        status="approved",
        registration_number="2026511400000001",
    )
    get("ContractEvent").objects.create(contract=contract, actor=user, action="approve", to_status="approved")
    get("Milestone").objects.create(contract=contract, title="工艺交付", recorded_by=user)
    get("Payment").objects.create(
        contract=contract,
        received_on=datetime.date(2026, 11, 2),
        amount=Decimal("100000.00"),
        recorded_by=user,
    )
    get("DealCounter").objects.create(year=2026, last_serial=1)


@pytest.fixture(autouse=True)
def _fresh_content_type_cache():
    """The migrations rename content types under the cache's feet; later tests must not see stale ids."""
    from django.contrib.contenttypes.models import ContentType

    yield
    ContentType.objects.clear_cache()


def _state_before(executor) -> list[tuple[str, str | None]]:
    """Every app at its last migration in the history of LAST_BEFORE, later apps unapplied: a field added
    afterwards to another app (e.g. achievements) must not be missing from the historical models."""
    plan = executor.loader.graph.forwards_plan(LAST_BEFORE)
    last: dict[str, str] = {}
    for app, name in plan:
        last[app] = name
    apps = {app for app, _name in executor.loader.graph.leaf_nodes()}
    return [(app, last.get(app)) for app in sorted(apps)] + [t for t in BEFORE if t[0] not in last]


def test_split_keeps_every_row_and_field():
    executor = MigrationExecutor(connection)
    targets = executor.loader.graph.leaf_nodes()
    # Everything as it was just before the split (the other apps at their matching state).
    executor.migrate(_state_before(executor))
    executor.loader.build_graph()
    old_apps = executor.loader.project_state(LAST_BEFORE).apps
    _fill(old_apps)
    before = {old: _rows(old_apps.get_model("deals", old)) for old, _app, _model in MOVED}
    assert all(before.values()), "every moved table holds a row before the split"

    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    new_apps = executor.loader.project_state(targets).apps
    tables = set(connection.introspection.table_names())
    ContentType = new_apps.get_model("contenttypes", "ContentType")
    for old, app, model in MOVED:
        new_model = new_apps.get_model(app, model)
        assert new_model._meta.db_table == f"{app}_{model}"
        assert f"{app}_{model}" in tables and f"deals_{old}" not in tables
        assert _rows(new_model, names=set(before[old][0])) == before[old], f"{old} → {app}.{model}"
        assert not ContentType.objects.filter(app_label="deals", model=old).exists()
