"""Retrieval-quality metrics for known-item search (pure Python, no Django).

Each query has exactly one relevant document (the "target"), which is how the
CSL evaluation poses a record's keywords or title and expects the record back.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

__all__ = ["evaluate", "recall_at", "reciprocal_rank"]


def reciprocal_rank(ranked_ids: Sequence[int], target: int, k: int = 10) -> float:
    """1/rank of ``target`` within the first ``k`` of ``ranked_ids`` (rank 1 = first), else 0."""
    for rank, doc_id in enumerate(ranked_ids[:k], start=1):
        if doc_id == target:
            return 1.0 / rank
    return 0.0


def recall_at(ranked_ids: Sequence[int], target: int, k: int) -> float:
    """1.0 if ``target`` is among the first ``k`` of ``ranked_ids``, else 0.0."""
    return 1.0 if target in ranked_ids[:k] else 0.0


def evaluate(queries: list[tuple[str, int]], run: Callable[[str], list[int]]) -> dict[str, float]:
    """Run every (query, target) pair through ``run`` (which returns ranked ids, at least 10).

    Returns the means ``mrr10``, ``r1``, ``r10`` and the wall-clock ``ms_per_query``
    (time spent inside ``run`` only).  An empty query list yields zeros.
    """
    n = len(queries)
    if not n:
        return {"mrr10": 0.0, "r1": 0.0, "r10": 0.0, "ms_per_query": 0.0}
    mrr = r1 = r10 = 0.0
    elapsed = 0.0
    for query, target in queries:
        t0 = time.perf_counter()
        ranked = list(run(query))
        elapsed += time.perf_counter() - t0
        mrr += reciprocal_rank(ranked, target, 10)
        r1 += recall_at(ranked, target, 1)
        r10 += recall_at(ranked, target, 10)
    return {
        "mrr10": mrr / n,
        "r1": r1 / n,
        "r10": r10 / n,
        "ms_per_query": 1000.0 * elapsed / n,
    }
