"""Benchmark whole search requests at scale, through the real import path, index and API view.

Creates a scratch database, imports N synthetic achievements (real CSL records recombined), builds the
index of the chosen search backend (``--backend``, default the configured one), then times GET /api/v1/achievements (query + facets + a page of 20 results from the database)
and the HTML list page with the Django test client. Prints a summary and, last, one JSON line.
This is a benchmark, not a test: it asserts nothing and has no time limits.
"""

import json
import random
import resource
import statistics
import tempfile
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.test import Client, override_settings
from django.test.utils import setup_databases, teardown_databases

from keqiao.achievements.services import achievements_import
from keqiao.portal.demo.achievements import DATA_FILE, read_records, record_row
from keqiao.portal.evaluation import scratch_organization
from keqiao.search.backends import BACKENDS, backend_name, get_backend
from keqiao.search.index import ListingIndex
from keqiao.search.synthetic import synthesize


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


class Command(BaseCommand):
    help = "Time whole search requests over N synthetic achievements (default 100,000)."

    def add_arguments(self, parser):
        parser.add_argument("--n", type=int, default=100_000)
        parser.add_argument("--queries", type=int, default=300)
        parser.add_argument("--file", default=None, help="csl_dev.jsonl-format source records")
        parser.add_argument(
            "--backend", choices=BACKENDS, default=None, help="Search backend (default: the configured one)."
        )

    def handle(self, *args, n, queries, file=None, backend=None, **options):
        old = setup_databases(verbosity=0, interactive=False)
        try:
            with override_settings(
                EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
                ALLOWED_HOSTS=["testserver"],
                DEBUG=False,
                KEQIAO={**settings.KEQIAO, "SEARCH_BACKEND": backend or backend_name()},
            ):
                result = self._run(n, queries, file)
        finally:
            teardown_databases(old, verbosity=0)
        self.stdout.write(json.dumps(result))

    def _run(self, n: int, n_queries: int, file: str | None) -> dict:
        records = read_records(path=file or DATA_FILE)
        synthetic = synthesize(records, n)
        orgs = [scratch_organization(kind=kind) for kind in ("university", "institute", "enterprise")]
        rng = random.Random(3)
        started = time.perf_counter()
        rows = [record_row(r, rng, orgs[i % 3]) for i, r in enumerate(synthetic)]
        for start in range(0, len(rows), 10_000):
            achievements_import(rows=rows[start : start + 10_000])
        import_s = time.perf_counter() - started
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        backend = get_backend("achievement")
        backend.reset()
        started = time.perf_counter()
        backend.rebuild(save=False)
        build_s = time.perf_counter() - started
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        snapshot_load_s = None
        if backend.name == "memory":
            # What a new worker process pays: load the snapshot written by rebuild_search_index.
            # (django.test is a test utility: imported only for this measurement.)
            from django.test import override_settings as override

            with (
                tempfile.TemporaryDirectory() as tmp,
                override(KEQIAO={**settings.KEQIAO, "SEARCH_SNAPSHOT_DIR": tmp}),
            ):
                backend.index._save_snapshot(sorted({kw for r in rows for kw in r["keywords"]}))
                fresh = ListingIndex(backend.definition)
                started = time.perf_counter()
                fresh.refresh()
                snapshot_load_s = round(time.perf_counter() - started, 2)
        self.stderr.write(f"imported {n} in {import_s:.1f}s; {backend.name} index built in {build_s:.1f}s")

        qrng = random.Random(11)
        sample = qrng.sample(records, k=min(n_queries, len(records)))
        queries = [" ".join(r["keywords"][:3]) for r in sample[: len(sample) // 2]] + [
            r["title"] for r in sample[len(sample) // 2 :]
        ]
        filters = [
            {},
            {"field": "new_materials"},
            {"trl": ["6", "7"]},
            {"region": "511402", "mode": "license"},
        ]
        client = Client()
        client.get("/api/v1/achievements", {"q": queries[0]})  # warm-up
        timings: dict[str, list[float]] = {"api": [], "html": [], "browse": []}
        for i, q in enumerate(queries):
            params = {"q": q, **filters[i % len(filters)]}
            t0 = time.perf_counter()
            response = client.get("/api/v1/achievements", params)
            timings["api"].append((time.perf_counter() - t0) * 1000)
            if response.status_code != 200:
                raise CommandError(f"/api/v1/achievements answered {response.status_code}")
            t0 = time.perf_counter()
            client.get("/achievements/", params)
            timings["html"].append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            client.get("/api/v1/achievements", {**filters[i % len(filters)], "sort": "-published"})
            timings["browse"].append((time.perf_counter() - t0) * 1000)
        summary = {
            name: {"p50_ms": round(statistics.median(v), 2), "p95_ms": round(pct(v, 95), 2)}
            for name, v in timings.items()
        }
        for name, s in summary.items():
            self.stderr.write(f"{name:7} p50 {s['p50_ms']:7.2f} ms   p95 {s['p95_ms']:7.2f} ms")
        return {
            "backend": backend.name,
            "n": n,
            "queries": len(queries),
            "import_s": round(import_s, 1),
            "index_build_s": round(build_s, 1),
            "snapshot_load_s": snapshot_load_s,
            "peak_rss_mb_before_index": round(rss_before),
            "peak_rss_mb_after_index": round(rss_after),
            "api_search": summary["api"],
            "html_search": summary["html"],
            "api_browse": summary["browse"],
        }
