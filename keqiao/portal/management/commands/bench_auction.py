"""Benchmark an auction's closing minutes: many bidders bidding at once on one auction (PostgreSQL).

Creates a scratch database (on the server `DATABASE_URL` names) with one published achievement, one
auction ending in `--duration` seconds (ten minutes) and `--bidders` admitted bidders, then fires `--bids`
bids through the real service from `--workers` threads, each with its own connection (bounded, in
process, no network), spread evenly over the duration (`--duration 0`: as fast as the workers can). Each
bid raises the price the bidder last saw by one to three increments, as a person watching the live page
would; bids that arrive too low or from the current leader are refused by the rules. Reports the latency
of every bid, then checks that nothing was lost or counted twice (every accepted bid is in the ledger,
once), that the ledger's hash chain verifies and that replaying it gives the auction's final state, and
closes the auction. Prints one JSON line. A benchmark, not a test: no time limits.
"""

import datetime
import json
import random
import statistics
import threading
import time
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections
from django.test import override_settings
from django.test.utils import setup_databases, teardown_databases
from django.utils import timezone

from keqiao.accounts.models import Membership, Organization
from keqiao.achievements import services as achievement_services
from keqiao.common.errors import DomainError
from keqiao.portal.evaluation import scratch_member, scratch_organization
from keqiao.trading import ledger, selectors, services
from keqiao.trading.models import Auction, Bid


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


class Command(BaseCommand):
    help = "Fire N concurrent bids at one auction; report latency and check the ledger against the state."

    def add_arguments(self, parser):
        parser.add_argument("--bidders", type=int, default=200)
        parser.add_argument("--bids", type=int, default=5000)
        parser.add_argument("--workers", type=int, default=16)
        parser.add_argument(
            "--duration", type=float, default=600.0, help="Seconds over which the bids arrive."
        )
        parser.add_argument("--allow-sqlite", action="store_true", help="Run on SQLite (writers serialised).")

    def handle(self, *args, bidders, bids, workers, duration, allow_sqlite, **options):
        if connection.vendor != "postgresql" and not allow_sqlite:
            raise CommandError("Set DATABASE_URL to a PostgreSQL server (or pass --allow-sqlite).")
        old = setup_databases(verbosity=0, interactive=False)
        try:
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
                result = self._run(bidders, bids, workers, duration)
        finally:
            connections.close_all()
            teardown_databases(old, verbosity=0)
        self.stdout.write(json.dumps(result))

    def _setup(self, n_bidders: int, duration: float):
        bureau = scratch_member(
            scratch_organization(kind=Organization.Kind.CITY_BUREAU), username="bench-bureau"
        )
        holder_org = scratch_organization(name="评测大学")
        holder = scratch_member(holder_org, username="bench-holder")
        a = achievement_services.achievement_create(
            by=holder,
            organization=holder_org,
            data={
                "title": "竹纤维高效生物酶脱胶技术",
                "kind": "1",
                "summary": "竹纤维生物酶脱胶与改性工艺。",
                "keywords": ["竹纤维", "脱胶"],
                "tech_field": "new_materials",
                "trl": 6,
                "transfer_modes": ["license"],
                "price_negotiable": True,
            },
        )
        a = achievement_services.achievement_submit(achievement=a, by=holder)
        a = achievement_services.achievement_approve(achievement=a, by=bureau)
        a = achievement_services.achievement_publish(achievement=a, by=holder)
        now = timezone.now()
        auction = services.auction_create(
            by=holder,
            organization=holder_org,
            achievement=a,
            data={
                "mode": "licence_ordinary",
                "conditions": "评测：价高者得。",
                "starting_price": "100000",
                "increment": "100",
                "reserve_price": "150000",
                "starts_at": now - datetime.timedelta(hours=1),
                # The bids arrive in the auction's last minutes (setting up the bidders takes a while).
                "ends_at": now + datetime.timedelta(seconds=duration + 30 + n_bidders * 0.5),
                "extension_minutes": 5,
            },
        )
        users = []
        for i in range(n_bidders):
            org = scratch_organization(name=f"评测竞买企业{i:03d}", kind=Organization.Kind.ENTERPRISE)
            user = scratch_member(org, Membership.Role.ADMIN, username=f"bench-bidder-{i:03d}")
            b = services.bidder_register(auction=auction, by=user, organization=org)
            services.bidder_decide(bidder=b, by=holder, accept=True)
            users.append(user)
        return auction, users

    def _run(self, n_bidders: int, n_bids: int, n_workers: int, duration: float) -> dict:
        auction, users = self._setup(n_bidders, duration)
        pk = auction.pk
        increment = auction.increment
        counter = iter(range(n_bids))
        lock = threading.Lock()
        latencies: list[float] = []
        ok_latencies: list[float] = []
        accepted: list[int] = []
        refused: dict[str, int] = {}
        errors: list[str] = []

        def worker(seed: int) -> None:
            rng = random.Random(seed)
            try:
                while True:
                    with lock:
                        i = next(counter, None)
                    if i is None:
                        return
                    due = begin + duration * i / n_bids
                    if (wait := due - time.perf_counter()) > 0:
                        time.sleep(wait)
                    user = users[rng.randrange(len(users))]
                    seen = Auction.objects.values_list("current_price", flat=True).get(pk=pk) or Decimal(
                        "99900"
                    )
                    amount = seen + increment * rng.randint(1, 3)
                    t0 = time.perf_counter()
                    try:
                        bid = services.bid_place(auction=Auction(pk=pk), by=user, amount=amount)
                    except DomainError as exc:
                        elapsed = time.perf_counter() - t0
                        with lock:
                            latencies.append(elapsed)
                            refused[exc.code] = refused.get(exc.code, 0) + 1
                    else:
                        elapsed = time.perf_counter() - t0
                        with lock:
                            latencies.append(elapsed)
                            ok_latencies.append(elapsed)
                            accepted.append(bid.pk)
            except Exception as exc:  # reported in the result
                with lock:
                    errors.append(repr(exc))
            finally:
                connections.close_all()

        auction.refresh_from_db()
        remaining = (auction.ends_at - timezone.now()).total_seconds()
        begin = started = time.perf_counter()
        threads = [threading.Thread(target=worker, args=(i,)) for i in range(n_workers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started

        auction.refresh_from_db()
        ledger_ids = list(Bid.objects.filter(auction_id=pk).order_by("seq").values_list("pk", flat=True))
        document = selectors.ledger_document(auction)
        valid, bad = ledger.verify(document)
        replayed = ledger.replay(document)
        replay_matches = (replayed.price, replayed.bids, replayed.ends_at, replayed.extensions) == (
            auction.current_price,
            auction.bid_count,
            auction.ends_at,
            auction.extensions,
        ) and replayed.leader == Bid.objects.get(pk=auction.leading_bid_id).paddle
        closed = services.auction_close(auction=auction, now=auction.ends_at)
        auction.refresh_from_db()
        ms = [x * 1000 for x in latencies]
        ok_ms = [x * 1000 for x in ok_latencies]
        return {
            "database": connection.vendor,
            "bidders": n_bidders,
            "bids_fired": n_bids,
            "workers": n_workers,
            "duration_s": duration,
            "seconds_left_at_first_bid": round(remaining, 1),
            "accepted": len(accepted),
            "refused": refused,
            "errors": errors[:5],
            "lost_or_doubled": len(set(accepted) ^ set(ledger_ids))
            + (len(ledger_ids) - len(set(ledger_ids))),
            "ledger_valid": valid,
            "ledger_first_bad": bad,
            "replay_equals_state": replay_matches,
            "final_price": str(auction.current_price),
            "extensions": auction.extensions,
            "closed_as": auction.status if closed else "not closed",
            "deal": auction.deal_id is not None,
            "wall_s": round(wall, 2),
            "bids_per_s": round(n_bids / wall, 1),
            "latency_ms": {
                "p50": round(statistics.median(ms), 2),
                "p95": round(pct(ms, 95), 2),
                "p99": round(pct(ms, 99), 2),
                "max": round(max(ms), 2),
            },
            "accepted_latency_ms": {
                "p50": round(statistics.median(ok_ms), 2),
                "p95": round(pct(ok_ms, 95), 2),
            },
        }
