"""Benchmark the plan dashboard with every indicator computed, over registries at city scale.

Creates a scratch database with `--enterprises` enterprises (10,000) holding high-tech, technology-based
SME, 专精特新 and demonstration qualifications (confirmed, expired and revoked, over five years),
`--platforms` R&D platforms (2,000) of every kind and level, `--carriers` carrier organisations (500) and
`--contracts` registered technology contracts (100,000), and a plan whose ten indicators are all computed
from platform records (four from contracts and organisations, six from the registries). Times, warm,
with the Django test client: the plan dashboard, one registry indicator's page (value, trend, breakdown
and the first page of its records) and the qualification list of the bureau. Prints a summary and, last,
one JSON line. A benchmark, not a test: it asserts nothing and has no time limits.

The carriers' tenants and annual evaluation are not part of this run: the carrier registry does not
exist yet (carriers are counted as verified organisations of kind carrier).
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
from keqiao.common.models import Region
from keqiao.common.validators import credit_code_check_char
from keqiao.contracts.models import Contract
from keqiao.governance.services import plan_create
from keqiao.portal.evaluation import scratch_member, scratch_organization
from keqiao.registries.models import Platform, Qualification

COUNTIES = ["511402", "511403", "511421", "511423", "511424", "511425"]
INDICATORS = [
    ("transaction_amount", False),
    ("transformation_projects", True),
    ("carriers", True),
    ("service_agencies", True),
    ("high_tech_enterprises", True),
    ("demonstration_enterprises", True),
    ("engineering_research_centres", True),
    ("enterprise_technology_centres", True),
    ("tech_smes", False),
    ("platform:key_lab:provincial", True),
]


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def _credit_code(serial: int, region: str) -> str:
    body = f"91{region}{serial:09d}"
    return body + credit_code_check_char(body)


class Command(BaseCommand):
    help = "Time the plan dashboard with all indicators computed from registries at city scale."

    def add_arguments(self, parser):
        parser.add_argument("--enterprises", type=int, default=10_000)
        parser.add_argument("--platforms", type=int, default=2_000)
        parser.add_argument("--carriers", type=int, default=500)
        parser.add_argument("--contracts", type=int, default=100_000)
        parser.add_argument("--repeat", type=int, default=30)

    def handle(self, *args, enterprises, platforms, carriers, contracts, repeat, **options):
        old = setup_databases(verbosity=0, interactive=False)
        try:
            with override_settings(
                EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend", ALLOWED_HOSTS=["testserver"]
            ):
                result = self._run(enterprises, platforms, carriers, contracts, repeat)
        finally:
            teardown_databases(old, verbosity=0)
        self.stdout.write(json.dumps(result))

    def _organizations(self, n: int, kind: str, start: int, rng) -> list[Organization]:
        regions = {r.code: r for r in Region.objects.filter(code__in=COUNTIES)}
        now = timezone.now()
        orgs = []
        for i in range(n):
            code = rng.choice(COUNTIES)
            orgs.append(
                Organization(
                    name=f"评测{kind}{start + i}",
                    kind=kind,
                    credit_code=_credit_code(start + i, code),
                    region=regions[code],
                    status=Organization.Status.VERIFIED,
                    verified_at=now - datetime.timedelta(days=rng.randint(0, 5 * 365)),
                )
            )
        return Organization.objects.bulk_create(orgs, batch_size=2000)

    def _qualifications(self, enterprises, user, rng, today) -> int:
        rows = []
        for i, org in enumerate(enterprises):
            for kind, share, years in (
                ("high_tech", 0.45, 3),
                ("tech_sme", 0.5, 1),
                ("specialised", 0.1, 3),
                ("demonstration", 0.03, 3),
            ):
                if rng.random() >= share:
                    continue
                start = today - datetime.timedelta(days=rng.randint(0, 5 * 365))
                end = start + datetime.timedelta(days=365 * years - 1)
                status, ended = "confirmed", None
                if end < today:
                    status, ended = "expired", end + datetime.timedelta(days=1)
                elif rng.random() < 0.03:
                    status, ended = "revoked", today - datetime.timedelta(days=rng.randint(0, 300))
                rows.append(
                    Qualification(
                        organization=org,
                        kind=kind,
                        number=f"B{kind[:2].upper()}{i:08d}",
                        issuing_body="四川省科学技术厅",
                        valid_from=start,
                        valid_until=end,
                        status=status,
                        confirmed_on=start,
                        ended_on=ended,
                        created_by=user,
                    )
                )
        Qualification.objects.bulk_create(rows, batch_size=5000)
        return len(rows)

    def _platforms(self, n, hosts, user, rng, today) -> int:
        kinds = ["key_lab", "engineering_centre", "enterprise_centre", "engineering_lab", "new_rd"]
        rows = []
        for i in range(n):
            status = rng.choices(["active", "evaluating", "revoked", "proposed"], [85, 5, 5, 5])[0]
            rows.append(
                Platform(
                    organization=rng.choice(hosts),
                    name=f"评测平台{i}",
                    kind=rng.choice(kinds),
                    level=rng.choices(["city", "provincial", "national"], [70, 25, 5])[0],
                    document=f"眉市科发〔{today.year - i % 8}〕{i % 60}号",
                    recognised_on=today - datetime.timedelta(days=rng.randint(30, 10 * 365)),
                    status=status,
                    confirmed_on=today - datetime.timedelta(days=20) if status != "proposed" else None,
                    ended_on=today - datetime.timedelta(days=10) if status == "revoked" else None,
                    created_by=user,
                )
            )
        Platform.objects.bulk_create(rows, batch_size=5000)
        return n

    def _contracts(self, n, org, user, rng, today) -> None:
        codes = [*COUNTIES, "510104", "500112"]
        types = ["transfer", "licence", "dev_commissioned", "dev_cooperative", "consulting", "service"]
        batch = []
        for i in range(n):
            registered = today - datetime.timedelta(days=rng.randint(0, 5 * 365))
            amount = Decimal(rng.randint(10_000, 5_000_000))
            ctype = rng.choice(types)
            batch.append(
                Contract(
                    organization=org,
                    created_by=user,
                    status="approved",
                    registration_number=f"B{i:09d}",
                    project_name=f"基准合同{i}",
                    contract_type=ctype,
                    transfer_object="patent" if ctype in ("transfer", "licence") else "",
                    licence_kind="ordinary" if ctype == "licence" else "",
                    seller_name=f"卖方{i % 500}",
                    seller_nature="140",
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
                    tech_field="new_materials",
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

    def _time(self, client, url: str, repeat: int) -> dict:
        client.get(url)  # warm
        ms = []
        for _ in range(repeat):
            t = time.perf_counter()
            response = client.get(url)
            ms.append((time.perf_counter() - t) * 1000)
            if response.status_code != 200:
                raise CommandError(f"{url} answered {response.status_code}")
        return {"p50_ms": round(statistics.median(ms), 1), "p95_ms": round(pct(ms, 95), 1)}

    def _run(self, n_enterprises, n_platforms, n_carriers, n_contracts, repeat) -> dict:
        rng = random.Random(18)
        today = timezone.localdate()
        bureau_org = scratch_organization(kind=Organization.Kind.CITY_BUREAU)
        officer = scratch_member(bureau_org, Membership.Role.STAFF, username="bench-bureau")
        filer_org = scratch_organization(kind=Organization.Kind.UNIVERSITY)
        filer = scratch_member(filer_org, username="bench-filer")
        started = time.perf_counter()
        enterprises = self._organizations(n_enterprises, Organization.Kind.ENTERPRISE, 1, rng)
        self._organizations(n_carriers, Organization.Kind.CARRIER, 500_000, rng)
        self._organizations(50, Organization.Kind.AGENCY, 600_000, rng)
        n_qualifications = self._qualifications(enterprises, filer, rng, today)
        self._platforms(n_platforms, enterprises, filer, rng, today)
        self._contracts(n_contracts, filer_org, filer, rng, today)
        load_s = time.perf_counter() - started
        plan = plan_create(
            by=None,
            data={
                "title": "基准行动方案（登记数据）",
                "issuing_body": "眉山市人民政府办公室",
                "starts_on": datetime.date(today.year - 2, 1, 1),
                "ends_on": datetime.date(today.year, 12, 31),
                "indicators": [
                    {
                        "number": i,
                        "name": query,
                        "target": "100",
                        "unit": "家",
                        "deadline": f"{today.year}-12-31",
                        "source": "query",
                        "query": query,
                        "cumulative": cumulative,
                    }
                    for i, (query, cumulative) in enumerate(INDICATORS, start=1)
                ],
            },
        )
        client = Client()
        client.force_login(officer)
        high_tech = plan.indicators.get(query="high_tech_enterprises")
        timings = {
            "plan_dashboard": self._time(client, f"/governance/plans/{plan.pk}/", repeat),
            "indicator_page": self._time(client, f"/governance/indicators/{high_tech.pk}/", repeat),
            "qualification_list": self._time(client, "/registries/qualifications/?kind=high_tech", repeat),
        }
        for name, v in timings.items():
            self.stdout.write(f"{name:20} p50 {v['p50_ms']:8.1f} ms   p95 {v['p95_ms']:8.1f} ms")
        return {
            "enterprises": n_enterprises,
            "qualifications": n_qualifications,
            "platforms": n_platforms,
            "carriers": n_carriers,
            "contracts": n_contracts,
            "indicators": len(INDICATORS),
            "load_s": round(load_s, 1),
            "repeat": repeat,
            **timings,
        }
