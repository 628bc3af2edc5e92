#!/usr/bin/env bash
# The load benchmark (bench/load_bench.py): 50 clients for 5 minutes against gunicorn on PostgreSQL with
# production settings, beside a hello-world view, loopback only. BENCH_LOAD_SECONDS shortens the mixed
# phase (e.g. 30 for a try); extra arguments go to bench/load_bench.py. Results: $BENCH_OUT/load.json.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=${BENCH_OUT:-var/bench}
mkdir -p "$OUT"
echo "== load: 50 clients against gunicorn on PostgreSQL, production settings (bench/load_bench.py)"
# Its own venv, .venv-bench: requirements.lock (what production runs) + requirements-bench.lock (locust;
# gunicorn is in requirements.lock), rebuilt only when a lock file changes. Skipped when PostgreSQL does not answer.
BENCH_DB=${BENCH_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/kq_load}
# Reachable at all? (a TCP connection; load_bench.py then creates the database if it is missing)
if ${PYTHON:-python3} - "$BENCH_DB" <<'PYEOF' 2>/dev/null
import socket, sys, urllib.parse
url = urllib.parse.urlsplit(sys.argv[1])
socket.create_connection((url.hostname or "127.0.0.1", url.port or 5432), timeout=3).close()
PYEOF
then
  want=$(cat requirements.lock requirements-bench.lock | sha256sum | cut -d' ' -f1)
  if [ ! -x .venv-bench/bin/python ] || [ "$(cat .venv-bench/.installed 2>/dev/null)" != "$want" ]; then
    ${PYTHON:-python3} -m venv .venv-bench
    .venv-bench/bin/pip install --quiet -r requirements.lock -r requirements-bench.lock
    echo "$want" >.venv-bench/.installed
  fi
  BENCH_DATABASE_URL=$BENCH_DB .venv-bench/bin/python bench/load_bench.py \
    --duration "${BENCH_LOAD_SECONDS:-300}" --json "$OUT/load.json" "$@"
else
  echo "(skipped: PostgreSQL does not answer at $BENCH_DB)"
fi
