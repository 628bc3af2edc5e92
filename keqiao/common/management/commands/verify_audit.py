"""Verify the hash chains of the audit tables; print each table's head for anchoring elsewhere."""

import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from keqiao.common import audit


def _read_anchors(path: str) -> dict:
    """The heads recorded by an earlier run: the last JSON line of its output, or a JSON {table: head}."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise CommandError(f"Cannot read the anchors in {path}: {exc}") from exc
    data = {}
    for line in reversed(lines):  # a run that failed before its JSON line left other text last
        try:
            data = json.loads(line)
        except ValueError:
            continue
        if isinstance(data, dict):
            break
    tables = data.get("tables", data) if isinstance(data, dict) else None
    if not isinstance(tables, dict):
        raise CommandError(f"{path} does not hold heads of audit tables.")
    return {
        table: head
        for table, head in tables.items()
        if isinstance(head, dict)
        and isinstance(head.get("head_id"), int)
        and isinstance(head.get("head_hash"), str)
    }


class Command(BaseCommand):
    help = (
        "Walk the hash chain of every audit table (or of --table), recomputing each row's hash: reports per "
        "table the rows checked, its head (last id and hash, to write down or ship to a log) and the first "
        "broken link with its id and kind (edited, deleted, reordered, rewritten, truncated). The last line "
        "is one JSON object. Exits with status 1 if any chain is broken."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--table",
            action="append",
            default=[],
            help="An audit table (e.g. achievements_achievementevent) or model (achievements.AchievementEvent); "
            "repeatable. Default: every audit table.",
        )
        parser.add_argument(
            "--anchors",
            help="Output (or last JSON line) of an earlier run: each head recorded there must still be in its "
            "chain with the same hash.",
        )
        parser.add_argument("--database", default="default", help="Database alias (default: default).")
        parser.add_argument("--chunk-size", type=int, default=10000, help="Rows fetched at a time.")

    def handle(self, *args, table, anchors, database, chunk_size, **options):
        started = time.perf_counter()
        models = audit.audit_models()
        if table:
            known = {m._meta.db_table: m for m in models} | {m._meta.label_lower: m for m in models}
            unknown = [t for t in table if t.lower() not in known]
            if unknown:
                raise CommandError(
                    f"Not an audit table: {', '.join(unknown)}. Audit tables: "
                    + ", ".join(m._meta.db_table for m in models)
                )
            models = list(dict.fromkeys(known[t.lower()] for t in table))
        heads = _read_anchors(anchors) if anchors else {}
        reports = []
        for model in models:
            t0 = time.perf_counter()
            report = audit.verify_table(
                model, using=database, anchor=heads.get(model._meta.db_table), chunk_size=chunk_size
            )
            reports.append(report)
            state = "OK" if report.ok else "BROKEN"
            head = f"head id {report.head_id} hash {report.head_hash}" if report.rows else "empty"
            self.stdout.write(
                f"{report.table}: {report.rows} rows, {head}, {state} ({time.perf_counter() - t0:.2f}s)"
            )
            if not report.ok:
                first = report.first_break
                self.stdout.write(
                    f"  first break at id {first['id']}: {first['kind']} ({first['detail']}); "
                    f"{report.problems} problem(s) in this table"
                )
        ok = all(r.ok for r in reports)
        summary = {
            "ok": ok,
            "rows": sum(r.rows for r in reports),
            "seconds": round(time.perf_counter() - started, 3),
            "tables": {r.table: r.as_dict() for r in reports},
        }
        self.stdout.write(json.dumps(summary, sort_keys=True, ensure_ascii=False))
        if not ok:
            broken = ", ".join(r.table for r in reports if not r.ok)
            raise CommandError(f"Audit chain broken in: {broken}", returncode=1)
