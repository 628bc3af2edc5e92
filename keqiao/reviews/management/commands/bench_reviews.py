"""Benchmark the expert proposal with its conflict checks, at scale.

Creates a scratch database with E confirmed experts (fields and disciplines drawn at random, a few with
declared conflicts), O organisations, C registered technology contracts between them spread over five
years and D deals; then times `proposal.propose` for holders picked at random (warm). Prints a summary
and, last, one JSON line. A benchmark, not a test: it asserts nothing and has no time limits.
"""

import datetime
import json
import random
import statistics
import time

from django.core.management.base import BaseCommand
from django.db import connection
from django.test.utils import setup_databases, teardown_databases
from django.utils import timezone

from keqiao.accounts.models import Organization, User
from keqiao.common.choices import TechField
from keqiao.common.models import Region
from keqiao.common.validators import credit_code_check_char
from keqiao.contracts.models import Contract
from keqiao.demands.models import Demand
from keqiao.negotiations.models import Deal
from keqiao.reviews import choices, proposal
from keqiao.reviews.models import Expert
from keqiao.reviews.subjects import SubjectFacts

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
DISCIPLINES = [
    "110",
    "140",
    "150",
    "180",
    "210",
    "230",
    "240",
    "31020",
    "41330",
    "43020",
    "46010",
    "520",
    "530",
    "610",
]


def credit_code(i: int) -> str:
    digits = []
    for _ in range(9):
        i, r = divmod(i, len(ALPHABET))
        digits.append(ALPHABET[r])
    body = "91511402" + "".join(digits)
    return body + credit_code_check_char(body)


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


class Command(BaseCommand):
    help = "Time expert proposals with conflict checks over E experts and C registered contracts."

    def add_arguments(self, parser):
        parser.add_argument("--experts", type=int, default=5_000)
        parser.add_argument("--contracts", type=int, default=100_000)
        parser.add_argument("--organizations", type=int, default=2_000)
        parser.add_argument("--deals", type=int, default=20_000)
        parser.add_argument("--repeat", type=int, default=50)

    def handle(self, *args, experts, contracts, organizations, deals, repeat, **options):
        old = setup_databases(verbosity=0, interactive=False)
        try:
            result = self._run(experts, contracts, organizations, deals, repeat)
        finally:
            teardown_databases(old, verbosity=0)
        self.stdout.write(json.dumps(result))

    def _run(self, n_experts, n_contracts, n_orgs, n_deals, repeat) -> dict:
        rng = random.Random(14)
        started = time.perf_counter()
        region = Region.objects.get(code="511402")
        kinds = [Organization.Kind.UNIVERSITY, Organization.Kind.INSTITUTE, Organization.Kind.ENTERPRISE]
        Organization.objects.bulk_create(
            [
                Organization(
                    name=f"基准单位{i}",
                    kind=kinds[i % 3],
                    credit_code=credit_code(i),
                    region=region,
                    status=Organization.Status.VERIFIED,
                )
                for i in range(n_orgs)
            ],
            batch_size=2000,
        )
        org_ids = list(Organization.objects.values_list("pk", flat=True))
        bureau = User.objects.create(username="bench-bureau")
        User.objects.bulk_create(
            [User(username=f"bench-expert-{i}", full_name=f"专家{i}") for i in range(n_experts)],
            batch_size=2000,
        )
        users = list(User.objects.filter(username__startswith="bench-expert-").values_list("pk", flat=True))
        fields = TechField.values
        Expert.objects.bulk_create(
            [
                Expert(
                    user_id=uid,
                    organization_id=rng.choice(org_ids),
                    organization_name=f"基准单位{i % n_orgs}",
                    title=choices.ExpertTitle.SENIOR_FULL,
                    tech_fields=rng.sample(fields, 2),
                    disciplines=rng.sample(DISCIPLINES, 2),
                    status=choices.ExpertStatus.CONFIRMED,
                    available=rng.random() < 0.9,
                    invited_by=bureau,
                )
                for i, uid in enumerate(users)
            ],
            batch_size=2000,
        )
        # a registry built up over time: the profiles were last edited a month ago, not all just now
        Expert.objects.update(updated_at=timezone.now() - datetime.timedelta(days=30))
        expert_ids = list(Expert.objects.values_list("pk", flat=True))
        through = Expert.conflict_organizations.through
        through.objects.bulk_create(
            [
                through(expert_id=rng.choice(expert_ids), organization_id=rng.choice(org_ids))
                for _ in range(n_experts // 10)
            ],
            ignore_conflicts=True,
        )
        today = timezone.localdate()
        batch = []
        for i in range(n_contracts):
            registered = today - datetime.timedelta(days=rng.randint(0, 5 * 365))
            seller, buyer = rng.sample(org_ids, 2)
            batch.append(
                Contract(
                    organization_id=seller,
                    created_by=bureau,
                    status="approved",
                    registration_number=f"R{i:09d}",
                    project_name=f"基准合同{i}",
                    contract_type="licence",
                    seller_organization_id=seller,
                    buyer_organization_id=buyer,
                    seller_name="卖方",
                    seller_nature="022",
                    seller_region_code="511402",
                    buyer_name="买方",
                    buyer_nature="140",
                    buyer_region_code="511402",
                    contract_amount=100000,
                    technology_amount=100000,
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
        deals_written = self._deals(rng, org_ids, bureau, n_deals)
        load_s = time.perf_counter() - started
        # Fresh statistics for the planner after the bulk load (as autovacuum or a nightly job would give).
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        holders = rng.sample(org_ids, min(repeat + 5, len(org_ids)))
        for holder in holders[:5]:  # warm-up
            self._propose(holder, rng)
        timings, candidates, excluded = [], [], []
        for holder in holders[5:]:
            t0 = time.perf_counter()
            result = self._propose(holder, rng)
            timings.append((time.perf_counter() - t0) * 1000)
            candidates.append(len(result.candidates))
            excluded.append(len(result.excluded))
        # Where the time goes, for one holder: the counterparty queries, the declared conflicts, the registry.
        phases = self._phases(holders[5:], rng)
        summary = {
            "benchmark": "reviews_propose",
            "database": connection.vendor,
            "experts": n_experts,
            "organizations": n_orgs,
            "contracts": n_contracts,
            "deals": deals_written,
            "load_s": round(load_s, 1),
            "runs": len(timings),
            "propose_ms_p50": round(statistics.median(timings), 1),
            "propose_ms_p95": round(pct(timings, 95), 1),
            "propose_ms_max": round(max(timings), 1),
            "excluded_median": statistics.median(excluded),
            **phases,
            "candidates_median": statistics.median(candidates),
        }
        self.stderr.write(
            f"{n_experts} experts, {n_contracts} contracts, {deals_written} deals ({connection.vendor}): "
            f"propose p50 {summary['propose_ms_p50']} ms, p95 {summary['propose_ms_p95']} ms; "
            f"median {summary['excluded_median']} excluded, {summary['candidates_median']} proposed"
        )
        return summary

    def _phases(self, holders, rng) -> dict:
        counter, cold, warm, cold_propose = [], [], [], []
        expert_ids = list(Expert.objects.values_list("pk", flat=True))
        for holder in holders:
            t0 = time.perf_counter()
            ids = proposal.holder_organization_ids(self._facts(holder, rng))
            proposal.counterparties(ids, now=timezone.now())
            t1 = time.perf_counter()
            proposal._registry_cache.clear()
            proposal._registry()
            t2 = time.perf_counter()
            proposal._registry()
            t3 = time.perf_counter()
            # a registry change (a profile edited): the next proposal merges the changed row only
            Expert.objects.filter(pk=rng.choice(expert_ids)).update(updated_at=timezone.now())
            t3b = time.perf_counter()
            self._propose(holder, rng)
            t4 = time.perf_counter()
            counter.append((t1 - t0) * 1000)
            cold.append((t2 - t1) * 1000)
            warm.append((t3 - t2) * 1000)
            cold_propose.append((t4 - t3b) * 1000)
        return {
            "counterparties_ms_p50": round(statistics.median(counter), 1),
            "registry_read_cold_ms_p50": round(statistics.median(cold), 1),
            "registry_version_check_ms_p50": round(statistics.median(warm), 1),
            "propose_after_registry_change_ms_p50": round(statistics.median(cold_propose), 1),
        }

    def _facts(self, holder: int, rng: random.Random) -> SubjectFacts:
        return SubjectFacts(
            title="基准成果",
            organization_ids=frozenset({holder}),
            organization_names=frozenset({f"基准单位{holder}", "基准合作单位"}),
            person_names=frozenset({"专家17", "专家42"}),
            tech_field=rng.choice(TechField.values),
            discipline_code=rng.choice(["2401510", "1101410", "5201020", "41330"]),
        )

    def _propose(self, holder: int, rng: random.Random):
        return proposal.propose(self._facts(holder, rng))

    def _deals(self, rng, org_ids, by, n) -> int:

        if n <= 0:
            return 0
        # Every deal needs a listing; one demand serves them all. Completed deals are not "open", so the
        # one-open-deal-per-organisation rule does not apply, and they count as conflicts.
        demand = Demand.objects.create(
            title="基准需求",
            organization_id=org_ids[0],
            problem="基准",
            tech_field="agriculture",
            region_id=Region.objects.get(code="511402").pk,
        )
        now = timezone.now()
        Deal.objects.bulk_create(
            [
                Deal(
                    demand=demand,
                    initiator_id=a,
                    counterpart_id=b,
                    initiated_by=by,
                    mode="licence_ordinary",
                    message="基准",
                    status="completed",
                    last_activity_at=now,
                )
                for a, b in (rng.sample(org_ids, 2) for _ in range(n))
            ],
            batch_size=5000,
        )
        return n
