"""Benchmark the pages that count registered contracts, at scale.

Creates a scratch database with N registered technology contracts spread over five years, counties, types
and fields, then times with the Django test client: the transaction statistics page, its JSON API, the
registration office's contract list, the action-plan dashboard (every indicator computed live) and the
xlsx export of one year. Prints a summary and, last, one JSON line. A benchmark, not a test: it asserts
nothing and has no time limits.
"""

import datetime
import json
import random
import statistics
import time
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.test import Client, override_settings
from django.test.utils import setup_databases, teardown_databases
from django.utils import timezone

from keqiao.accounts.models import Membership, Organization
from keqiao.contracts.models import Contract
from keqiao.governance.services import plan_create
from keqiao.portal.evaluation import scratch_member, scratch_organization


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


class Command(BaseCommand):
    help = "Time the statistics page, contract list and plan dashboard over N registered contracts."

    def add_arguments(self, parser):
        parser.add_argument("--n", type=int, default=100_000)
        parser.add_argument("--repeat", type=int, default=30)

    def handle(self, *args, n, repeat, **options):
        old = setup_databases(verbosity=0, interactive=False)
        try:
            with override_settings(
                EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend", ALLOWED_HOSTS=["testserver"]
            ):
                result = self._run(n, repeat)
        finally:
            teardown_databases(old, verbosity=0)
        self.stdout.write(json.dumps(result))

    def _run(self, n: int, repeat: int) -> dict:
        bureau_org = scratch_organization(kind=Organization.Kind.CITY_BUREAU)
        officer = scratch_member(bureau_org, Membership.Role.STAFF, username="bench-bureau")
        filer_org = scratch_organization(kind=Organization.Kind.UNIVERSITY)
        filer = scratch_member(filer_org, username="bench-filer")
        rng = random.Random(7)
        today = timezone.localdate()
        codes = ["511402", "511403", "511421", "511423", "511424", "511425", "510104", "500112"]
        types = ["transfer", "licence", "dev_commissioned", "dev_cooperative", "consulting", "service"]
        fields = ["agriculture", "new_materials", "advanced_manufacturing", "bio_medicine", "new_energy"]
        started = time.perf_counter()
        batch = []
        for i in range(n):
            registered = today - datetime.timedelta(days=rng.randint(0, 5 * 365))
            amount = Decimal(rng.randint(10_000, 5_000_000))
            ctype = rng.choice(types)
            batch.append(
                Contract(
                    organization=filer_org,
                    created_by=filer,
                    status="approved",
                    registration_number=f"B{i:09d}",
                    project_name=f"基准合同{i}",
                    contract_type=ctype,
                    transfer_object="patent" if ctype in ("transfer", "licence") else "",
                    licence_kind="ordinary" if ctype == "licence" else "",
                    seller_name=f"卖方{i % 500}",
                    seller_nature=rng.choice(["021", "022", "140"]),
                    seller_region_code=rng.choice(codes),
                    buyer_name=f"买方{i % 700}",
                    buyer_nature="140",
                    buyer_region_code=rng.choice(codes),
                    contract_amount=amount,
                    technology_amount=amount,
                    payment_method="lump_sum",
                    signed_on=registered,
                    starts_on=registered,
                    ends_on=registered + datetime.timedelta(days=365),
                    ip_type="none",
                    tech_field=rng.choice(fields),
                    socio_economic_objective="industry",
                    plan_source="none",
                    registered_on=registered,
                    approved_at=timezone.now(),
                )
            )
            if len(batch) == 5000:
                Contract.objects.bulk_create(batch)
                batch = []
        Contract.objects.bulk_create(batch)
        load_s = time.perf_counter() - started

        client = Client()
        client.force_login(officer)

        # A plan over the same five years, so that the dashboard computes every indicator on the data.
        plan = plan_create(
            by=None,
            data={
                "title": "基准行动方案",
                "issuing_body": "眉山市人民政府办公室",
                "starts_on": datetime.date(today.year - 4, 1, 1),
                "ends_on": datetime.date(today.year, 12, 31),
                "indicators": [
                    {
                        "number": i,
                        "name": q,
                        "target": "100",
                        "unit": "项",
                        "deadline": f"{today.year}-12-31",
                        "source": "query",
                        "query": q,
                        "cumulative": q != "transaction_amount",
                    }
                    for i, q in enumerate(
                        ["transaction_amount", "transformation_projects", "carriers", "service_agencies"],
                        start=1,
                    )
                ],
            },
        )
        pages = {
            "statistics_page": "/deals/statistics/",
            "statistics_api": "/api/v1/deals/statistics",
            "contract_list": "/deals/contracts/?scope=office&status=approved",
            "plan_dashboard": f"/governance/plans/{plan.pk}/",
        }
        timings = {}
        for name, url in pages.items():
            client.get(url)  # warm
            ms = []
            for _ in range(repeat):
                t = time.perf_counter()
                response = client.get(url)
                ms.append((time.perf_counter() - t) * 1000)
                if response.status_code != 200:
                    raise CommandError(f"{url} answered {response.status_code}")
            timings[name] = {"p50_ms": round(statistics.median(ms), 1), "p95_ms": round(pct(ms, 95), 1)}
        # The first request after a contract changes recomputes (the figures are cached until then).
        touched = Contract.objects.order_by("pk").first()
        for name in ("statistics_page", "plan_dashboard"):
            ms = []
            for _ in range(max(5, repeat // 3)):
                touched.save(update_fields=["updated_at"])
                t = time.perf_counter()
                client.get(pages[name])
                ms.append((time.perf_counter() - t) * 1000)
            timings[f"{name}_after_a_change"] = {
                "p50_ms": round(statistics.median(ms), 1),
                "p95_ms": round(pct(ms, 95), 1),
            }
        t = time.perf_counter()
        export = client.get(f"/deals/statistics/export.xlsx?year={today.year}")
        export_s = time.perf_counter() - t
        year_count = Contract.objects.filter(registered_on__year=today.year).count()
        for name, v in timings.items():
            self.stdout.write(f"{name:18} p50 {v['p50_ms']:8.1f} ms   p95 {v['p95_ms']:8.1f} ms")
        self.stdout.write(
            f"xlsx export of {year_count} contracts: {export_s:.2f} s ({len(export.content)} bytes)"
        )
        return {
            "n": n,
            "load_s": round(load_s, 1),
            **timings,
            "xlsx_export": {"contracts": year_count, "seconds": round(export_s, 2)},
        }
