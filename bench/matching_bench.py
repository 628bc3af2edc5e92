"""Benchmark keqiao.matching.engine.Matcher on synthetic achievements/demands built from CSL.

Usage (from the repository root)::

    .venv/bin/python bench/matching_bench.py --n 100000 --json out.json
    .venv/bin/python bench/matching_bench.py --n 5000            # well under a minute

N synthetic achievements and ``--demands`` demands are generated deterministically (``--seed``) from
the real CSL records: each keeps a real title + keywords, its body is 3–8 sentences drawn from records
of the same discipline, TRL/price/budget/modes/region are random.  Measured:

* build time: ``Matcher.build`` = tokenisation + BM25F indexes + semantic fit (SVD on a sample of at
  most 30k texts) + encoding of every item;
* ``match(demand, "achievement", k=20)`` latency over ``--queries`` demands (p50/p95), and the reverse
  direction;
* ``upsert`` of one changed achievement (the refresh after one record changes): p50/p95/max;
* memory: ``ru_maxrss`` (peak, includes build temporaries) and the bytes of the numpy arrays the
  matcher holds; the same at a smaller point (``--points``, run in a subprocess) and a *linear
  extrapolation* to 1,000,000 items from the two measured points.

The last line printed is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from keqiao.matching.engine import Item, Matcher  # noqa: E402

DATA = Path(os.environ.get("CSL_DEV", "/work/shared/data/csl/csl_dev.jsonl"))
REGIONS = ("511402", "511403", "511421", "511423", "511424", "511425", "510104", "510107")
ACH_MODES = ("转让", "许可", "作价投资", "合作实施", "技术服务")
TECH_FIELDS = tuple(f"F{i:02d}" for i in range(1, 12))
_SENT_SPLIT = re.compile(r"(?<=[。.；;])")


def load_records() -> list[dict]:
    with DATA.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def synth(recs: list[dict], n: int, n_demands: int, seed: int) -> tuple[list[Item], list[Item]]:
    rng = random.Random(seed)
    by_disc: dict[str, list[dict]] = {}
    for r in recs:
        by_disc.setdefault(r["discipline"], []).append(r)
    sentences = {
        d: [s for r in rs for s in _SENT_SPLIT.split(r["abstract"]) if len(s) > 4] or ["无"]
        for d, rs in by_disc.items()
    }
    field_of = {d: TECH_FIELDS[i % len(TECH_FIELDS)] for i, d in enumerate(sorted(by_disc))}

    def body(disc, lo, hi):
        return "".join(rng.choice(sentences[disc]) for _ in range(rng.randint(lo, hi)))

    achievements = []
    for i in range(n):
        r = recs[i % len(recs)]
        d = r["discipline"]
        achievements.append(Item(
            id=i + 1, kind="achievement", title=r["title"], keywords=tuple(r["keywords"]), body=body(d, 3, 8),
            discipline=d, tech_field=field_of[d], trl=rng.randint(1, 9),
            price=None if rng.random() < 0.2 else round(rng.lognormvariate(11, 1.2), 2),
            modes=tuple(rng.sample(ACH_MODES, rng.randint(1, 3))), region=rng.choice(REGIONS),
            organization_id=rng.randint(1, max(1, n // 20)),
        ))  # fmt: skip
    demands = []
    for j in range(n_demands):
        r = recs[rng.randrange(len(recs))]
        d = r["discipline"]
        lo = None if rng.random() < 0.4 else round(rng.lognormvariate(10.5, 1.0), 2)
        demands.append(Item(
            id=10_000_000 + j, kind="demand", title=r["title"], keywords=tuple(r["keywords"][: rng.randint(0, 3)]),
            body=body(d, 2, 5), discipline=d if rng.random() < 0.5 else None,
            tech_field=field_of[d] if rng.random() < 0.5 else None,
            trl=None if rng.random() < 0.3 else rng.randint(3, 8), budget_min=lo,
            budget_max=None if lo is None else round(lo * rng.uniform(1.5, 5), 2),
            modes=tuple(rng.sample(ACH_MODES, rng.randint(0, 2))), region=rng.choice(REGIONS),
            organization_id=rng.randint(1, 500),
        ))  # fmt: skip
    return achievements, demands


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def array_bytes(obj, seen=None) -> int:
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return 0
    seen.add(id(obj))
    if isinstance(obj, np.ndarray):
        return obj.nbytes
    if isinstance(obj, dict):
        return sum(array_bytes(v, seen) for v in obj.values())
    if isinstance(obj, list | tuple):
        return sum(array_bytes(v, seen) for v in obj if not isinstance(v, str | int | float))
    if hasattr(obj, "__dict__") and not isinstance(obj, type):
        return sum(array_bytes(v, seen) for v in vars(obj).values())
    if hasattr(obj, "data") and hasattr(obj, "indices"):  # scipy sparse
        return obj.data.nbytes + obj.indices.nbytes + obj.indptr.nbytes
    return 0


def pct(xs, p):
    return float(np.percentile(np.asarray(xs), p)) if xs else float("nan")


def run(args) -> dict:
    recs = load_records()
    t0 = time.perf_counter()
    achievements, demands = synth(recs, args.n, args.demands, args.seed)
    gen_s = time.perf_counter() - t0
    rss_before = maxrss_mb()
    matcher = Matcher()
    t0 = time.perf_counter()
    matcher.build(achievements + demands)
    build_s = time.perf_counter() - t0
    out = {
        "n_achievements": args.n, "n_demands": args.demands, "generate_s": round(gen_s, 2),
        "build_s": round(build_s, 2), "items_per_s": round((args.n + args.demands) / build_s, 1),
        "maxrss_mb": round(maxrss_mb(), 1), "maxrss_growth_mb": round(maxrss_mb() - rss_before, 1),
        "index_array_mb": round(array_bytes(matcher) / 2**20, 1),
        "semantic_model_array_mb": round(array_bytes(matcher.semantic) / 2**20, 1),
        "semantic_dim": int(matcher.semantic.dim),
    }  # fmt: skip
    if args.build_only:
        return out
    qs = demands[: args.queries]
    for q in qs[:5]:  # warm-up (lazy delta/view structures)
        matcher.match(q, "achievement", k=20)
    lat = []
    for q in qs:
        t = time.perf_counter()
        matcher.match(q, "achievement", k=20)
        lat.append((time.perf_counter() - t) * 1000)
    rev = []
    for a in achievements[: min(100, len(achievements))]:
        t = time.perf_counter()
        matcher.match(a, "demand", k=20)
        rev.append((time.perf_counter() - t) * 1000)
    rng = random.Random(args.seed + 1)
    ups = []
    for _ in range(args.upserts):
        a = achievements[rng.randrange(len(achievements))]
        changed = Item(
            **{**a.__dict__, "body": a.body + "本成果已完成中试验证。", "trl": min(9, (a.trl or 1) + 1)}
        )
        t = time.perf_counter()
        matcher.upsert(changed)
        ups.append((time.perf_counter() - t) * 1000)
    lat_after = []
    for q in qs[:50]:
        t = time.perf_counter()
        matcher.match(q, "achievement", k=20)
        lat_after.append((time.perf_counter() - t) * 1000)
    out.update({
        "match_top20_p50_ms": round(pct(lat, 50), 2), "match_top20_p95_ms": round(pct(lat, 95), 2),
        "match_top20_max_ms": round(max(lat), 2),
        "reverse_match_top20_p50_ms": round(pct(rev, 50), 2), "reverse_match_top20_p95_ms": round(pct(rev, 95), 2),
        "match_after_upserts_p95_ms": round(pct(lat_after, 95), 2),
        "upsert_p50_ms": round(pct(ups, 50), 2), "upsert_p95_ms": round(pct(ups, 95), 2),
        "upsert_max_ms": round(max(ups), 2), "upserts": len(ups),
        "maxrss_mb_end": round(maxrss_mb(), 1),
    })  # fmt: skip
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=5000, help="synthetic achievements")
    ap.add_argument("--demands", type=int, default=1000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--upserts", type=int, default=50)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--points", type=str, default=None,
                    help="comma-separated smaller sizes measured (build only, subprocess) for the memory "
                         "extrapolation; default n/10 when n >= 20000")  # fmt: skip
    ap.add_argument("--build-only", action="store_true")
    ap.add_argument("--json", type=str, default=None)
    args = ap.parse_args()
    measured = []
    if not args.build_only:
        # Smaller points first, while this process is still small: Linux children inherit the
        # parent's ru_maxrss high-water mark at fork, which would poison their peak-RSS figure.
        pts = (
            [int(p) for p in args.points.split(",") if p]
            if args.points
            else ([args.n // 10] if args.n >= 20000 else [])
        )
        for p in pts:
            cp = subprocess.run(  # noqa: S603 -- this very script
                [sys.executable, __file__, "--n", str(p), "--demands", str(args.demands), "--build-only",
                 "--seed", str(args.seed)], capture_output=True, text=True, check=True)  # fmt: skip
            measured.append(json.loads(cp.stdout.strip().splitlines()[-1]))
    res = run(args)
    if not args.build_only:
        for k, v in res.items():
            print(f"{k:32s} {v}")
        res["points"] = measured
        if measured:
            small = measured[0]
            big = res
            n0, n1 = small["n_achievements"], big["n_achievements"]
            for key in ("index_array_mb", "maxrss_mb", "build_s"):
                slope = (big[key] - small[key]) / (n1 - n0)
                res[f"extrapolated_1m_{key}"] = round(big[key] + slope * (1_000_000 - n1), 1)
            res["extrapolation"] = f"linear from measured n={n0} and n={n1} (extrapolated, not measured)"
            for k in [k for k in res if k.startswith("extrapolated")]:
                print(f"{k:32s} {res[k]}  (extrapolated)")
    if args.json:
        Path(args.json).write_text(json.dumps(res, ensure_ascii=False, indent=2))
    print(json.dumps(res, ensure_ascii=False))


if __name__ == "__main__":
    main()
