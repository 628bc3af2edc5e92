"""The audit trail: rows that are appended, never changed or deleted, and chained by hash.

Every audit table (the `ListingEvent` subclasses, `OrganizationEvent`) stands on `common.models.AuditRow`.
Each row carries `prev_hash`, the `row_hash` of the row before it in the same table (by id; the first row
has ""), and `row_hash`, the SHA-256 of its canonical form: its own content fields and `prev_hash`, as
JSON with sorted keys, no spaces, UTF-8, times in UTC with microseconds (ISO 8601, `+00:00`), foreign
keys as ids, decimals as strings, and fields that are NULL left out (so that a nullable field added to a
table later does not change the hashes of the rows written before it). The row's own id is not hashed:
its place is fixed by the link to its predecessor.

One chain per table keeps an append cheap: the writer takes a per-table lock for the rest of its
transaction and reads the last row's hash in one query (`keqiao_audit_head()` on PostgreSQL, a function
created by the migration `common.0003`; on SQLite writers are already serialised by `BEGIN IMMEDIATE`),
then inserts. Unique constraints on `prev_hash` and `row_hash` make a fork impossible even so.

The ORM refuses to change or delete an audit row (`AppendOnlyError`); foreign keys of audit tables
protect the rows they point to. What the ORM cannot stop, SQL typed by someone with access to the
database, is what `manage.py verify_audit` detects: it recomputes every hash and follows every link.
Whoever can write to the database can also recompute the chain after an edit; the head hashes that
`verify_audit` prints, written down or shipped elsewhere, catch that (`--anchors`).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import decimal
import hashlib
import json
import uuid
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connections, models, transaction
from django.utils import timezone

GENESIS = ""  # the prev_hash of the first row of a chain
NOT_HASHED = frozenset({"id", "prev_hash", "row_hash"})
_UTC = datetime.UTC

# PostgreSQL: lock the table's chain for the rest of the transaction, then read its head. A VOLATILE
# function takes a new snapshot for each statement inside it, so the head it reads includes a row that
# the previous lock holder committed while this transaction waited (one statement could not: its
# snapshot would be taken before the lock is granted).
PG_HEAD_FUNCTION = """
CREATE OR REPLACE FUNCTION keqiao_audit_head(tbl regclass) RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    head text;
BEGIN
    PERFORM pg_advisory_xact_lock((x'4b51'::bigint << 32) | tbl::oid::bigint);
    EXECUTE 'SELECT row_hash FROM ' || tbl::text || ' ORDER BY id DESC LIMIT 1' INTO head;
    RETURN coalesce(head, '');
END
$$;
"""
PG_HEAD_FUNCTION_DROP = "DROP FUNCTION IF EXISTS keqiao_audit_head(regclass);"


class AppendOnlyError(RuntimeError):
    """An attempt to change or delete an audit row through the ORM."""


# -- the time of a row ------------------------------------------------------------------------------------

_recorded_at: contextvars.ContextVar[datetime.datetime | None] = contextvars.ContextVar(
    "keqiao_audit_recorded_at", default=None
)


def recorded_now() -> datetime.datetime:
    """The `created_at` of a new audit row: now, unless `recorded_at` says otherwise."""
    return _recorded_at.get() or timezone.now()


@contextlib.contextmanager
def recorded_at(when: datetime.datetime):
    """Rows appended inside carry `when` as their time (for loading dated history, e.g. demo data)."""
    token = _recorded_at.set(when)
    try:
        yield
    finally:
        _recorded_at.reset(token)


# -- the canonical form and the hash ----------------------------------------------------------------------


def hashed_fields(model) -> list[models.Field]:
    """The content fields of an audit model, in the order of their column names."""
    fields = [f for f in model._meta.concrete_fields if f.attname not in NOT_HASHED]
    return sorted(fields, key=lambda f: f.attname)


_PLAIN = frozenset({str, int, bool, float, dict, list})
_ENCODER = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def _canonical(value):
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is datetime.datetime:
        if value.tzinfo is None:
            raise ValueError("audit rows hold aware times")
        return value.astimezone(_UTC).isoformat(timespec="microseconds")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def digest(values: dict, prev_hash: str) -> str:
    """The row hash of content `values` (column name → value as read from the database) after `prev_hash`."""
    payload = {name: _canonical(v) for name, v in values.items() if v is not None}
    payload["prev_hash"] = prev_hash
    return hashlib.sha256(_ENCODER.encode(payload).encode("utf-8")).hexdigest()


def _as_stored(f: models.Field, value):
    """The value as the database will give it back (JSON through JSON, text as text, ids as ints)."""
    if value is None:
        return None
    if isinstance(f, models.JSONField):
        return json.loads(json.dumps(value, cls=f.encoder))
    return f.to_python(value)


def seal(obj, prev_hash: str) -> None:
    """Set `obj.prev_hash` and `obj.row_hash` for an append after the row whose hash is `prev_hash`."""
    values = {f.attname: _as_stored(f, getattr(obj, f.attname)) for f in hashed_fields(type(obj))}
    obj.prev_hash = prev_hash
    obj.row_hash = digest(values, prev_hash)


# -- appending ----------------------------------------------------------------------------------------------


def head_for_append(model, using: str) -> str:
    """Lock the chain of `model`'s table for this transaction and return its head hash (one query)."""
    connection = connections[using]
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT keqiao_audit_head(%s::regclass)", [table])
        else:  # SQLite: the transaction began with BEGIN IMMEDIATE and holds the write lock already
            cursor.execute(f"SELECT row_hash FROM {table} ORDER BY id DESC LIMIT 1")  # noqa: S608  # nosec B608  # a quoted table name of the project's own
        row = cursor.fetchone()
    return row[0] if row and row[0] else GENESIS


def _refuse(what: str):
    raise AppendOnlyError(f"Audit rows are append-only: {what} is refused.")


class AuditQuerySet(models.QuerySet):
    """Appends (also in bulk) are chained; updates and deletes are refused."""

    def bulk_create(self, objs, batch_size=None, ignore_conflicts=False, update_conflicts=False, **kwargs):
        if ignore_conflicts or update_conflicts:
            _refuse("a bulk insert that skips or updates rows")
        objs = list(objs)
        if not objs:
            return objs
        with transaction.atomic(using=self.db, savepoint=False):
            prev = head_for_append(self.model, self.db)
            for obj in objs:
                if obj.pk is not None:
                    _refuse("an audit row with a chosen id")
                seal(obj, prev)
                prev = obj.row_hash
            # The rows are inserted in this order, so their ids follow the chain.
            return super().bulk_create(objs, batch_size=batch_size, **kwargs)

    def update(self, **kwargs):
        _refuse("an update")

    def bulk_update(self, objs, fields, batch_size=None):
        _refuse("an update")

    def update_or_create(self, *args, **kwargs):
        _refuse("update_or_create")

    def delete(self):
        _refuse("a delete")

    delete.queryset_only = True

    def _raw_delete(self, using):
        _refuse("a delete")


AuditManager = models.Manager.from_queryset(AuditQuerySet)


# -- chaining rows that exist already (migrations) ----------------------------------------------------------


def chain_existing_rows(model, using: str, *, batch: int = 5000) -> int:
    """Compute `prev_hash` and `row_hash` of every row of `model`'s table in id order; returns the count.

    For the migrations that introduce the chain: `model` is a historical model, whose plain manager does
    not refuse updates.
    """
    connection = connections[using]
    names = [f.attname for f in hashed_fields(model)]
    update = (
        f"UPDATE {connection.ops.quote_name(model._meta.db_table)} "  # noqa: S608  # nosec B608  # the project's own table
        "SET prev_hash = %s, row_hash = %s WHERE id = %s"
    )
    rows = model._base_manager.using(using).order_by("pk")
    prev, last_pk, count = GENESIS, 0, 0
    with transaction.atomic(using=using), connection.cursor() as cursor:
        while True:
            page = list(rows.filter(pk__gt=last_pk).values_list("pk", *names)[:batch])
            if not page:
                return count
            params = []
            for row in page:
                row_hash = digest(dict(zip(names, row[1:], strict=True)), prev)
                params.append((prev, row_hash, row[0]))
                prev = row_hash
            cursor.executemany(update, params)
            last_pk, count = page[-1][0], count + len(page)


# -- verifying ----------------------------------------------------------------------------------------------

KINDS = {
    "edited": "the row's content or hash no longer matches its hash",
    "deleted": "the row it follows is missing (deleted), or was changed and its hash recomputed",
    "reordered": "the row it follows is elsewhere in the table",
    "rewritten": "the row recorded as head has another hash now: the chain was recomputed",
    "truncated": "the row recorded as head is gone: rows at the end were deleted",
}


@dataclass
class TableReport:
    table: str
    model: str
    rows: int = 0
    head_id: int | None = None
    head_hash: str = GENESIS
    problems: int = 0
    first_break: dict | None = None
    _pending: tuple | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return self.problems == 0

    def problem(self, pk: int, kind: str, prev_hash: str = "") -> None:
        self.problems += 1
        if self.first_break is None:
            self.first_break = {"id": pk, "kind": kind, "detail": KINDS[kind]}
            if kind == "deleted":
                self._pending = (pk, prev_hash)

    def as_dict(self) -> dict:
        return {
            "model": self.model,
            "rows": self.rows,
            "head_id": self.head_id,
            "head_hash": self.head_hash,
            "ok": self.ok,
            "problems": self.problems,
            "first_break": self.first_break,
        }


def audit_models() -> list:
    """Every concrete audit model, by table name."""
    # Imported here: `common.models` imports this module (for the manager and the clock of AuditRow).
    from .models import AuditRow

    found = [m for m in apps.get_models() if issubclass(m, AuditRow)]
    return sorted(found, key=lambda m: m._meta.db_table)


def verify_table(model, *, using: str = "default", anchor: dict | None = None, chunk_size=10000):
    """Walk the chain of `model`'s table in id order, recomputing every hash; a `TableReport`.

    `anchor` is a head recorded earlier ({"head_id", "head_hash"}): that row must still be there with
    that hash.
    """
    names = [f.attname for f in hashed_fields(model)]
    report = TableReport(table=model._meta.db_table, model=model._meta.label)
    anchor_id = (anchor or {}).get("head_id")
    anchor_seen = False
    expected = GENESIS
    rows = (
        model._base_manager.using(using)
        .order_by("pk")
        .values_list("pk", "prev_hash", "row_hash", *names)
        .iterator(chunk_size=chunk_size)
    )
    pk = None
    for row in rows:
        pk, prev, stored = row[0], row[1], row[2]
        if digest(dict(zip(names, row[3:], strict=True)), prev) != stored:
            report.problem(pk, "edited")
        elif prev != expected:
            report.problem(pk, "deleted", prev)
        expected = stored
        if pk == anchor_id:
            anchor_seen = True
            if stored != anchor["head_hash"]:
                report.problem(pk, "rewritten")
        report.rows += 1
    report.head_id, report.head_hash = pk, expected
    if anchor_id is not None and not anchor_seen:
        report.problem(anchor_id, "truncated" if pk is None or anchor_id > pk else "deleted")
    if report._pending:  # a broken link: is the row it follows elsewhere in the table?
        pk, prev = report._pending
        qs = model._base_manager.using(using)
        if prev == GENESIS or qs.filter(row_hash=prev).exclude(pk=pk).exists():
            report.first_break.update(kind="reordered", detail=KINDS["reordered"])
    return report
