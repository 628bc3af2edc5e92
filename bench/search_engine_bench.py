"""Benchmark keqiao.search.engine against bm25s on synthetic achievements built from CSL.

Usage (from the repository root)::

    .venv/bin/python bench/search_engine_bench.py --n 100000 --queries 500 --json out.json
    .venv/bin/python bench/search_engine_bench.py --n 2000          # seconds

Synthetic documents are generated deterministically (``--seed``) from the real
CSL records: doc i takes the title of record i mod 2758, a body recombined from
sentences of records of the same discipline, keywords sampled from those
records, and random facets/sort values.  Measured:

* engine build time (tokenisation + indexing) and tokenizer throughput;
* memory: peak-RSS growth during the build (``ru_maxrss`` delta; it reflects
  temporaries, not just the final index) and the bytes held by the engine's
  numpy arrays afterwards;
* ``retrieve(q, 10)`` latency vs ``bm25s.BM25.retrieve`` over ``jieba.lcut``
  tokens on the same queries, both including query tokenisation;
* a whole ``search()`` with one or two facet filters, all six facets counted,
  relevance sort, 20 hits; and empty-query browsing sorted by a value;
* short queries (one or two Chinese characters, expanded to the words containing
  them unless ``--no-expansion``), with facets and 20 hits;
* upsert latency into the delta segment and the time of one delta merge;
* unless ``--no-quality``: the CSL dev known-item evaluation (keywords and
  title as queries) for the engine and the bm25s reference.

The engine is configured as the showcase's: short-term expansion on (``--no-expansion``
turns it off); ``--holders`` adds a holder-name field, secondary as in the achievement
index (a record matching only by its holder ranks below every content match).

The last line printed is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import re
import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from keqiao.common import text  # noqa: E402
from keqiao.search.engine import Document, Expansion, SearchEngine  # noqa: E402
from keqiao.search.metrics import evaluate  # noqa: E402

DATA = Path(os.environ.get("CSL_DEV", "/work/shared/data/csl/csl_dev.jsonl"))
FIELD_WEIGHTS = {"title": 3.0, "keywords": 3.0, "body": 1.0}
FACETS = ("field", "trl", "region", "ip_type", "transfer_mode", "holder_kind")
SORTS = ("published", "trl", "price")
TECH_FIELDS = (
    "电子信息", "生物与新医药", "航空航天", "新材料", "高技术服务", "新能源与节能",
    "资源与环境", "先进制造与自动化", "现代农业", "纺织印染", "文化创意",
)  # fmt: skip
REGIONS = ("511402", "511403", "511421", "511423", "511424", "511425")
IP_TYPES = ("发明专利", "实用新型", "软件著作权", "技术秘密")
TRANSFER = ("转让", "许可", "作价投资", "合作实施", "技术服务")
HOLDERS = ("university", "institute", "enterprise")
_SENT_SPLIT = re.compile(r"(?<=[。.；;])")
_PLACES = ("眉山", "青神", "仁寿", "彭山", "丹棱", "洪雅", "东坡", "乐山", "成都", "雅安")
_TRADES = ("竹产业", "农业科学", "新材料", "智能制造", "生态医药", "食品", "电子信息", "化工", "机械", "茶业")
_KINDS = ("研究院", "有限公司", "大学", "研究所")
HOLDER_NAMES = [f"{p}{t}{k}" for p in _PLACES for t in _TRADES for k in _KINDS]


def load_records() -> list[dict]:
    with DATA.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def synth_docs(recs: list[dict], n: int, seed: int, holders: bool = False) -> list[Document]:
    """N deterministic synthetic achievements recombined from the real records."""
    rng = random.Random(seed)
    by_disc: dict[str, list[dict]] = {}
    for r in recs:
        by_disc.setdefault(r["discipline"], []).append(r)
    sentences = {
        d: [s for r in rs for s in _SENT_SPLIT.split(r["abstract"]) if len(s) > 4] or ["无"]
        for d, rs in by_disc.items()
    }
    field_of = {d: TECH_FIELDS[i % len(TECH_FIELDS)] for i, d in enumerate(sorted(by_disc))}
    docs = []
    for i in range(n):
        r = recs[i % len(recs)]
        disc = r["discipline"]
        pool = by_disc[disc]
        body = "".join(rng.choice(sentences[disc]) for _ in range(rng.randint(3, 8)))
        kws = list(r["keywords"]) + [k for o in rng.sample(pool, min(2, len(pool))) for k in o["keywords"]]
        kws = list(dict.fromkeys(kws))[: rng.randint(3, 7)]
        trl = rng.randint(1, 9)
        fields = {"title": r["title"], "keywords": " ".join(kws), "body": body}
        if holders:
            fields["holder"] = HOLDER_NAMES[i % len(HOLDER_NAMES)]
        price = float("nan") if rng.random() < 0.2 else round(rng.lognormvariate(11, 1.2), 2)
        docs.append(
            Document(
                id=i + 1,
                fields=fields,
                facets={
                    "field": (field_of[disc],),
                    "trl": (str(trl),),
                    "region": (rng.choice(REGIONS),),
                    "ip_type": tuple(rng.sample(IP_TYPES, rng.randint(1, 2))),
                    "transfer_mode": tuple(rng.sample(TRANSFER, rng.randint(1, 3))),
                    "holder_kind": (rng.choice(HOLDERS),),
                },
                sort_values={"published": 1.5e9 + rng.random() * 2.5e8, "trl": float(trl), "price": price},
            )
        )
    return docs


_CJK = re.compile(r"^[\u4e00-\u9fff]+$")
COMMON_SHORT = ("竹", "茶", "电", "水", "材料", "锂电", "研究", "土壤", "细胞", "系统")


def short_queries(sample: list[Document], rng: random.Random) -> list[str]:
    """1- and 2-character queries: prefixes of sampled keywords, plus common characters and words."""
    out = list(COMMON_SHORT)
    for d in sample:
        kws = [k for k in d.fields["keywords"].split() if _CJK.match(k) and len(k) >= 2]
        if kws:
            kw = rng.choice(kws)
            out.append(kw[: 1 + (len(kw) >= 3 and rng.random() < 0.5)])
    return out


def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux: KiB


def rss_now_mb() -> float:
    """Current resident set size (Linux /proc), to see what the build retains."""
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return float("nan")


def array_bytes(obj, seen=None) -> int:
    """Bytes of numpy arrays reachable from ``obj`` (engine state), counted once."""
    seen = set() if seen is None else seen
    if id(obj) in seen:
        return 0
    seen.add(id(obj))
    if isinstance(obj, np.ndarray):
        return obj.nbytes
    if isinstance(obj, dict):
        return sum(array_bytes(v, seen) for v in obj.values())
    if isinstance(obj, list | tuple):
        return sum(array_bytes(v, seen) for v in obj)
    if hasattr(obj, "__dict__"):
        return sum(array_bytes(v, seen) for v in vars(obj).values())
    return 0


def pct(xs: list[float], p: float) -> float:
    return float(np.percentile(np.asarray(xs), p)) if xs else float("nan")


def timed(fn, items) -> list[float]:
    out = []
    for it in items:
        t0 = time.perf_counter()
        fn(it)
        out.append((time.perf_counter() - t0) * 1000.0)
    return out


class CountingTokenizer:
    """Wraps a tokenizer to measure its share of build time and its throughput."""

    def __init__(self, fn):
        self.fn, self.seconds, self.tokens, self.chars = fn, 0.0, 0, 0

    def __call__(self, s: str) -> list[str]:
        t0 = time.perf_counter()
        out = self.fn(s)
        self.seconds += time.perf_counter() - t0
        self.tokens += len(out)
        self.chars += len(s)
        return out


def build_bm25s(docs_text: list[str]):
    import bm25s
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    t0 = time.perf_counter()
    corpus = [jieba.lcut(t) for t in docs_text]
    t1 = time.perf_counter()
    model = bm25s.BM25()
    model.index(corpus, show_progress=False)
    t2 = time.perf_counter()
    del corpus

    def retrieve(q: str, k: int = 10) -> list[int]:
        toks = [t for t in jieba.lcut(q) if t in model.vocab_dict]
        if not toks:
            return []
        idx, _ = model.retrieve([toks], k=min(k, model.scores["num_docs"]), show_progress=False)
        return idx[0].tolist()

    return retrieve, t1 - t0, t2 - t1


def quality(recs: list[dict], expansion: Expansion | None = None) -> dict:
    """CSL dev known-item evaluation for the engine and the bm25s reference."""
    eng = SearchEngine(FIELD_WEIGHTS, (), (), expansion=expansion)
    t0 = time.perf_counter()
    eng.build(
        Document(r["id"], {"title": r["title"], "keywords": " ".join(r["keywords"]), "body": r["abstract"]})
        for r in recs
    )
    build_s = time.perf_counter() - t0
    ref, _, _ = build_bm25s([r["title"] + " " + " ".join(r["keywords"]) + " " + r["abstract"] for r in recs])
    ids = [r["id"] for r in recs]
    sets = {
        "keywords": [(" ".join(r["keywords"]), r["id"]) for r in recs],
        "title": [(r["title"], r["id"]) for r in recs],
    }
    out = {"engine_build_s": round(build_s, 2)}
    for name, qs in sets.items():
        e = evaluate(qs, lambda q: [i for i, _ in eng.retrieve(q, 10)])
        b = evaluate(qs, lambda q: [ids[i] for i in ref(q, 10)])
        out[f"engine_{name}"] = {k: round(v, 4) for k, v in e.items()}
        out[f"bm25s_{name}"] = {k: round(v, 4) for k, v in b.items()}
    out["engine_short"] = short_query_quality(eng, recs)
    return out


def short_query_quality(eng: SearchEngine, recs: list[dict]) -> dict:
    """1- and 2-character queries (as in the speed measurement) against the records whose text
    contains the query string: the share of them found (recall), the share of the results that
    contain it (precision), and the share of the first 10 results that contain it."""
    full = {r["id"]: text.normalize(" ".join([r["title"], *r["keywords"], r["abstract"]])) for r in recs}
    rng = random.Random(5)
    sample = [Document(r["id"], {"keywords": " ".join(r["keywords"])}) for r in rng.sample(recs, 300)]
    recall = precision = top10 = 0.0
    n = 0
    for q in dict.fromkeys(short_queries(sample, rng)):
        want = {i for i, t in full.items() if q in t}
        if not want:
            continue
        got = [i for i, _ in eng.retrieve(q, len(full))]
        hit = len(set(got) & want)
        recall += hit / len(want)
        precision += hit / len(got) if got else 1.0
        top10 += sum(i in want for i in got[:10]) / min(10, len(want))
        n += 1
    return {
        "queries": n,
        "recall": round(recall / n, 3),
        "precision": round(precision / n, 3),
        "top10": round(top10 / n, 3),
    }


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=2000, help="number of synthetic documents")
    ap.add_argument("--queries", type=int, default=500, help="number of queries per measurement")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--json", type=Path, help="also write the JSON summary here")
    ap.add_argument("--no-quality", action="store_true", help="skip the CSL dev quality evaluation")
    ap.add_argument("--no-bm25s", action="store_true", help="skip the bm25s speed reference")
    ap.add_argument("--no-expansion", action="store_true", help="without the expansion of short query terms")
    ap.add_argument("--holders", action="store_true", help="add a secondary holder-name field")
    args = ap.parse_args(argv)
    res: dict = {"n": args.n, "queries": args.queries, "seed": args.seed, "cpus": os.cpu_count()}

    recs = load_records()
    text.get_tokenizer()  # dictionary load is a one-off, not part of build time

    res["expansion"], res["holders"] = not args.no_expansion, args.holders
    expansion = None if args.no_expansion else Expansion()
    docs = synth_docs(recs, args.n, args.seed, holders=args.holders)
    tok = CountingTokenizer(text.tokenize)
    eng = SearchEngine(
        {**FIELD_WEIGHTS, "holder": 0.5} if args.holders else FIELD_WEIGHTS,
        FACETS,
        SORTS,
        tokenizer=tok,
        query_tokenizer=text.tokenize_query,
        expansion=expansion,
        secondary_fields=("holder",) if args.holders else (),
    )
    rss0, cur0 = maxrss_mb(), rss_now_mb()
    t0 = time.perf_counter()
    eng.build(docs)
    res["build_s"] = round(time.perf_counter() - t0, 2)
    res["build_tokenize_s"] = round(tok.seconds, 2)
    res["tokens_per_s"] = round(tok.tokens / tok.seconds) if tok.seconds else None
    res["chars_per_s"] = round(tok.chars / tok.seconds) if tok.seconds else None
    res["tokens_total"] = tok.tokens
    res["build_peak_rss_delta_mb"] = round(maxrss_mb() - rss0, 1)
    res["build_retained_rss_delta_mb"] = round(rss_now_mb() - cur0, 1)
    res["index_array_mb"] = round(array_bytes(eng._state) / 2**20, 1)
    chars = eng._state.char_terms
    if chars is not None:  # the expansion's character -> words map (the words are the vocabulary's strings)
        res["char_map_entries"] = sum(len(v) for v in chars.values())
        res["char_map_mb"] = round(
            (sys.getsizeof(chars) + sum(sys.getsizeof(v) for v in chars.values())) / 2**20, 1
        )
    print(f"engine build {res['build_s']} s (tokenising {res['build_tokenize_s']} s)", flush=True)

    rng = random.Random(args.seed + 1)
    sample = [docs[i] for i in rng.sample(range(len(docs)), min(args.queries, len(docs)))]
    half = len(sample) // 2
    queries = [d.fields["keywords"] for d in sample[:half]] + [d.fields["title"] for d in sample[half:]]
    filters = []
    for j, d in enumerate(sample):
        f = {"field": list(d.facets["field"])}
        if j % 2:
            f["trl"] = [str(t) for t in range(int(d.sort_values["trl"]), 10)]
        filters.append(f)

    for q in queries[:20]:  # warm-up: lazy views, caches, branch predictors
        eng.retrieve(q, 10)
    lat = timed(lambda q: eng.retrieve(q, 10), queries)
    res["retrieve_p50_ms"], res["retrieve_p95_ms"] = round(pct(lat, 50), 3), round(pct(lat, 95), 3)
    res["retrieve_empty_results"] = sum(not eng.retrieve(q, 10) for q in queries)

    lat = timed(
        lambda j: eng.search(queries[j], filters=filters[j], facets=FACETS, sort="relevance", limit=20),
        range(len(queries)),
    )
    res["search_p50_ms"], res["search_p95_ms"] = round(pct(lat, 50), 3), round(pct(lat, 95), 3)
    lat = timed(
        lambda j: eng.search("", filters=filters[j], facets=FACETS, sort="-published", limit=20),
        range(min(100, len(queries))),
    )
    res["browse_p50_ms"], res["browse_p95_ms"] = round(pct(lat, 50), 3), round(pct(lat, 95), 3)

    # Short queries (one or two Chinese characters), what the public types into the search box: the
    # first one or two characters of sampled keywords, plus very common characters (the worst case of
    # the expansion of short terms to the words containing them).
    short = short_queries(sample, rng)
    for q in short[:20]:
        eng.search(q, facets=FACETS, limit=20)
    lat = timed(lambda q: eng.search(q, facets=FACETS, sort="relevance", limit=20), short)
    res["short_queries"] = len(short)
    res["short_search_p50_ms"], res["short_search_p95_ms"] = round(pct(lat, 50), 3), round(pct(lat, 95), 3)
    res["short_search_max_ms"] = round(max(lat), 3)
    res["short_search_mean_hits"] = round(
        sum(eng.search(q, limit=0).total for q in short) / max(1, len(short)), 1
    )

    if not args.no_bm25s:
        texts = [" ".join((d.fields["title"], d.fields["keywords"], d.fields["body"])) for d in docs]
        rss1 = maxrss_mb()
        ref, tok_s, idx_s = build_bm25s(texts)
        res["bm25s_build_s"] = round(tok_s + idx_s, 2)
        res["bm25s_tokenize_s"] = round(tok_s, 2)
        res["bm25s_build_peak_rss_delta_mb"] = round(maxrss_mb() - rss1, 1)
        del texts
        for q in queries[:20]:
            ref(q, 10)
        lat = timed(lambda q: ref(q, 10), queries)
        res["bm25s_retrieve_p50_ms"] = round(pct(lat, 50), 3)
        res["bm25s_retrieve_p95_ms"] = round(pct(lat, 95), 3)
        res["retrieve_ratio_p50"] = round(res["retrieve_p50_ms"] / res["bm25s_retrieve_p50_ms"], 2)
        res["retrieve_ratio_p95"] = round(res["retrieve_p95_ms"] / res["bm25s_retrieve_p95_ms"], 2)

    # Incremental updates: replace existing docs (delta path) and time one merge.
    upd = [
        Document(d.id, {**d.fields, "title": d.fields["title"] + " 改进型"}, d.facets, d.sort_values)
        for d in sample[:200]
    ]
    merges0 = eng.merges
    eng.delta_limit = 10**9  # measure pure delta upserts first
    lat = timed(eng.upsert, upd)
    res["upsert_p50_ms"], res["upsert_p95_ms"] = round(pct(lat, 50), 3), round(pct(lat, 95), 3)
    lat = timed(lambda q: eng.search(q, facets=FACETS, limit=20), queries[:100])
    res["search_with_delta_p50_ms"] = round(pct(lat, 50), 3)
    eng.delta_limit = 0
    t0 = time.perf_counter()
    eng.upsert(upd[0])  # crosses the threshold -> merge
    res["merge_s"] = round(time.perf_counter() - t0, 2)
    assert eng.merges == merges0 + 1 and len(eng) == args.n

    if not args.no_quality:  # last, so it does not distort the memory figures above
        print("CSL dev quality ...", flush=True)
        res["quality"] = quality(recs, expansion)

    print_summary(res)
    if args.json:
        args.json.write_text(json.dumps(res, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps(res, ensure_ascii=False))
    return res


def print_summary(r: dict) -> None:
    print(
        f"\n== search engine bench: n={r['n']} docs, {r['queries']} queries, {r['cpus']} cpus,"
        f" expansion {'on' if r.get('expansion') else 'off'}, holder field {'on' if r.get('holders') else 'off'} =="
    )
    if "char_map_entries" in r:
        print(f"character map: {r['char_map_entries']} entries, {r['char_map_mb']} MB")
    q = r.get("quality")
    if q:
        for name in ("keywords", "title"):
            e, b = q[f"engine_{name}"], q[f"bm25s_{name}"]
            print(
                f"CSL dev {name:8s} engine MRR@10 {e['mrr10']:.4f} R@1 {e['r1']:.4f} R@10 {e['r10']:.4f}"
                f" {e['ms_per_query']:.2f} ms/q | bm25s MRR@10 {b['mrr10']:.4f} R@1 {b['r1']:.4f}"
                f" R@10 {b['r10']:.4f} {b['ms_per_query']:.2f} ms/q"
            )
        sq = q.get("engine_short")
        if sq:
            print(
                f"CSL dev short queries ({sq['queries']}, records containing the query string):"
                f" recall {sq['recall']}, precision {sq['precision']}, top-10 precision {sq['top10']}"
            )
    print(
        f"build {r['build_s']} s (tokenising {r['build_tokenize_s']} s, {r['tokens_per_s']} tokens/s,"
        f" {r['chars_per_s']} chars/s); peak RSS +{r['build_peak_rss_delta_mb']} MB (ru_maxrss delta),"
        f" retained RSS +{r['build_retained_rss_delta_mb']} MB (/proc statm delta);"
        f" index arrays {r['index_array_mb']} MB"
    )
    print(f"retrieve(q,10)  p50 {r['retrieve_p50_ms']} ms  p95 {r['retrieve_p95_ms']} ms")
    if "bm25s_retrieve_p50_ms" in r:
        print(
            f"bm25s retrieve  p50 {r['bm25s_retrieve_p50_ms']} ms  p95 {r['bm25s_retrieve_p95_ms']} ms"
            f"  -> ratio engine/bm25s p50 {r['retrieve_ratio_p50']} p95 {r['retrieve_ratio_p95']}"
            f" (bm25s build {r['bm25s_build_s']} s)"
        )
    print(f"search (filters+6 facets+20 hits) p50 {r['search_p50_ms']} ms  p95 {r['search_p95_ms']} ms")
    print(f"browse (no query, sorted)         p50 {r['browse_p50_ms']} ms  p95 {r['browse_p95_ms']} ms")
    if "short_search_p50_ms" in r:
        print(
            f"short queries (1-2 chars, 6 facets, 20 hits, n={r['short_queries']}) p50 {r['short_search_p50_ms']} ms"
            f"  p95 {r['short_search_p95_ms']} ms  max {r['short_search_max_ms']} ms;"
            f" mean hits {r['short_search_mean_hits']}"
        )
    print(
        f"upsert p50 {r['upsert_p50_ms']} ms p95 {r['upsert_p95_ms']} ms; search with 200-doc delta p50"
        f" {r['search_with_delta_p50_ms']} ms; merge {r['merge_s']} s"
    )


if __name__ == "__main__":
    main()
