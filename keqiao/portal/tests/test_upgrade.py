"""An upgrade loses nothing: a database at the migration state of an older version, with data made
through the services, is upgraded by `manage.py upgrade` (what deploy/upgrade.sh runs), and every
table's row count and every row's content are the same afterwards; the audit chains still verify.

The older state is the one before the audit chains (four migrations: achievements, demands,
negotiations, contracts), reached by migrating back; going forward recomputes every hash, so a
changed or lost row shows as a different checksum."""

import hashlib
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection

from keqiao.negotiations.tests.conftest import *  # noqa: F403 - the make_deal and make_contract fixtures
from keqiao.portal.management.commands.upgrade import pending_migrations

committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)

OLDER = [("achievements", "0001"), ("demands", "0003"), ("negotiations", "0002"), ("contracts", "0003")]
ADDED = {
    "achievements.0002_achievementevent_chain",
    "demands.0004_demandevent_chain",
    "negotiations.0003_dealevent_chain",
    "contracts.0004_licence_kind_labels",
}


def _state() -> dict:
    """Row count and SHA-256 of the rows (ordered) of every table but the migration records."""
    state = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names()):
            if table == "django_migrations":
                continue
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT * FROM {quoted} ORDER BY 1")  # noqa: S608 - table names from the database
            rows = cursor.fetchall()
            state[table] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return state


@committed
def test_an_upgrade_from_an_older_version_keeps_every_row(
    make_achievement, make_demand, make_deal, make_contract, tmp_path, settings
):
    settings.STATIC_ROOT = tmp_path / "static"
    make_achievement("published")
    make_achievement("draft")
    make_demand("published")
    make_deal("agreed")
    make_contract("approved")
    make_contract("returned")
    before = _state()
    assert before["achievements_achievementevent"][0] > 0 and before["negotiations_dealevent"][0] > 0
    assert before["contracts_contractevent"][0] > 0 and before["demands_demandevent"][0] > 0

    for app, older in OLDER:  # the database as the older version left it
        call_command("migrate", app, older, verbosity=0)
    assert ADDED <= set(pending_migrations())
    with connection.cursor() as cursor:
        columns = [
            c.name
            for c in connection.introspection.get_table_description(cursor, "achievements_achievementevent")
        ]
    assert "row_hash" not in columns

    older = _state()
    out = io.StringIO()
    call_command("upgrade", "--dry-run", stdout=out)
    listed = {line.strip() for line in out.getvalue().splitlines() if line.startswith("  ")}
    assert ADDED <= listed and "would run: migrate, compile_translations" in out.getvalue()
    assert _state() == older  # the dry run changes nothing

    out = io.StringIO()
    call_command("upgrade", "--no-static", stdout=out)
    assert "== migrate" in out.getvalue() and "== rebuild_search_index" in out.getvalue()
    assert pending_migrations() == []

    after = _state()
    assert after.keys() == before.keys()
    # Every table the older version had keeps every row (tables of later migrations were dropped by
    # migrating back, so they start empty again: the older version never had their rows).
    changed = sorted(t for t in before if t in older and before[t] != after[t])
    assert changed == [], changed

    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    assert json.loads(out.getvalue().strip().splitlines()[-1])["ok"] is True


@committed
def test_the_dry_run_of_an_up_to_date_database():
    out = io.StringIO()
    call_command("upgrade", "--dry-run", "--no-index", stdout=out)
    assert out.getvalue().splitlines()[0] == "0 pending migration(s)"
    assert out.getvalue().splitlines()[-1] == "would run: migrate, compile_translations, collectstatic"


def test_the_upgrade_script_has_every_step_in_order():
    from pathlib import Path

    script = (Path(__file__).resolve().parents[3] / "deploy" / "upgrade.sh").read_text()
    order = [
        "manage check_env_file",
        "manage backup",
        "manage maintenance on",
        "systemctl stop keqiao-beat.service",
        "systemctl stop keqiao-worker.service",
        "pip install --quiet --disable-pip-version-check -r requirements.lock",
        "manage migrate --noinput",
        "manage_root compile_translations",
        "manage_root collectstatic --noinput",
        "manage rebuild_search_index",
        "systemctl restart keqiao.service",
        "systemctl start keqiao-worker.service",
        "systemctl start keqiao-beat.service",
        "curl -fsS",
        "manage maintenance off",
    ]
    positions = [script.index(step, script.index('DRY_RUN" = true')) for step in order[1:]]
    assert positions == sorted(positions)
    assert "manage upgrade --dry-run" in script
