"""Benchmark bulk import: `--n` achievements (100,000) in one .csv through the import wizard's services on a
scratch database of its own — reading, the mapping, the check of every row (the preview), and the
all-or-nothing import with duplicate checks, provenance and search-index marks — as the bureau importing
for one organisation. Reports the time of each step and the peak memory (RSS) of the process. Prints one
JSON line. A benchmark, not a test: no time limits.
"""

import csv
import io
import json
import resource
import time

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import connections
from django.test import override_settings
from django.test.utils import setup_databases, teardown_databases

from keqiao.accounts.models import Membership, Organization
from keqiao.exchange import services
from keqiao.exchange.management.commands.bench_dedup import synthetic
from keqiao.portal.evaluation import scratch_member, scratch_organization

HEADERS = ["外部编号", "成果名称", "第一完成单位", "技术领域", "成果简介", "关键词"]
FIELDS = [
    "新材料及其应用",
    "新能源与高效节能",
    "农业",
    "先进制造",
    "环境保护与资源综合利用",
    "生物、医药和医疗器械",
]


class Command(BaseCommand):
    help = "Time and peak memory of importing N achievements through the import wizard's services."

    def add_arguments(self, parser):
        parser.add_argument("--n", type=int, default=100_000)

    def handle(self, *args, n: int, **options):
        old = setup_databases(verbosity=0, interactive=False)
        try:
            with override_settings(
                EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend",
                KEQIAO={**settings.KEQIAO, "IMPORT_BACKGROUND_ROWS": n + 1},
            ):
                result = self._run(n)
        finally:
            connections.close_all()
            teardown_databases(old, verbosity=0)
        self.stdout.write(json.dumps(result, ensure_ascii=False))

    def _run(self, n: int) -> dict:
        bureau_org = scratch_organization("眉山市科学技术局（基准）", Organization.Kind.CITY_BUREAU)
        bureau = scratch_member(bureau_org, Membership.Role.STAFF, username="bench-bureau")
        holder = scratch_organization("眉山基准大学", Organization.Kind.UNIVERSITY)
        records, _truth = synthetic(n, 0)
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(HEADERS)
        for i, r in enumerate(records):
            writer.writerow(
                [f"B-{i}", r.title, holder.name, FIELDS[i % len(FIELDS)], r.text[:2000], "眉山；技术"]
            )
        data = out.getvalue().encode("utf-8")
        timings = {}
        started = time.perf_counter()
        batch = services.batch_upload(
            by=bureau, uploaded=SimpleUploadedFile("bench.csv", data), kind="achievements", source_name="基准"
        )
        timings["read_seconds"] = round(time.perf_counter() - started, 1)
        step = time.perf_counter()
        batch = services.batch_set_mapping(batch=batch, by=bureau, mapping=batch.mapping)
        timings["check_seconds"] = round(time.perf_counter() - step, 1)
        step = time.perf_counter()
        batch = services.batch_commit(batch=batch, by=bureau)
        timings["import_seconds"] = round(time.perf_counter() - step, 1)
        return {
            "rows": n,
            "file_mib": round(len(data) / 2**20, 1),
            "status": batch.status,
            "created": batch.report.get("created"),
            "errors": len(batch.errors),
            **timings,
            "total_seconds": round(time.perf_counter() - started, 1),
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        }
