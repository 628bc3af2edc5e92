#!/usr/bin/env bash
# Runs the test suite on SQLite, then on PostgreSQL, including the headless-browser tests.
# CI=true makes PostgreSQL and Chromium mandatory; elsewhere a missing one is skipped with a notice.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
CI=${CI:-false}
export DJANGO_SETTINGS_MODULE=config.settings.test

browser_ok=false
if [ -x /usr/bin/chromium ] || command -v chromium >/dev/null 2>&1; then
  browser_ok=true
elif [ "$CI" = "true" ]; then
  echo "CI: installing Chromium and CJK fonts from Debian's packages" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq chromium fonts-noto-cjk >/dev/null
  browser_ok=true
fi
# PDFs embed a TrueType CJK font of the system (keqiao/common/pdf.py); CI tests that they do.
if [ "$CI" = "true" ] && [ ! -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ]; then
  echo "CI: installing the CJK font PDFs embed (fonts-wqy-microhei)" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq fonts-wqy-microhei >/dev/null
fi
# The deployment files are checked with nginx -t and systemd-analyze verify (keqiao/portal/tests/test_deploy_files.py).
if [ "$CI" = "true" ] && { [ ! -x /usr/sbin/nginx ] || ! command -v systemd-analyze >/dev/null 2>&1; }; then
  echo "CI: installing nginx-light and systemd to check the deployment files" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null && apt-get install -y -qq nginx-light systemd openssl >/dev/null
fi
if [ "$browser_ok" = "true" ]; then
  export KEQIAO_BROWSER_TESTS=required
else
  echo "NOTICE: Chromium not found: browser tests are skipped (CI=true makes them mandatory)." >&2
  export KEQIAO_BROWSER_TESTS=skip
fi

# The API fuzzing (marker fuzz, keqiao/portal/tests/test_api_fuzz.py) runs in the PostgreSQL pass only.
echo "== Test suite on SQLite =="
$PY -m pytest -q -p no:cacheprovider -m "not fuzz" "$@"

PG_URL=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}
if $PY - "$PG_URL" <<'PYEOF' 2>/dev/null
import sys, psycopg
psycopg.connect(sys.argv[1].replace("postgres://", "postgresql://"), connect_timeout=3).close()
PYEOF
then
  echo "== Test suite on PostgreSQL ($PG_URL), with the API fuzzing =="
  TEST_DATABASE_URL=$PG_URL KEQIAO_BROWSER_TESTS=skip $PY -m pytest -q -p no:cacheprovider -m "not browser" "$@"
elif [ "$CI" = "true" ]; then
  echo "CI: PostgreSQL is not reachable at $PG_URL; the PostgreSQL run is mandatory in CI." >&2
  exit 1
else
  echo "NOTICE: PostgreSQL not reachable at $PG_URL: the PostgreSQL run is skipped (CI=true makes it mandatory)." >&2
fi

bash scripts/test-dense.sh
