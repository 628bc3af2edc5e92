"""Backups of the database and the uploaded files, and their restore.

A backup is a directory holding the database (`database.dump`, pg_dump's custom format, on PostgreSQL;
`database.sqlite3`, a copy made with SQLite's online backup API, on SQLite), the files under MEDIA_ROOT
(`media.tar.gz`) and `manifest.json`: when and from which database it was made, the version of the
application, the migrations applied, the row count of every table and the SHA-256 of every file.

The row counts and the applied migrations are read from the same state of the database as the dump: on
PostgreSQL inside the snapshot that pg_dump is given, on SQLite from the copy itself. A restore checks
every checksum and that this version of the application knows every migration of the backup before it
touches anything, and compares the row counts of the restored database with the manifest afterwards.

Passwords never appear on a command line: pg_dump and pg_restore get the connection in PG* variables.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess  # noqa: S404 - pg_dump and pg_restore, with fixed arguments and no shell  # nosec B404
import tarfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

import psycopg
from django.conf import settings
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_ARCHIVE = "media.tar.gz"
DATABASE_FILES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
VENDORS = {"django.db.backends.postgresql": "postgresql", "django.db.backends.sqlite3": "sqlite"}
# Connection settings passed to libpq as environment variables (OPTIONS keys that libpq understands).
_PG_ENV = {
    "HOST": "PGHOST",
    "PORT": "PGPORT",
    "USER": "PGUSER",
    "PASSWORD": "PGPASSWORD",  # nosec B105  # an environment variable name, not a password
    "NAME": "PGDATABASE",
}
_PG_OPTION_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "application_name": "PGAPPNAME",
    "options": "PGOPTIONS",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
    "service": "PGSERVICE",
    "passfile": "PGPASSFILE",
}
_TIMEOUT = 6 * 3600  # seconds; a dump or restore that takes longer is stuck


class BackupError(Exception):
    """The backup cannot be made or restored; the message says why, for the operator."""


@dataclass
class Result:
    path: Path
    manifest: dict


# -- helpers ---------------------------------------------------------------------------------------------


def vendor_of(settings_dict: dict) -> str:
    try:
        return VENDORS[settings_dict["ENGINE"]]
    except KeyError:
        raise BackupError(f"Unsupported database engine {settings_dict['ENGINE']!r}.") from None


def app_version() -> str:
    try:
        with open(Path(settings.BASE_DIR) / "pyproject.toml", "rb") as fh:
            return tomllib.load(fh)["project"]["version"]
    except (OSError, KeyError, tomllib.TOMLDecodeError):
        return "unknown"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def pg_environ(settings_dict: dict, name: str | None = None) -> dict[str, str]:
    """The environment for pg_dump/pg_restore: the process's, plus the connection as PG* variables."""
    env = dict(os.environ)
    values = {**settings_dict, "NAME": name or settings_dict["NAME"]}
    for key, var in _PG_ENV.items():
        if values.get(key):
            env[var] = str(values[key])
    for key, var in _PG_OPTION_ENV.items():
        if (settings_dict.get("OPTIONS") or {}).get(key):
            env[var] = str(settings_dict["OPTIONS"][key])
    return env


def pg_connect(settings_dict: dict, name: str | None = None, **kwargs) -> psycopg.Connection:
    params = {
        "dbname": name or settings_dict["NAME"],
        "user": settings_dict.get("USER") or None,
        "password": settings_dict.get("PASSWORD") or None,
        "host": settings_dict.get("HOST") or None,
        "port": settings_dict.get("PORT") or None,
    }
    params.update({k: v for k, v in (settings_dict.get("OPTIONS") or {}).items() if k in _PG_OPTION_ENV})
    return psycopg.connect(**{k: v for k, v in params.items() if v not in (None, "")}, **kwargs)


def _pg_tables(conn) -> list[str]:
    rows = conn.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE c.relkind IN ('r', 'p') AND n.nspname = ANY(current_schemas(false)) ORDER BY c.relname"
    ).fetchall()
    return [r[0] for r in rows]


def _sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name"
    ).fetchall()
    return [r[0] for r in rows]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _row_counts(execute, tables: list[str]) -> dict[str, int]:
    return {t: execute(f"SELECT COUNT(*) FROM {_quote(t)}").fetchone()[0] for t in tables}  # noqa: S608  # nosec B608  # quoted names of the database's own tables


def _applied(execute, tables: list[str]) -> list[str]:
    if "django_migrations" not in tables:
        return []
    return sorted(
        f"{app}.{name}" for app, name in execute("SELECT app, name FROM django_migrations").fetchall()
    )


def _leaf_nodes(applied: list[str], loader: MigrationLoader) -> list[str]:
    """The applied migrations that no applied migration depends on (the state, app by app)."""
    done = {tuple(key.split(".", 1)) for key in applied}
    leaves = []
    for key in sorted(done):
        node = loader.graph.node_map.get(key)
        if node is None or not any(child.key in done for child in node.children):
            leaves.append(".".join(key))
    return leaves


def sqlite_path(settings_dict: dict) -> Path:
    name = str(settings_dict["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        raise BackupError("The database is an in-memory SQLite database; there is nothing to restore into.")
    return Path(name)


def _tool(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise BackupError(f"{name} was not found on PATH; install the PostgreSQL client programs.")
    return found


def _run(args: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(args, env=env, capture_output=True, text=True, timeout=_TIMEOUT, check=False)  # noqa: S603  # nosec B603  # pg_dump/pg_restore, no shell
    if result.returncode != 0:
        raise BackupError(
            f"{Path(args[0]).name} failed (exit {result.returncode}): {result.stderr.strip()[-2000:]}"
        )


def _media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


# -- backup ----------------------------------------------------------------------------------------------


def create_backup(
    dest_dir: Path | str, *, using: str = "default", media_root: Path | str | None = None
) -> Result:
    """Write a new backup directory `keqiao-<time>` under `dest_dir` and return it with its manifest.

    The directory is written under a hidden name and renamed when complete, so a backup that failed
    half-way never looks like one.
    """
    connection = connections[using]
    vendor = vendor_of(connection.settings_dict)
    media_root = Path(media_root or settings.MEDIA_ROOT)
    created = timezone.now()
    name = f"keqiao-{created.astimezone(datetime.UTC):%Y%m%dT%H%M%SZ}"
    dest_dir = Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    final = dest_dir / name
    if final.exists():
        raise BackupError(f"{final} already exists.")
    work = dest_dir / f".{name}.partial"
    work.mkdir(mode=0o700)
    try:
        db_file = work / DATABASE_FILES[vendor]
        if vendor == "sqlite":
            counts, applied = _backup_sqlite(connection, db_file)
        else:
            counts, applied = _backup_postgresql(connection.settings_dict, db_file)
        files = 0
        with tarfile.open(work / MEDIA_ARCHIVE, "w:gz") as tar:
            for path in _media_files(media_root):
                try:
                    tar.add(path, arcname=path.relative_to(media_root).as_posix(), recursive=False)
                except FileNotFoundError:
                    continue  # deleted since the listing (its row is gone too, or soon will be)
                files += 1
        manifest = {
            "format": FORMAT,
            "application": "keqiao",
            "app_version": app_version(),
            "created_at": created.isoformat(),
            "database": {"vendor": vendor, "file": db_file.name},
            "migrations": {
                "leaf_nodes": _leaf_nodes(applied, MigrationLoader(None, ignore_no_migrations=True)),
                "applied": applied,
            },
            "row_counts": counts,
            "media": {"file": MEDIA_ARCHIVE, "files": files},
            "files": {p.name: sha256_of(p) for p in sorted(work.iterdir())},
        }
        (work / MANIFEST).write_text(
            json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        for path in work.iterdir():
            path.chmod(0o600)
        work.rename(final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return Result(final, manifest)


def _backup_sqlite(connection, db_file: Path) -> tuple[dict[str, int], list[str]]:
    if connection.in_atomic_block:
        # SQLite's backup waits for the open write transaction to end, which would be never.
        raise BackupError("A SQLite backup cannot be made inside a transaction.")
    connection.ensure_connection()
    target = sqlite3.connect(db_file)
    try:
        connection.connection.backup(target)
        tables = _sqlite_tables(target)
        return _row_counts(target.execute, tables), _applied(target.execute, tables)
    finally:
        target.close()


def _backup_postgresql(settings_dict: dict, db_file: Path) -> tuple[dict[str, int], list[str]]:
    pg_dump = _tool("pg_dump")
    # One snapshot for the dump, the row counts and the migrations: they describe the same state.
    with pg_connect(settings_dict) as conn:
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        tables = _pg_tables(conn)
        counts, applied = _row_counts(conn.execute, tables), _applied(conn.execute, tables)
        _run(
            [pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={db_file}"],
            pg_environ(settings_dict),
        )
        conn.rollback()
    return counts, applied


# -- restore ---------------------------------------------------------------------------------------------


def read_manifest(backup_dir: Path | str) -> dict:
    """The manifest of a backup, after checking every file's checksum; raises BackupError otherwise."""
    backup_dir = Path(backup_dir)
    try:
        manifest = json.loads((backup_dir / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{backup_dir} is not a backup: it has no {MANIFEST}.") from None
    except (OSError, ValueError) as exc:
        raise BackupError(f"{backup_dir / MANIFEST} cannot be read: {exc}") from None
    if manifest.get("application") != "keqiao" or manifest.get("format") != FORMAT:
        raise BackupError(f"{backup_dir} is not a backup of this format (format {manifest.get('format')!r}).")
    for name, expected in manifest["files"].items():
        path = backup_dir / name
        if Path(name).name != name or not path.is_file():
            raise BackupError(f"The backup is incomplete: {name} is missing.")
        if sha256_of(path) != expected:
            raise BackupError(f"The backup is damaged: the checksum of {name} does not match the manifest.")
    for needed in (manifest["database"]["file"], manifest["media"]["file"]):
        if needed not in manifest["files"]:
            raise BackupError(f"The backup is incomplete: {needed} is not listed in the manifest.")
    return manifest


def check_compatible(manifest: dict, vendor: str, loader: MigrationLoader) -> list[str]:
    """Refuse a backup this installation cannot take; return the migrations it will still need to apply."""
    if manifest["database"]["vendor"] != vendor:
        raise BackupError(
            f"The backup is of a {manifest['database']['vendor']} database; this installation uses {vendor}."
        )
    known = {f"{app}.{name}" for app, name in loader.disk_migrations}
    unknown = sorted(set(manifest["migrations"]["applied"]) - known)
    if unknown:
        raise BackupError(
            f"The backup was made by a newer version of the application (version {manifest['app_version']}): "
            f"this version does not have the migrations {', '.join(unknown[:5])}"
            f"{' …' if len(unknown) > 5 else ''}. Install that version first."
        )
    return sorted(known - set(manifest["migrations"]["applied"]))


def existing_tables(settings_dict: dict) -> list[str]:
    if vendor_of(settings_dict) == "sqlite":
        path = sqlite_path(settings_dict)
        if not path.exists():
            return []
        conn = sqlite3.connect(path)
        try:
            return _sqlite_tables(conn)
        finally:
            conn.close()
    with pg_connect(settings_dict) as conn:
        return _pg_tables(conn)


def restore_backup(
    backup_dir: Path | str,
    *,
    settings_dict: dict,
    media_root: Path | str,
    force: bool = False,
    before_write=None,
) -> dict:
    """Restore a backup into the database described by `settings_dict` and into `media_root`.

    Returns a summary: tables and files restored, and the migrations still to apply. Raises BackupError,
    before anything is changed, when the backup is damaged or incompatible, or when the database or the
    media directory is not empty and `force` is false. `before_write` is called once all checks passed.
    """
    backup_dir = Path(backup_dir)
    media_root = Path(media_root)
    manifest = read_manifest(backup_dir)
    vendor = vendor_of(settings_dict)
    pending = check_compatible(manifest, vendor, MigrationLoader(None, ignore_no_migrations=True))
    if not force:
        tables = existing_tables(settings_dict)
        if tables:
            raise BackupError(
                f"The database {settings_dict['NAME']} is not empty ({len(tables)} tables). Restore into a new, "
                "empty database, or pass --force to replace its contents with the backup."
            )
        if _media_files(media_root):
            raise BackupError(
                f"The media directory {media_root} is not empty. Restore into an empty one, or pass --force "
                "to add the backup's files to it (files of the same name are replaced)."
            )
    if before_write is not None:
        before_write()
    db_file = backup_dir / manifest["database"]["file"]
    if vendor == "sqlite":
        _restore_sqlite(db_file, sqlite_path(settings_dict))
    else:
        _restore_postgresql(db_file, settings_dict, manifest, force=force)
    files = _restore_media(backup_dir / manifest["media"]["file"], media_root)
    counts = restored_row_counts(settings_dict)
    differing = sorted(t for t, n in manifest["row_counts"].items() if counts.get(t) != n)
    if differing:
        raise BackupError(
            f"The restored row counts differ from the manifest in: {', '.join(differing[:10])}."
        )
    return {
        "tables": len(counts),
        "rows": sum(counts.values()),
        "files": files,
        "pending_migrations": pending,
    }


def restored_row_counts(settings_dict: dict) -> dict[str, int]:
    if vendor_of(settings_dict) == "sqlite":
        conn = sqlite3.connect(sqlite_path(settings_dict))
        try:
            return _row_counts(conn.execute, _sqlite_tables(conn))
        finally:
            conn.close()
    with pg_connect(settings_dict) as conn:
        return _row_counts(conn.execute, _pg_tables(conn))


def _restore_sqlite(db_file: Path, target_path: Path) -> None:
    target_path.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
    target = sqlite3.connect(target_path)
    try:
        # The backup API replaces the target's whole contents, page by page, in one step.
        source.backup(target)
    finally:
        target.close()
        source.close()


def _restore_postgresql(db_file: Path, settings_dict: dict, manifest: dict, *, force: bool) -> None:
    pg_restore = _tool("pg_restore")
    args = [pg_restore, "--exit-on-error", "--single-transaction", "--no-owner", "--no-privileges"]
    if force:
        # Tables the backup does not have (a newer migration's) would survive --clean: drop them first.
        with pg_connect(settings_dict) as conn:
            for table in set(_pg_tables(conn)) - set(manifest["row_counts"]):
                conn.execute(f"DROP TABLE IF EXISTS {_quote(table)} CASCADE")  # noqa: S608
        args += ["--clean", "--if-exists"]
    _run([*args, f"--dbname={settings_dict['NAME']}", str(db_file)], pg_environ(settings_dict))


def _restore_media(archive: Path, media_root: Path) -> int:
    media_root.mkdir(parents=True, exist_ok=True)
    root = media_root.resolve()
    with tarfile.open(archive, "r:gz") as tar:
        members = tar.getmembers()
        for member in members:
            target = (root / member.name).resolve()
            if not (member.isfile() or member.isdir()) or not target.is_relative_to(root):
                raise BackupError(f"The media archive holds an unsafe entry: {member.name!r}.")
        tar.extractall(root, members=members, filter="data")  # noqa: S202 - every member checked above
    return sum(1 for m in members if m.isfile())
