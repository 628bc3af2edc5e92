"""Start-up: load what the first pages need (Chinese dictionary, search indexes, matcher, suggestion
model) before the server answers, so no visitor waits for a cold index.

Indexes are only loaded from their snapshots here, never built: building takes minutes at 100,000
records, longer than an application server lets a worker start. A missing or outdated snapshot is
reported (run `manage.py rebuild_search_index`), and that index is built on first use instead. Each step
is tried on its own, so one failure does not skip the others and never stops the server.
"""

import logging
import sys
import time

from keqiao.common import text
from keqiao.matching import suggest
from keqiao.matching.index import get_match_index
from keqiao.search.backends import all_backends

logger = logging.getLogger(__name__)


def _steps():
    yield "Chinese dictionary", lambda: (text.get_tokenizer(), True)[1]
    for backend in all_backends():
        yield f"search index ({backend.definition.kind})", backend.warm_up
    matcher = get_match_index()
    yield "matcher", lambda: matcher.matcher is not None or matcher._load_snapshot()
    yield "suggestion model", lambda: (suggest.get_classifier(), True)[1]


def warm_up(*, out=None) -> dict[str, str]:
    """Load each piece; returns {piece: "ready" | "not loaded" | "failed"} and prints what it does."""
    out = out or sys.stderr
    started = time.perf_counter()
    out.write("Keqiao: loading the Chinese dictionary, search indexes, matcher and suggestion model…\n")
    out.flush()
    result: dict[str, str] = {}
    for name, step in _steps():
        try:
            result[name] = "ready" if step() else "not loaded"
        except Exception:  # noqa: BLE001 -- a failed piece is built on first use; the server still starts
            logger.exception("warm-up: %s failed", name)
            result[name] = "failed"
        if result[name] != "ready":
            out.write(
                f"Keqiao: {name}: no valid snapshot — built on first use "
                "(run `manage.py rebuild_search_index` to save one).\n"
                if result[name] == "not loaded"
                else f"Keqiao: {name}: failed to load (see the log); built on first use.\n"
            )
    out.write(f"Keqiao: ready in {time.perf_counter() - started:.1f} s.\n")
    out.flush()
    return result
