"""Benchmark the meeting optimiser of a matchmaking fair (keqiao.events.scheduler).

Builds a seeded instance — `--participants` people, `--requests` accepted meeting requests between
distinct pairs (popularity skewed as at a real fair: a few exhibitors are asked by many), a fifth of the
people unavailable in two to four slots, priorities 0–3 — and schedules it into `--slots` × `--tables`.
Then applies `--changes` last-minute changes (a third meetings withdrawn, a third newly accepted, a third
people marking one more slot unavailable) and re-optimises with the confirmed meetings in place, counting
the confirmed meetings that moved. Reports times, meetings placed and the placement rate against the
upper bound. Prints one JSON line. The solver only (no database): the service adds one bulk update. A
benchmark, not a test: no time limits are asserted.
"""

import json
import os
import random
import time

from django.core.management.base import BaseCommand

from keqiao.events.scheduler import Problem, Request, solve


def instance(rng: random.Random, participants: int, requests: int, slots: int) -> tuple[list, dict]:
    weights = [1.0 / (i + 1) ** 0.6 for i in range(participants)]  # skewed popularity
    pairs: set[tuple[int, int]] = set()
    out = []
    while len(out) < requests:
        a = rng.randrange(participants)
        b = rng.choices(range(participants), weights=weights)[0]
        key = (min(a, b), max(a, b))
        if a == b or key in pairs:
            continue
        pairs.add(key)
        out.append(Request(len(out) + 1, a, b, priority=rng.randint(0, 3)))
    unavailable = {
        p: set(rng.sample(range(slots), rng.randint(2, 4))) for p in range(participants) if rng.random() < 0.2
    }
    return out, unavailable


class Command(BaseCommand):
    help = "Schedule N accepted meeting requests into slots × tables; re-optimise after changes."

    def add_arguments(self, parser):
        parser.add_argument("--participants", type=int, default=300)
        parser.add_argument("--requests", type=int, default=2000)
        parser.add_argument("--slots", type=int, default=12)
        parser.add_argument("--tables", type=int, default=60)
        parser.add_argument("--changes", type=int, default=20)
        parser.add_argument("--time-limit", type=float, default=25.0)
        parser.add_argument(
            "--reoptimise-time-limit",
            type=float,
            default=8.0,
            help="Seconds the solver may take after the changes (the best schedule found by then is kept).",
        )
        parser.add_argument("--seed", type=int, default=2026)

    def handle(
        self,
        *args,
        participants,
        requests,
        slots,
        tables,
        changes,
        time_limit,
        reoptimise_time_limit,
        seed,
        **options,
    ):
        rng = random.Random(seed)
        reqs, unavailable = instance(rng, participants, requests, slots)
        started = time.perf_counter()
        first = solve(Problem(slots, tables, reqs, unavailable), time_limit=time_limit)
        first_seconds = time.perf_counter() - started

        # Last-minute changes, with every placed meeting confirmed where the first run put it.
        confirmed = [Request(r.id, r.a, r.b, r.priority, current=first.placement.get(r.id)) for r in reqs]
        placed_ids = [r.id for r in confirmed if r.current]
        withdrawn = set(rng.sample(placed_ids, changes // 3))
        kept = [r for r in confirmed if r.id not in withdrawn]
        pairs = {(min(r.a, r.b), max(r.a, r.b)) for r in reqs}
        next_id = max(r.id for r in reqs) + 1
        added = 0
        while added < changes // 3:
            a, b = rng.sample(range(participants), 2)
            if (min(a, b), max(a, b)) in pairs:
                continue
            pairs.add((min(a, b), max(a, b)))
            kept.append(Request(next_id, a, b, priority=3))
            next_id += 1
            added += 1
        changed_availability = changes - len(withdrawn) - added
        for p in rng.sample(range(participants), changed_availability):
            unavailable.setdefault(p, set()).add(rng.randrange(slots))
        started = time.perf_counter()
        second = solve(Problem(slots, tables, kept, unavailable), time_limit=reoptimise_time_limit)
        second_seconds = time.perf_counter() - started
        still_confirmed = sum(1 for r in kept if r.current)
        print(
            json.dumps(
                {
                    "participants": participants,
                    "requests": requests,
                    "slots": slots,
                    "tables": tables,
                    "cpus": os.cpu_count(),
                    "schedule_seconds": round(first_seconds, 2),
                    "placed": first.placed,
                    "upper_bound": first.upper_bound,
                    "placement_rate": round(first.rate, 4),
                    "proved_optimal": first.optimal,
                    "changes": {
                        "withdrawn": len(withdrawn),
                        "added": added,
                        "availability": changed_availability,
                    },
                    "reoptimise_seconds": round(second_seconds, 2),
                    "placed_after": second.placed,
                    "upper_bound_after": second.upper_bound,
                    "confirmed_before": still_confirmed,
                    "reoptimise_proved_optimal": second.optimal,
                    "moved": second.moved,
                    "moved_share": round(second.moved / still_confirmed, 4) if still_confirmed else 0.0,
                },
                ensure_ascii=False,
            )
        )
