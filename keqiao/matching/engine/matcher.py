"""Supply–demand matcher: lexical (BM25F) + semantic candidates, a calibrated relevance gate, then re-ranking.

One index per kind ("achievement", "demand"), each made of

* a :class:`keqiao.search.engine.SearchEngine` over the fields title / keywords / body (BM25F,
  incremental upserts into a delta segment).  On the platform these are the search indexes themselves
  (``lexical=``, a :class:`LexicalIndexes`): one copy of each listing's postings in memory, kept fresh
  by the search app; a matcher without one (evaluations, benchmarks) builds its own;
* a row store: the semantic vector of every item (float32 matrix) and its structured fields as numpy
  columns (codes, TRL, price, budget, mode bit mask, region, organisation), plus a few salient
  term ids per item for explanations.  Replacing an item appends a row and marks the old one dead;
  dead rows are compacted away once they are a quarter of the store.

``match(query, target_kind)``:

1. tokenise the query once (jieba search mode) and drop the words that say how a request is asked
   (:data:`relevance.QUERY_FILLER`), encode it;
2. candidates = top ``lexical_pool`` by BM25F ∪ top ``semantic_pool`` by cosine, where the semantic
   query is expanded once with the mean of its ``prf_docs`` nearest items (pseudo-relevance feedback);
   the organisation's own items are left out before the pools are cut;
3. every candidate gets absolute evidence of topical relevance (:mod:`.relevance`: coverage of the
   query's terms, cosines, ranks, the share of words no listing uses) and two calibrated probabilities:
   P(relevant) gates the list — an empty list means "no good match" — and P(answer) ranks the rest and
   gives the grade;
4. the structured factors (:mod:`.factors`) re-rank relevant items only: score = P(answer) ×
   (0.8 + 0.2 × their weighted mean), so they move an item by at most ±10 % and never let one in.

Long queries (a whole demand description) are pruned to their ``max_query_terms`` most specific
distinct terms (count × IDF) before BM25F: common terms cost long posting lists and carry little.
"""

from __future__ import annotations

import threading
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from keqiao.common import text as text_analysis
from keqiao.search.engine import Document, SearchEngine

from . import factors as F
from . import relevance as R
from .semantic import LsaSemanticModel, readable
from .types import FACTORS, KINDS, Item, Match

__all__ = ["DEFAULT_WEIGHTS", "LexicalIndexes", "Matcher"]

# text/semantic split measured on the CSL dev evaluation (evaluate.py; structured factors neutral there):
#   text 0.00 / semantic 0.70: topical P@10 0.385, known-item R@1 0.893
#   text 0.10 / semantic 0.60: 0.384, R@1 0.975
#   text 0.15 / semantic 0.55: 0.384, R@1 0.985
#   text 0.20 / semantic 0.50: 0.380, R@1 0.990   <- default
#   text 0.25 / semantic 0.45: 0.380, R@1 0.995
# The structured weights (0.30 in all) are a product choice, not measured: the CSL records carry none.
DEFAULT_WEIGHTS: dict[str, float] = {
    "text": 0.20,
    "semantic": 0.50,
    "classification": 0.10,
    "maturity": 0.08,
    "price": 0.05,
    "mode": 0.05,
    "region": 0.02,
}
# The content fields of the search indexes and their weights (keqiao.search.registry.FIELD_WEIGHTS, which
# the platform's matcher uses through them): a matcher with its own engines ranks the same way.
FIELD_WEIGHTS = {"title": 3.0, "keywords": 2.0, "body": 1.0}
LEXICAL_FIELDS = tuple(FIELD_WEIGHTS)
_TITLE_FIELDS = (0, 1)  # positions of title and keywords in LEXICAL_FIELDS
STRUCTURED = ("classification", "maturity", "price", "mode", "region")
# How much the structured factors can move a relevant item: at most ±10 % of its relevance
# (neutral 0.5 → ×0.9, all perfect → ×1.0, all failing → ×0.8).  They re-rank relevant items; the
# relevance gate alone decides whether an item appears.
STRUCTURED_SHARE = 0.2
SHARED_MIN = 0.45  # see _shared_terms
# How the relevance evidence is shown: words found, meaning, or both (see _topical_split).
_LEXICAL_FEATURES = ("coverage", "title_coverage", "lexical_rank")
_SEMANTIC_FEATURES = ("cosine", "feedback_cosine", "semantic_rank")
_BOTH_FEATURES = ("coverage_x_cosine",)
SIG_TERMS = 16
_LABEL_KINDS = ("discipline", "industry", "tech_field")


def as_written(terms: list[str], written: str) -> list[str]:
    """Each term as the query writes it: segmentation lower-cases Latin words ("abb"), a person wrote
    "ABB"; a term not found verbatim stays as it is."""
    out = []
    lowered = written.lower()
    for term in terms:
        at = lowered.find(term)
        out.append(written[at : at + len(term)] if at >= 0 and len(lowered) == len(written) else term)
    return out


class LexicalIndexes(Protocol):
    """Where a matcher finds the BM25F index of each kind when it does not keep its own: an engine with
    the fields of :data:`LEXICAL_FIELDS` (and possibly secondary ones, which matching ignores), holding
    the same listings as the matcher and kept up to date by its owner."""

    def engine(self, kind: str) -> SearchEngine: ...


class _Store:
    """Row-oriented columns of one kind (append-only rows, alive mask, id → row)."""

    def __init__(self, dim: int, cap: int = 64) -> None:
        self.dim = dim
        self.n = 0
        self.n_alive = 0
        self.row_of: dict[int, int] = {}
        self._alloc(max(cap, 16))

    def _alloc(self, cap: int) -> None:
        self.cap = cap
        self.ids = np.zeros(cap, np.int64)
        self.alive = np.zeros(cap, bool)
        self.vec = np.zeros((cap, self.dim), np.float32)
        self.codes = np.full((cap, len(_LABEL_KINDS)), -1, np.int32)
        self.trl = np.full(cap, np.nan, np.float32)
        self.price = np.full(cap, np.nan)
        self.bmin = np.full(cap, np.nan)
        self.bmax = np.full(cap, np.nan)
        self.modes = np.zeros(cap, np.uint64)
        self.county = np.full(cap, -1, np.int32)
        self.city = np.full(cap, -1, np.int32)
        self.org = np.full(cap, -1, np.int64)
        self.sig = np.full((cap, SIG_TERMS), -1, np.int32)

    _COLS = (
        "ids",
        "alive",
        "vec",
        "codes",
        "trl",
        "price",
        "bmin",
        "bmax",
        "modes",
        "county",
        "city",
        "org",
        "sig",
    )

    def _grow(self, need: int) -> None:
        if need <= self.cap:
            return
        old = {c: getattr(self, c) for c in self._COLS}
        self._alloc(max(need, int(self.cap * 1.5) + 16))
        for c, a in old.items():  # new arrays: concurrent readers keep the old ones
            getattr(self, c)[: self.n] = a[: self.n]

    def add(self, rows: dict[str, np.ndarray]) -> None:
        """Append rows given as column arrays (same length); replaces ids already present."""
        m = len(rows["ids"])
        self._grow(self.n + m)
        start = self.n
        for c, a in rows.items():
            getattr(self, c)[start : start + m] = a
        self.alive[start : start + m] = True
        for j, i in enumerate(rows["ids"].tolist()):
            old = self.row_of.get(i)
            if old is not None:
                self.alive[old] = False
                self.n_alive -= 1
            self.row_of[i] = start + j
            self.n_alive += 1
        self.n = start + m

    def remove(self, item_id: int) -> bool:
        row = self.row_of.pop(item_id, None)
        if row is None:
            return False
        self.alive[row] = False
        self.n_alive -= 1
        return True

    def compacted(self) -> _Store:
        """A new store holding only the alive rows (readers of this one are unaffected)."""
        keep = np.flatnonzero(self.alive[: self.n])
        new = _Store(self.dim, len(keep) + 16)
        for c in self._COLS:
            getattr(new, c)[: len(keep)] = getattr(self, c)[keep]
        new.n = new.n_alive = len(keep)
        new.row_of = dict(zip(new.ids[: len(keep)].tolist(), range(len(keep)), strict=True))
        return new


@dataclass
class _Evidence:
    """A query's candidates and what they are scored from."""

    rows: np.ndarray  # rows of the store
    ids: np.ndarray
    x: np.ndarray  # (candidate, relevance.FEATURES)
    terms: list[str]  # the query's distinct terms, unknown ones included
    weights: np.ndarray  # their IDF weights
    tf: np.ndarray  # (candidate, term, field) term frequencies
    store: _Store
    query_tokens: tuple


class _TokenCache:
    """Hands the search engine tokens that were computed once already (falls back to tokenising)."""

    def __init__(self, fallback) -> None:
        self.fallback = fallback
        self.data: dict[str, list[str]] = {}

    def __call__(self, s: str) -> list[str]:
        toks = self.data.get(s)
        return list(toks) if toks is not None else self.fallback(s)


class Matcher:
    """Matches demands to achievements and achievements to demands; see the module docstring."""

    lexical: LexicalIndexes | None = None

    def __init__(
        self,
        weights: dict[str, float] | None = None,
        semantic=None,
        *,
        extra_texts: Iterable[str] = (),
        lexical_pool: int = 200,
        semantic_pool: int = 200,
        prf_docs: int = 5,
        max_query_terms: int = 48,
        refit_semantic: bool | None = None,
        lexical: LexicalIndexes | None = None,
    ) -> None:
        w = dict(DEFAULT_WEIGHTS)
        if weights:
            unknown = set(weights) - set(FACTORS)
            if unknown:
                raise ValueError(f"unknown factors: {sorted(unknown)}")
            w.update(weights)
        if any(v < 0 for v in w.values()) or sum(w.values()) <= 0:
            raise ValueError("weights must be non-negative with a positive sum")
        total = sum(w.values())
        self.weights = {f: w[f] / total for f in FACTORS}
        self.semantic = semantic if semantic is not None else LsaSemanticModel()
        # An unfitted model is fitted by build() on the items (+ extra_texts); a fitted one is reused
        # unless refit_semantic=True.
        self.refit_semantic = refit_semantic
        self.extra_texts = list(extra_texts)
        self.lexical_pool = lexical_pool
        self.semantic_pool = semantic_pool
        self.prf_docs = prf_docs
        self.max_query_terms = max_query_terms
        self.relevance_model: R.RelevanceModel | None = None  # None: the calibrated R.DEFAULT
        self._lock = threading.RLock()
        self.lexical = lexical
        self._doc_tokens = _TokenCache(text_analysis.tokenize)
        self._label_codes: dict[str, dict[str, int]] = {k: {} for k in _LABEL_KINDS}
        self._region_codes: dict[str, int] = {}
        self._mode_bits: dict[str, int] = {}
        self._sig_vocab: dict[str, int] = {}
        self._sig_terms: list[str] = []
        self._engines: dict[str, SearchEngine] = {}
        self._stores: dict[str, _Store] = {}
        self._reset_indexes()

    # ---------------------------------------------------------------- indexing
    def _reset_indexes(self) -> None:
        dim = getattr(self.semantic, "dim", 0) or 1
        self._engines = {k: self._new_engine() for k in KINDS} if self.lexical is None else {}
        self._stores = {k: _Store(dim) for k in KINDS}

    def _new_engine(self) -> SearchEngine:
        return SearchEngine(FIELD_WEIGHTS, (), (), tokenizer=self._doc_tokens)

    def _engine(self, kind: str) -> SearchEngine:
        return self._engines[kind] if self.lexical is None else self.lexical.engine(kind)

    def __len__(self) -> int:
        return sum(s.n_alive for s in self._stores.values())

    def build(self, items: Iterable[Item]) -> None:
        """Replace everything with ``items`` (both kinds); fits the semantic model when needed."""
        items = list({(it.kind, it.id): it for it in items}.values())
        for it in items:
            self._check_kind(it.kind)
        with self._lock:
            toks = [self._tokenise(it) for it in items]
            need_fit = self.refit_semantic or (self.refit_semantic is None and not self._semantic_fitted())
            if need_fit:
                texts = [it.text() for it in items] + self.extra_texts
                all_tokens = [t[0] + t[1] + t[2] for t in toks]
                if self.extra_texts:
                    all_tokens += [text_analysis.tokenize(t) for t in self.extra_texts]
                if hasattr(self.semantic, "fit_tokens"):
                    self.semantic.fit_tokens(all_tokens, texts)
                else:
                    self.semantic.fit(texts)
            self._reset_indexes()
            for kind in KINDS:
                sel = [i for i, it in enumerate(items) if it.kind == kind]
                k_items = [items[i] for i in sel]
                k_toks = [toks[i] for i in sel]
                if self.lexical is None:
                    self._fill_cache(k_items, k_toks)
                    try:
                        self._engines[kind].build(self._document(it) for it in k_items)
                    finally:
                        self._doc_tokens.data.clear()
                store = _Store(self._dim(), len(k_items) + 16)
                for s in range(0, len(k_items), 4096):  # bounded temporaries for large corpora
                    store.add(self._rows(k_items[s : s + 4096], k_toks[s : s + 4096]))
                self._stores[kind] = store

    def upsert(self, item: Item) -> None:
        """Add or replace one item (cheap: one tokenisation, one encoding, delta-segment insert)."""
        self._check_kind(item.kind)
        toks = self._tokenise(item)
        rows = self._rows([item], [toks])
        with self._lock:
            if self.lexical is None:
                self._fill_cache([item], [toks])
                try:
                    self._engines[item.kind].upsert(self._document(item))
                finally:
                    self._doc_tokens.data.clear()
            store = self._stores[item.kind]
            store.add(rows)
            self._maybe_compact(item.kind)

    def delete(self, kind: str, item_id: int) -> None:
        self._check_kind(kind)
        with self._lock:
            if self.lexical is None:
                self._engines[kind].delete(item_id)
            if self._stores[kind].remove(item_id):
                self._maybe_compact(kind)

    def _maybe_compact(self, kind: str) -> None:
        s = self._stores[kind]
        dead = s.n - s.n_alive
        if dead > 256 and dead > s.n // 4:
            self._stores[kind] = s.compacted()

    @staticmethod
    def _check_kind(kind: str) -> None:
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, not {kind!r}")

    def _semantic_fitted(self) -> bool:
        return bool(getattr(self.semantic, "is_fitted", False))

    def _dim(self) -> int:
        d = getattr(self.semantic, "dim", None)
        if d:
            return int(d)
        return int(self.semantic.encode(["维度"]).shape[1])

    @staticmethod
    def _tokenise(it: Item) -> tuple[list[str], list[str], list[str]]:
        tk = text_analysis.tokenize
        return tk(it.title or ""), tk(" ".join(it.keywords)), tk(it.body or "")

    def _fill_cache(self, items, toks) -> None:
        data = self._doc_tokens.data
        for it, (t, k, b) in zip(items, toks, strict=True):
            data[it.title or ""] = t
            data[" ".join(it.keywords)] = k
            data[it.body or ""] = b

    @staticmethod
    def _document(it: Item) -> Document:
        return Document(
            it.id, {"title": it.title or "", "keywords": " ".join(it.keywords), "body": it.body or ""}
        )

    def _encode(self, token_lists: list[list[str]], texts: list[str]) -> np.ndarray:
        if not self._semantic_fitted():
            raise RuntimeError("the semantic model is not fitted: call build() first")
        if hasattr(self.semantic, "encode_tokens"):
            return self.semantic.encode_tokens(token_lists, texts)
        return np.asarray(self.semantic.encode(texts), np.float32)

    def _code(self, table: dict[str, int], value: str | None) -> int:
        if value is None or value == "":
            return -1
        return table.setdefault(str(value), len(table))

    def _mode_mask(self, modes: Iterable[str]) -> int:
        mask = 0
        for m in modes:
            if m:
                mask |= 1 << (self._mode_bits.setdefault(str(m), len(self._mode_bits)) % 64)
        return mask

    def _signature(self, tokens: list[str]) -> list[int]:
        if hasattr(self.semantic, "salient_terms"):
            terms = self.semantic.salient_terms(tokens, SIG_TERMS)
        else:
            terms = [t for t in dict.fromkeys(tokens) if readable(t)][:SIG_TERMS]
        out = []
        for t in terms:
            i = self._sig_vocab.get(t)
            if i is None:
                i = self._sig_vocab[t] = len(self._sig_terms)
                self._sig_terms.append(t)
            out.append(i)
        return out

    def _rows(self, items: list[Item], toks) -> dict[str, np.ndarray]:
        n = len(items)
        all_toks = [t + k + b for t, k, b in toks]
        vec = self._encode(all_toks, [it.text() for it in items])
        codes = np.array(
            [[self._code(self._label_codes[lk], getattr(it, lk)) for lk in _LABEL_KINDS] for it in items],
            np.int32,
        ).reshape(n, len(_LABEL_KINDS))
        sig = np.full((n, SIG_TERMS), -1, np.int32)
        for j, tk in enumerate(all_toks):
            s = self._signature(tk)
            sig[j, : len(s)] = s

        def num(v):
            return np.nan if v is None else float(v)

        return {
            "ids": np.array([it.id for it in items], np.int64),
            "vec": vec,
            "codes": codes,
            "trl": np.array([num(it.trl) for it in items], np.float32),
            "price": np.array([num(it.price) for it in items]),
            "bmin": np.array([num(it.budget_min) for it in items]),
            "bmax": np.array([num(it.budget_max) for it in items]),
            "modes": np.array([self._mode_mask(it.modes) for it in items], np.uint64),
            "county": np.array([self._code(self._region_codes, it.region) for it in items], np.int32),
            "city": np.array(
                [
                    self._code(self._region_codes, "city:" + it.region[:4]) if it.region else -1
                    for it in items
                ],
                np.int32,
            ),
            "org": np.array(
                [-1 if it.organization_id is None else it.organization_id for it in items], np.int64
            ),
            "sig": sig,
        }

    # ---------------------------------------------------------------- matching
    def _query_terms(self, tokens: list[str]) -> list[str]:
        """Prune a long query to its most specific distinct terms (repeats kept for BM25 weighting)."""
        counts: dict[str, int] = {}
        for t in tokens:
            counts[t] = counts.get(t, 0) + 1
        if len(counts) <= self.max_query_terms:
            return tokens
        vocab = getattr(self.semantic, "vocab_", None)
        idf = getattr(self.semantic, "idf_", None)
        if vocab is None or idf is None:
            return tokens
        top_idf = float(idf.max()) if len(idf) else 1.0
        ranked = sorted(
            counts, key=lambda t: (-(counts[t] ** 0.5) * (float(idf[vocab[t]]) if t in vocab else top_idf), t)
        )
        keep = set(ranked[: self.max_query_terms])
        return [t for t in tokens if t in keep]

    def relevance_features(
        self,
        query: Item,
        target_kind: str,
        exclude_ids: Collection[int] = (),
        *,
        exclude_organization: int | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """(candidate ids, feature matrix over relevance.FEATURES): what the relevance model sees
        (used to calibrate it on judged data)."""
        ev = self._evidence(query, target_kind, exclude_ids, exclude_organization)
        if ev is None:
            return np.zeros(0, np.int64), np.zeros((0, len(R.FEATURES)))
        return ev.ids, ev.x

    def _evidence(self, query: Item, target_kind: str, exclude_ids, exclude_organization):
        """Candidates (rows, ids), their relevance features, query terms, weights and presence."""
        self._check_kind(target_kind)
        engine = self._engine(target_kind)
        store = self._stores[target_kind]  # snapshot: a concurrent compaction swaps in a new store
        n = store.n
        if store.n_alive == 0 or not self._semantic_fitted():
            return None
        exclude = set(exclude_ids)
        t, kw, b = (R.query_terms(part) for part in self._tokenise(query))
        # Title and keywords of the query count twice (they state the topic), like their field weights.
        q_tokens = t + t + kw + kw + b
        qvec = self._encode([t + kw + b], [query.text()])[0]

        # lexical candidates
        lex: dict[int, float] = {}
        pruned = self._query_terms(q_tokens)
        if pruned:
            hits = engine.retrieve_tokens(pruned, self.lexical_pool * 5 + len(exclude), content_only=True)
            lex = {i: s for i, s in hits if i not in exclude}
            if exclude_organization is not None:  # before the pool is cut: own items must not crowd it
                own = store.org
                lex = {
                    i: s
                    for i, s in lex.items()
                    if (r := store.row_of.get(i)) is None or own[r] != exclude_organization
                }
        # semantic candidates (+ one round of pseudo-relevance feedback)
        vecs = store.vec[:n]
        valid = store.alive[:n].copy()
        for i in exclude:
            r = store.row_of.get(i)
            if r is not None and r < n:
                valid[r] = False
        if exclude_organization is not None:
            valid &= store.org[:n] != exclude_organization
        sims0 = vecs @ qvec
        sims0[~valid] = -np.inf
        sims = sims0
        n_valid = int(valid.sum())
        if n_valid == 0:
            return None
        if self.prf_docs and np.any(qvec) and n_valid > self.prf_docs:
            top = np.argpartition(-sims0, self.prf_docs - 1)[: self.prf_docs]
            q2 = qvec + vecs[top].mean(axis=0)
            nrm = np.linalg.norm(q2)
            if nrm > 0:
                qsem = (q2 / nrm).astype(np.float32)
                sims = vecs @ qsem
                sims[~valid] = -np.inf
        pool = min(self.semantic_pool, n_valid)
        sem_rows = np.argpartition(-sims, pool - 1)[:pool] if pool < n_valid else np.flatnonzero(valid)
        lex_top = sorted(lex.items(), key=lambda p: (-p[1], p[0]))[: self.lexical_pool]
        lex_rows = [store.row_of[i] for i, _s in lex_top if i in store.row_of]
        rows = np.unique(np.concatenate([sem_rows, np.asarray(lex_rows, np.int64)]).astype(np.int64))
        rows = rows[valid[rows]]
        if not len(rows):
            return None
        ids = store.ids[rows]

        terms, idf, known, tf = engine.presence_tokens(pruned, ids.tolist(), fields=LEXICAL_FIELDS)
        weights = R.term_weights(terms, idf)
        x = R.features(
            tf,
            weights,
            known,
            sims0[rows],
            sims[rows],
            np.array([lex.get(i, 0.0) for i in ids.tolist()], np.float64),
            _TITLE_FIELDS,
            scale_semantic=self._lsa(),
            discipline_prior=self._discipline_prior(query, store, rows),
        )
        return _Evidence(rows, ids, x, terms, weights, tf, store, (t, kw, b))

    def match(
        self,
        query: Item,
        target_kind: str,
        k: int = 20,
        exclude_ids: Collection[int] = (),
        *,
        exclude_organization: int | None = None,
        gate: bool = True,
    ) -> list[Match]:
        """The ``k`` best topically relevant items of ``target_kind`` for ``query``, best first.

        Candidates below the relevance gate are dropped (``gate=False`` keeps them, for evaluation and
        for like-for-like lists); an empty list means "no good match".  Items of
        ``exclude_organization`` never appear (an organisation's own listings are not its matches)."""
        self._check_kind(target_kind)
        if k <= 0:
            return []
        ev = self._evidence(query, target_kind, exclude_ids, exclude_organization)
        if ev is None:
            return []
        rows, ids, x, terms, weights, tf, store = ev.rows, ev.ids, ev.x, ev.terms, ev.weights, ev.tf, ev.store
        t, kw, b = ev.query_tokens
        written = query.text()
        # topical relevance: absolute evidence, independent of the rest of the pool
        model = getattr(self, "relevance_model", None) or (R.DEFAULT if self._lsa() else R.DENSE_DEFAULT)
        p_rel = model.p_relevant(x)
        p_ans = model.p_answer(x)
        keep = model.keep(p_rel) if gate else np.arange(len(rows))
        if not len(keep):
            return []
        rows, ids, x, p_rel, p_ans, tf = rows[keep], ids[keep], x[keep], p_rel[keep], p_ans[keep], tf[keep]

        values = self._factor_values(query, target_kind, store, rows, ids, x)
        sw = np.array([self.weights[f] for f in STRUCTURED])
        sw = sw / sw.sum() if sw.sum() > 0 else np.full(len(STRUCTURED), 1 / len(STRUCTURED))
        structured = np.stack([values[f] for f in STRUCTURED], axis=1) @ sw
        scores = p_ans * ((1 - STRUCTURED_SHARE) + STRUCTURED_SHARE * structured)
        order = np.lexsort((ids, -scores))[:k]
        out = []
        lex_part, sem_part = self._topical_split(model, x)
        q_terms = None
        for j in order:
            score = float(scores[j])
            topical = (1 - STRUCTURED_SHARE) * float(p_ans[j])
            contrib = {
                "text": topical * lex_part[j],
                "semantic": topical * sem_part[j],
                **{
                    f: STRUCTURED_SHARE * float(p_ans[j]) * float(w) * float(values[f][j])
                    for f, w in zip(STRUCTURED, sw, strict=True)
                },
            }
            total = sum(contrib.values())
            m = Match(
                id=int(ids[j]),
                score=min(1.0, max(0.0, score)),
                factors={f: (contrib[f] / total if total > 0 else 0.0) for f in FACTORS},
                factor_scores={f: float(values[f][j]) for f in FACTORS},
                relevance=float(p_rel[j]),
                grade=model.grade(float(p_ans[j])),
            )
            m.shared_terms = as_written(self._shared_terms(terms, weights, tf[j]), written)
            if q_terms is None:
                q_terms = [self._sig_terms[i] for i in self._signature(t + kw + b)]
            m.shared_concepts = self._concepts(q_terms, m.shared_terms, store, int(rows[j]))
            out.append(m)
        return out

    def _discipline_prior(self, query: Item, store: _Store, rows: np.ndarray) -> np.ndarray:
        """The probability the query's discipline prior gives each candidate's discipline."""
        prior = query.discipline_prior or (((query.discipline, 1.0),) if query.discipline else ())
        codes = self._label_codes["discipline"]
        cand = store.codes[rows, _LABEL_KINDS.index("discipline")]
        out = np.zeros(len(rows))
        for label, p in prior:
            code = codes.get(str(label))
            if code is not None:
                out += np.where(cand == code, float(p), 0.0)
        return out

    def _lsa(self) -> bool:
        """Whether the semantic model is the built-in LSA one (what the relevance model is calibrated for)."""
        return isinstance(self.semantic, LsaSemanticModel)

    @staticmethod
    def _topical_split(model, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each candidate's relevance evidence split into its lexical and its semantic part (shares)."""

        def part(names) -> np.ndarray:
            cols = [R.FEATURES.index(f) for f in names]
            return np.maximum(x[:, cols] * model.answer_coef[cols], 0).sum(axis=1)

        both = part(_BOTH_FEATURES) / 2
        lex = part(_LEXICAL_FEATURES) + both
        sem = part(_SEMANTIC_FEATURES) + both
        tot = lex + sem
        safe = np.where(tot > 0, tot, 1.0)
        return np.where(tot > 0, lex / safe, 0.5), np.where(tot > 0, sem / safe, 0.5)

    def _factor_values(self, query, target_kind, store, rows, ids, x) -> dict[str, np.ndarray]:
        c = len(rows)
        text = x[:, 0].astype(np.float64)  # coverage of the query's terms
        sem = x[:, 2].astype(np.float64)  # cosine in the semantic space
        q_codes = [self._label_codes[lk].get(str(getattr(query, lk)), -2) if getattr(query, lk) else -1
                   for lk in _LABEL_KINDS]  # fmt: skip
        # a query label never seen in the index (-2) disagrees with every known label
        q_codes = [(10**9 if qc == -2 else qc) for qc in q_codes]
        cls = F.classification(q_codes, [store.codes[rows, j] for j in range(len(_LABEL_KINDS))])

        def num(v):
            return np.nan if v is None else float(v)

        q_trl = np.full(c, num(query.trl))
        if target_kind == "achievement":  # query is the demand (or another achievement)
            a_trl, d_trl = store.trl[rows], q_trl
            price = F.price(
                store.price[rows], np.full(c, num(query.budget_min)), np.full(c, num(query.budget_max))
            )
        else:
            a_trl, d_trl = q_trl, store.trl[rows]
            price = F.price(np.full(c, num(query.price)), store.bmin[rows], store.bmax[rows])
        if query.kind == target_kind:  # like-for-like (e.g. similar achievements): no side is the demand
            maturity = np.full(c, F.NEUTRAL)
            price = np.full(c, F.NEUTRAL)
        else:
            maturity = F.maturity(a_trl, d_trl)
        q_mask = 0
        for m in query.modes:
            bit = self._mode_bits.get(str(m))
            q_mask |= (1 << (bit % 64)) if bit is not None else 0
        mode = F.mode(q_mask, store.modes[rows]) if query.modes else np.full(c, F.NEUTRAL)
        if query.modes and not q_mask:  # modes the index has never seen: no overlap possible
            mode = np.where(store.modes[rows] == 0, F.NEUTRAL, 0.0)
        county = self._region_codes.get(query.region, -2) if query.region else -1
        city = self._region_codes.get("city:" + query.region[:4], -2) if query.region else -1
        region = F.region(county if county != -2 else 10**9, city if city != -2 else 10**9,
                          store.county[rows], store.city[rows])  # fmt: skip
        return {"text": text, "semantic": sem, "classification": cls, "maturity": maturity, "price": price,
                "mode": mode, "region": region}  # fmt: skip

    def _shared_terms(self, terms: list[str], weights: np.ndarray, tf: np.ndarray, n: int = 10) -> list[str]:
        """Query terms that occur in the item, most specific first, whole words before their parts.
        Common words ("影响", "提出") are left out: a term shown must weigh at least ``SHARED_MIN`` of
        the query's most specific term."""
        floor = SHARED_MIN * float(weights.max()) if len(weights) else 0.0
        found = [
            (float(weights[j]), term) for j, term in enumerate(terms) if tf[j].any() and weights[j] >= floor
        ]
        ranked = [term for _w, term in sorted(found, key=lambda p: (-p[0], p[1]))]
        out: list[str] = []
        for term in sorted(ranked, key=lambda x: (-len(x), ranked.index(x))):
            if any(term in longer for longer in out):
                continue
            if not readable(term):  # single characters, numbers, fragments
                continue
            out.append(term)
        out.sort(key=ranked.index)
        return out[:n]

    def _concepts(
        self, q_terms: list[str], shared: list[str], store: _Store, row: int, n: int = 3
    ) -> list[str]:
        """Pairs "query term ↔ item term" that the semantic space relates, for items that share few words.

        Only terms that occur in their own text are shown, each beside its counterpart, so an explanation
        never cites a word that is in neither the query nor the item."""
        if len(shared) >= 3 or not hasattr(self.semantic, "related_pairs"):
            return []
        item_terms = [self._sig_terms[i] for i in store.sig[row] if i >= 0]
        q_only = [t for t in q_terms if not any(t in s or s in t for s in shared)]
        i_only = [t for t in item_terms if t not in q_terms and not any(t in s or s in t for s in shared)]
        return [f"{a} ↔ {b}" for a, b in self.semantic.related_pairs(q_only, i_only, n)]

    def top_organizations(self, query: Item, k: int = 5, pool: int = 50) -> list[tuple[int, float]]:
        """Organisations whose achievements match ``query`` best: sum of their matches' scores
        among the top ``pool`` achievement matches (an achievement query excludes itself)."""
        exclude = (query.id,) if query.kind == "achievement" else ()
        totals: dict[int, float] = {}
        store = self._stores["achievement"]
        for m in self.match(
            query, "achievement", k=pool, exclude_ids=exclude, exclude_organization=query.organization_id
        ):
            row = store.row_of.get(m.id)
            if row is None:
                continue
            org = int(store.org[row])
            if org >= 0 and (
                query.organization_id is None or org != query.organization_id or query.kind == "demand"
            ):
                totals[org] = totals.get(org, 0.0) + m.score
        return sorted(totals.items(), key=lambda p: (-p[1], p[0]))[:k]
