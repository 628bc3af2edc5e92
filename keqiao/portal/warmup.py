"""Start-up: load what the first pages need (search indexes, matcher, suggestion model, Chinese
dictionary) before the server answers, so no visitor waits for a cold index."""

import logging
import sys
import time

logger = logging.getLogger(__name__)


def warm_up(*, out=None) -> float:
    """Load (from their snapshots when valid) or build the in-memory indexes; returns the seconds taken."""
    from keqiao.common import text
    from keqiao.matching.matcher import get_match_index
    from keqiao.matching.suggest import get_classifier
    from keqiao.search.index import all_indexes

    out = out or sys.stderr
    started = time.perf_counter()
    out.write("Keqiao: loading the Chinese dictionary, search indexes, matcher and suggestion model…\n")
    out.flush()
    text.get_tokenizer()
    for index in all_indexes():
        index.refresh()
    get_match_index().refresh()
    get_classifier()
    elapsed = time.perf_counter() - started
    out.write(f"Keqiao: ready in {elapsed:.1f} s.\n")
    out.flush()
    return elapsed
