"""Offline evaluation of the matcher and the classifier on CSL-format records (pure; no Django).

Records are dicts ``{"id", "title", "abstract", "keywords": [...], "discipline", "category"}``.

* :func:`topical_precision_at_10` — every record becomes an achievement; every abstract is then posed
  as a demand (no title, no keywords, body = abstract) and the top 10 *other* achievements are
  judged relevant when they share the record's discipline.  Also known-item retrieval: the record's
  keywords joined by spaces as the demand text, MRR@10 and R@1 of the record itself.
* :func:`bm25_baseline_p10` — the same topical probe with stock ``bm25s`` over ``jieba.lcut``.
* :func:`discipline_accuracy` — deterministic stratified half/half split, train on one half, accuracy
  (and top-3 accuracy) on the other.

Structured factors are unknown for these records (all neutral), so they do not change the ranking.
"""

from __future__ import annotations

import argparse
import json
import logging
import time
from collections.abc import Callable, Sequence

import jieba
import numpy as np

from .classify import Classifier
from .matcher import Matcher
from .types import Item

__all__ = [
    "achievement_items",
    "bm25_baseline_p10",
    "discipline_accuracy",
    "jieba_tokens",
    "load_records",
    "stock_bm25",
    "stratified_halves",
    "topical_precision_at_10",
]


def load_records(path: str) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def achievement_items(records: Sequence[dict]) -> list[Item]:
    return [
        Item(
            id=int(r["id"]),
            kind="achievement",
            title=r["title"],
            keywords=tuple(r["keywords"]),
            body=r["abstract"],
        )
        for r in records
    ]


def demand_from_abstract(r: dict) -> Item:
    return Item(id=int(r["id"]), kind="demand", title="", keywords=(), body=r["abstract"])


def demand_from_keywords(r: dict) -> Item:
    return Item(id=int(r["id"]), kind="demand", title="", keywords=(), body=" ".join(r["keywords"]))


def topical_precision_at_10(records: Sequence[dict], matcher_factory: Callable[[], object], *,
                            known_item: bool = True, limit: int | None = None) -> dict[str, float]:  # fmt: skip
    """Topical P@10 (same discipline among the top 10 other achievements) and known-item MRR@10/R@1."""
    matcher = matcher_factory()
    matcher.build(achievement_items(records))
    disc = {int(r["id"]): r["discipline"] for r in records}
    probe = list(records)[:limit] if limit else list(records)
    precisions = []
    for r in probe:
        hits = matcher.match(demand_from_abstract(r), "achievement", k=10, exclude_ids={int(r["id"])})
        precisions.append(sum(disc[m.id] == r["discipline"] for m in hits) / 10.0)
    out = {"topical_p_at_10": float(np.mean(precisions)), "queries": len(probe)}
    if known_item:
        rr, r1 = [], []
        for r in probe:
            ids = [m.id for m in matcher.match(demand_from_keywords(r), "achievement", k=10)]
            rank = ids.index(int(r["id"])) + 1 if int(r["id"]) in ids else 0
            rr.append(1.0 / rank if rank else 0.0)
            r1.append(rank == 1)
        out["known_item_mrr_at_10"] = float(np.mean(rr))
        out["known_item_r_at_1"] = float(np.mean(r1))
    return out


def jieba_tokens(s: str) -> list[str]:
    """The stock reference's tokens: ``jieba.lcut`` (precise mode), blanks dropped."""
    jieba.setLogLevel(logging.WARNING)
    return [t for t in jieba.lcut(s) if t.strip()]


def stock_bm25(records: Sequence[dict]):
    """The reference every matching figure is compared with: stock bm25s (default parameters) over
    ``jieba_tokens`` of title + keywords + abstract, indexed in the order of ``records``."""
    # development dependency (the stock reference), absent from production installs
    import bm25s

    model = bm25s.BM25()
    model.index(
        [jieba_tokens(r["title"] + " " + " ".join(r["keywords"]) + " " + r["abstract"]) for r in records],
        show_progress=False,
    )
    return model


def bm25_baseline_p10(records: Sequence[dict]) -> float:
    """Topical P@10 of :func:`stock_bm25`, each abstract posed as the query."""
    res, _scores = stock_bm25(records).retrieve(
        [jieba_tokens(r["abstract"]) for r in records], k=11, show_progress=False, n_threads=1
    )
    disc = np.array([r["discipline"] for r in records])
    prec = [np.mean(disc[[j for j in row if j != i][:10]] == disc[i]) for i, row in enumerate(res)]
    return float(np.mean(prec))


def stratified_halves(labels: Sequence[str], seed: int = 0) -> tuple[list[int], list[int]]:
    """Deterministic stratified split: per label, shuffled with ``seed``, alternate train/test."""
    rng = np.random.RandomState(seed)
    by: dict[str, list[int]] = {}
    for i, lab in enumerate(labels):
        by.setdefault(lab, []).append(i)
    train, test = [], []
    for lab in sorted(by):
        idx = np.array(by[lab])
        rng.shuffle(idx)
        train += idx[0::2].tolist()
        test += idx[1::2].tolist()
    return sorted(train), sorted(test)


def record_text(r: dict) -> str:
    return f"{r['title']} {' '.join(r['keywords'])} {r['abstract']}"


def discipline_accuracy(
    records: Sequence[dict], classifier_factory: Callable[[], object], seed: int = 0
) -> dict:
    labels = [r["discipline"] for r in records]
    train, test = stratified_halves(labels, seed)
    clf = classifier_factory()
    clf.fit([record_text(records[i]) for i in train], [labels[i] for i in train])
    top1 = top3 = 0
    for i in test:
        pred = [lab for lab, _p in clf.predict(record_text(records[i]), k=3)]
        top1 += bool(pred) and pred[0] == labels[i]
        top3 += labels[i] in pred
    return {"accuracy": top1 / len(test), "top3_accuracy": top3 / len(test), "train": len(train), "test": len(test),
            "labels": len(set(labels))}  # fmt: skip


def main(argv: Sequence[str] | None = None) -> dict:
    """``python -m keqiao.matching.engine.evaluate [--data csl_dev.jsonl] [--no-baseline]``: all figures, JSON."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="/work/shared/data/csl/csl_dev.jsonl")
    ap.add_argument("--no-baseline", action="store_true")
    args = ap.parse_args(argv)
    records = load_records(args.data)
    out: dict = {}
    t = time.perf_counter()
    out["matcher"] = topical_precision_at_10(records, Matcher)
    out["matcher"]["seconds"] = round(time.perf_counter() - t, 1)
    t = time.perf_counter()
    out["classifier"] = discipline_accuracy(records, Classifier)
    out["classifier"]["seconds"] = round(time.perf_counter() - t, 1)
    if not args.no_baseline:
        out["bm25s_jieba_baseline_p_at_10"] = bm25_baseline_p10(records)
    print(json.dumps(out, ensure_ascii=False))
    return out


if __name__ == "__main__":
    main()
