#!/usr/bin/env bash
# Benchmarks (not tests): search quality on the CSL records, engine vs. a stock BM25 reference at
# 100,000 documents, whole search requests through Django at 100,000 achievements, matching, deals,
# and last the load benchmark (scripts/run-load-bench.sh; `make bench-load` runs only that one).
# Results are printed; copy the figures into docs/benchmarks.md with the machine and date.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
N=${BENCH_N:-100000}
OUT=${BENCH_OUT:-var/bench}
mkdir -p "$OUT"
export DJANGO_SETTINGS_MODULE=config.settings.dev
echo "== machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB, $(date -u +%Y-%m-%d)"
echo "== search quality on keqiao/common/data/csl_dev.jsonl (manage.py evaluate_search)"
$PY manage.py evaluate_search keqiao/common/data/csl_dev.jsonl | tee "$OUT/evaluate_search.json"
echo "== engine vs bm25s at n=$N (bench/search_engine_bench.py)"
$PY bench/search_engine_bench.py --n "$N" --json "$OUT/engine.json"
echo "== whole search requests through Django at n=$N (manage.py bench_search)"
$PY manage.py bench_search --n "$N" | tee "$OUT/bench_search.json"
echo "== matching quality (manage.py evaluate_matching): whole file, then disjoint halves for the classifier"
$PY manage.py evaluate_matching keqiao/common/data/csl_dev.jsonl | tee "$OUT/evaluate_matching.json"
$PY manage.py split_records keqiao/common/data/csl_dev.jsonl "$OUT/train.jsonl" "$OUT/test.jsonl"
$PY manage.py evaluate_matching "$OUT/test.jsonl" --train "$OUT/train.jsonl" | tee "$OUT/evaluate_matching_halves.json"
echo "== matching judged plain-language needs, calibrated on half a, reported on half b (manage.py evaluate_needs)"
$PY manage.py evaluate_needs keqiao/matching/data/needs.jsonl --half b --fit | tee "$OUT/evaluate_needs_b.json"
echo "== first pages after start-up, on the demo database (bench/first_page.py; run make demo once first)"
$PY bench/first_page.py | tee "$OUT/first_page.json" || echo "(skipped: no demo database)"
echo "== matching speed and memory at n=$N (bench/matching_bench.py)"
$PY bench/matching_bench.py --n "$N" --json "$OUT/matching.json"
echo "== registered contracts at n=$N: statistics page and API, contract list, plan dashboard, xlsx export (manage.py bench_deals)"
$PY manage.py bench_deals --n "$N" | tee "$OUT/bench_deals.json"
echo "== plan dashboard with every indicator computed from registries: 10,000 enterprises, 2,000 platforms, 500 carriers, 100,000 contracts (manage.py bench_plan_dashboard)"
$PY manage.py bench_plan_dashboard | tee "$OUT/bench_plan_dashboard.json"
echo "== expert proposal with conflict checks over 5,000 experts and 100,000 registered contracts (manage.py bench_reviews)"
$PY manage.py bench_reviews | tee "$OUT/bench_reviews.json"
echo "== Monte Carlo valuation, 10,000 draws (manage.py bench_valuation)"
$PY manage.py bench_valuation | tee "$OUT/bench_valuation.json"
echo "== auction: 200 bidders, 5,000 bids over the last 10 minutes on PostgreSQL (manage.py bench_auction)"
DATABASE_URL=${BENCH_AUCTION_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/kq_auction} \
  $PY manage.py bench_auction --bidders 200 --bids 5000 --workers 16 --duration 600 | tee "$OUT/bench_auction.json"
echo "== contract register at n=$N: verify_register, certificate PDF, public verification page (manage.py bench_register)"
$PY manage.py bench_register --n "$N" | tee "$OUT/bench_register.json"
echo "== event meeting schedule: 300 participants, 2,000 accepted requests, 12 slots x 60 tables; re-optimise after 20 changes (manage.py bench_event_schedule)"
$PY manage.py bench_event_schedule | tee "$OUT/bench_event_schedule.json"
echo "== near-duplicate detection: 10,000 synthetic records with 200 planted duplicates (manage.py bench_dedup; 100,000 does not finish in reasonable time yet)"
$PY manage.py bench_dedup --n 10000 --planted 200 | tee "$OUT/bench_dedup.json"
bash scripts/run-load-bench.sh
