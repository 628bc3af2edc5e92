"""Backup and restore: a backup restored into a fresh database has every row, and a damaged,
incompatible or misdirected backup is refused before anything is touched."""

import hashlib
import io
import json
import sqlite3
import uuid
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.db.utils import load_backend

from keqiao.common.models import ListingEvent
from keqiao.contracts.models import Contract
from keqiao.negotiations.tests.conftest import *  # noqa: F403 - the make_deal and make_contract fixtures
from keqiao.portal import backup

POSTGRES = connection.vendor == "postgresql"
# A backup sees committed data only (pg_dump is another process; SQLite's backup cannot run inside a
# transaction), so these tests commit; serialized_rollback brings back the reference data afterwards.
committed = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _connect(settings_dict):
    if settings_dict["ENGINE"].endswith("sqlite3"):
        return sqlite3.connect(settings_dict["NAME"], uri=True)  # the test database is a shared in-memory URI
    return backup.pg_connect(settings_dict)


def _tables(conn) -> list[str]:
    if isinstance(conn, sqlite3.Connection):
        sql = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'"
    else:
        sql = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
    return sorted(r[0] for r in conn.execute(sql).fetchall())


def _snapshot(settings_dict) -> dict:
    """Row counts of every table, and a digest of every row of the contracts and the audit events."""
    audited = [Contract._meta.db_table] + [
        m._meta.db_table for m in apps.get_models() if issubclass(m, ListingEvent)
    ]
    conn = _connect(settings_dict)
    try:
        counts = {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in _tables(conn)}  # noqa: S608
        digests = {}
        for table in audited:
            rows = conn.execute(f'SELECT * FROM "{table}" ORDER BY id').fetchall()  # noqa: S608
            digests[table] = hashlib.sha256(repr(rows).encode()).hexdigest()
    finally:
        conn.close()
    return {"counts": counts, "digests": digests}


def _verify_audit(settings_dict) -> dict:
    """`verify_audit` run against another database (the restored one), through a temporary alias."""
    connections["restored"] = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(
        dict(settings_dict), "restored"
    )
    out = io.StringIO()
    try:
        call_command("verify_audit", "--database", "restored", stdout=out)
    finally:
        connections["restored"].close()
        del connections["restored"]
    return json.loads(out.getvalue().strip().splitlines()[-1])


@pytest.fixture
def scratch_database(tmp_path):
    """A settings dict for a new, empty database, dropped afterwards (a file on SQLite)."""
    source = connection.settings_dict
    if not POSTGRES:
        yield {**source, "NAME": str(tmp_path / "restored.sqlite3")}
        return
    name = f"{source['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    with backup.pg_connect(source, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
    try:
        yield {**source, "NAME": name}
    finally:
        with backup.pg_connect(source, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _latest(app: str) -> str:
    """The app's latest migration, as the manifest names it ("contracts.0006_…")."""
    from django.db.migrations.loader import MigrationLoader

    return next(f"{a}.{name}" for a, name in MigrationLoader(None).graph.leaf_nodes() if a == app)


@committed
def test_a_restored_backup_has_every_row(
    make_achievement, make_demand, make_deal, make_contract, scratch_database, tmp_path, settings
):
    make_deal("agreed")
    make_demand("published")
    make_contract("approved")
    make_contract("returned")
    default_storage.save("achievements/1/report.pdf", ContentFile(b"%PDF-1.4 test"))
    assert Contract.objects.count() == 2
    before = _snapshot(connection.settings_dict)
    assert (
        before["counts"]["contracts_contractevent"] >= 4 and before["counts"]["achievements_achievementevent"]
    )

    result = backup.create_backup(tmp_path / "backups")
    manifest = json.loads((result.path / "manifest.json").read_text())
    assert manifest["database"]["vendor"] == connection.vendor
    assert manifest["row_counts"] == before["counts"]
    assert set(manifest["files"]) == {manifest["database"]["file"], "media.tar.gz"}
    assert _latest("contracts") in manifest["migrations"]["leaf_nodes"]
    assert manifest["media"]["files"] == 1

    media = tmp_path / "restored-media"
    summary = backup.restore_backup(result.path, settings_dict=scratch_database, media_root=media)
    assert summary["pending_migrations"] == [] and summary["files"] == 1
    assert _snapshot(scratch_database) == before
    assert (media / "achievements/1/report.pdf").read_bytes() == b"%PDF-1.4 test"
    # the audit trail's chains hold in the restored database, with the heads of the original
    restored, here = _verify_audit(scratch_database), _verify_audit(connection.settings_dict)
    assert restored["ok"] and restored["tables"] == here["tables"]
    assert restored["tables"]["contracts_contractevent"]["rows"] >= 4

    # Into a database that now has tables: refused unless forced, and forced it is the same again.
    with pytest.raises(backup.BackupError, match="is not empty"):
        backup.restore_backup(result.path, settings_dict=scratch_database, media_root=tmp_path / "other")
    backup.restore_backup(result.path, settings_dict=scratch_database, media_root=media, force=True)
    assert _snapshot(scratch_database) == before


@pytest.fixture
def made(tmp_path, make_achievement):
    make_achievement("published")
    return backup.create_backup(tmp_path / "backups").path


def _edit_manifest(path, change):
    manifest = json.loads((path / "manifest.json").read_text())
    change(manifest)
    (path / "manifest.json").write_text(json.dumps(manifest))


@committed
def test_a_damaged_backup_is_refused_before_anything_is_touched(made, scratch_database, tmp_path):
    with open(made / "media.tar.gz", "ab") as fh:
        fh.write(b"x")
    with pytest.raises(backup.BackupError, match="checksum of media.tar.gz"):
        backup.restore_backup(made, settings_dict=scratch_database, media_root=tmp_path / "m")
    (made / backup.DATABASE_FILES[backup.vendor_of(connection.settings_dict)]).unlink()
    with pytest.raises(backup.BackupError, match="is missing"):
        backup.read_manifest(made)
    assert not (tmp_path / "m").exists()
    with pytest.raises(backup.BackupError, match="no manifest.json"):
        backup.read_manifest(tmp_path)


@committed
def test_a_backup_of_a_newer_version_or_another_database_is_refused(made, scratch_database, tmp_path):
    _edit_manifest(made, lambda m: m["migrations"]["applied"].append("contracts.9999_from_the_future"))
    with pytest.raises(backup.BackupError, match="newer version.*contracts.9999_from_the_future"):
        backup.restore_backup(made, settings_dict=scratch_database, media_root=tmp_path / "m")
    _edit_manifest(made, lambda m: m["database"].update(vendor="oracle"))
    with pytest.raises(backup.BackupError, match="backup is of a oracle database"):
        backup.restore_backup(made, settings_dict=scratch_database, media_root=tmp_path / "m")


@committed
def test_an_older_backup_names_the_migrations_to_apply(made, scratch_database, tmp_path):
    # the manifest names each app's latest applied migration: a backup made one contracts migration earlier
    latest = _latest("contracts")
    _edit_manifest(made, lambda m: m["migrations"]["applied"].remove(latest))
    summary = backup.restore_backup(made, settings_dict=scratch_database, media_root=tmp_path / "m")
    assert summary["pending_migrations"] == [latest]


@committed
def test_the_commands(made, tmp_path):
    out = io.StringIO()
    call_command("backup", str(tmp_path / "more"), stdout=out)
    written = Path(out.getvalue().splitlines()[-1])
    assert written.parent == tmp_path / "more" and (written / "manifest.json").is_file()
    # The configured database has tables (on SQLite, the tests' is in memory): the command refuses.
    with pytest.raises(CommandError, match="not empty.*--force" if POSTGRES else "in-memory SQLite"):
        call_command("restore", str(made))
    with pytest.raises(CommandError, match="not a backup"):
        call_command("restore", str(tmp_path))


def test_no_password_on_the_command_line(monkeypatch):
    seen = {}
    monkeypatch.setattr(backup, "_tool", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(backup, "_run", lambda args, env: seen.update(args=args, env=env))
    settings_dict = {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": "keqiao",
        "USER": "keqiao",
        "PASSWORD": "s3cret-pw",
        "HOST": "db.internal",
        "PORT": 5432,
        "OPTIONS": {"sslmode": "require", "pool": True},
    }
    backup._restore_postgresql(Path("/backups/database.dump"), settings_dict, {"row_counts": {}}, force=False)
    assert seen["args"][-2:] == ["--dbname=keqiao", "/backups/database.dump"]
    assert not any("s3cret" in a or "db.internal" in a for a in seen["args"])
    env = seen["env"]
    assert (env["PGPASSWORD"], env["PGHOST"], env["PGPORT"], env["PGUSER"]) == (
        "s3cret-pw",
        "db.internal",
        "5432",
        "keqiao",
    )
    assert env["PGSSLMODE"] == "require" and "PGPOOL" not in env
