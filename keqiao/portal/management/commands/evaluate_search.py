"""Measure search quality on records in the csl_dev.jsonl format, through the real code paths.

Imports the records as published achievements into a scratch database (the real import service),
builds the index of the chosen search backend (``--backend``, default the configured one), and poses each record's keywords (joined by spaces) and, separately, its
title through the real search service. A hit is the record itself. The last line of output is one
JSON object: {"backend", "n", "keywords": {"mrr10", "r1", "r10"}, "title": {...}, "ms_per_query"}.
"""

import json
import random
import time

from django.conf import settings
from django.core.management.base import BaseCommand
from django.test import override_settings
from django.test.utils import setup_databases, teardown_databases

from keqiao.achievements.services import achievements_import
from keqiao.common.corpus import read_records
from keqiao.portal.demo.achievements import record_row
from keqiao.portal.evaluation import scratch_organization
from keqiao.search.backends import BACKENDS, backend_name, get_backend
from keqiao.search.metrics import evaluate


class Command(BaseCommand):
    help = "Evaluate search quality (MRR@10, R@1, R@10) on a csl_dev.jsonl-format file."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--limit", type=int, default=None, help="Use only the first N records.")
        parser.add_argument(
            "--backend", choices=BACKENDS, default=None, help="Search backend (default: the configured one)."
        )

    def handle(self, *args, file, limit=None, backend=None, **options):
        records = read_records(path=file, limit=limit)
        # A scratch database: the configured one is never touched.
        old_config = setup_databases(verbosity=0, interactive=False)
        try:
            with override_settings(
                EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
                KEQIAO={**settings.KEQIAO, "SEARCH_BACKEND": backend or backend_name()},
            ):
                result = self._run(records)
        finally:
            teardown_databases(old_config, verbosity=0)
        self.stdout.write(json.dumps(result, ensure_ascii=False))

    def _run(self, records: list[dict]) -> dict:
        organization = scratch_organization("评测单位")
        rng = random.Random(1)
        started = time.perf_counter()
        ids = achievements_import(rows=[record_row(r, rng, organization) for r in records])
        imported = time.perf_counter() - started
        backend = get_backend("achievement")
        backend.reset()
        started = time.perf_counter()
        backend.rebuild(save=False)
        built = time.perf_counter() - started
        self.stderr.write(
            f"imported {len(ids)} records in {imported:.1f}s, {backend.name} index built in {built:.1f}s"
        )

        def run(query: str) -> list[int]:
            return backend.search(query, per_page=10).ids

        keyword_queries = [
            (" ".join(r["keywords"]), pk) for r, pk in zip(records, ids, strict=True) if r["keywords"]
        ]
        title_queries = [(r["title"], pk) for r, pk in zip(records, ids, strict=True)]
        kw = evaluate(keyword_queries, run)
        title = evaluate(title_queries, run)
        ms = (kw["ms_per_query"] * len(keyword_queries) + title["ms_per_query"] * len(title_queries)) / max(
            1, len(keyword_queries) + len(title_queries)
        )

        def rounded(m):
            return {k: round(m[k], 4) for k in ("mrr10", "r1", "r10")}

        return {
            "backend": backend.name,
            "n": len(ids),
            "keywords": rounded(kw),
            "title": rounded(title),
            "ms_per_query": round(ms, 2),
        }
