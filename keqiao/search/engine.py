"""In-memory full-text + faceted search engine: BM25F with precomputed impacts.

Pure Python + numpy; no Django.  The design mirrors "eager" BM25 indexes such as
bm25s: every (term, document) impact score is computed at index time and stored
in a term-major CSR layout (``indptr``/``indices``/``impacts`` -- the arrays of a
``scipy.sparse.csr_matrix`` with term rows, kept bare because slicing the raw
arrays is several times cheaper than scipy's row indexing), so answering a query
is summing a handful of posting slices into a dense score vector
(``np.bincount``) followed by ``np.partition`` for top-k.

Scoring is BM25F: per-field term frequencies are length-normalised per field,
weighted, summed, and only then saturated with ``k1`` -- a term repeated in
title and body does not get two saturation budgets.  IDF is Lucene's
``log(1 + (N - df + 0.5) / (df + 0.5))`` which is always positive, so "score > 0"
is exactly "matches at least one query term" (OR semantics).

Updates: a large immutable *main* segment plus a small *delta* segment holding
upserted documents.  Replacing or deleting a main document only flips a bit in a
copy-on-write ``alive`` mask.  The delta is scored with the main segment's
statistics (N, df, avgdl) -- slightly stale IDF for a few percent of the
documents is the price of O(delta) updates; exact statistics return at the next
merge, which happens automatically once the delta exceeds ``delta_limit``.

Concurrency: all mutable state lives in an immutable ``_State`` snapshot that
writers replace atomically under ``self._lock``; a search reads ``self._state``
once and works on that snapshot, so it never sees a half-applied update and
never waits for a writer (not even for a full rebuild).

Optional, for the public showcase (off by default; the matcher uses neither):

* ``expansion`` -- a query term of one or two Chinese characters ("竹", "锂电") also
  matches the indexed words that contain it ("竹炭", "竹地板", "锂电池"): jieba's
  search mode does not emit single characters or unknown 2-character parts of
  words, so without it a query "竹" misses a document about "竹炭".  A character ->
  words map is kept with the vocabulary; the expansion takes the most frequent
  containing words up to a posting budget, and each counts as a discounted
  occurrence of the query term (see :class:`Expansion`).
* ``secondary_fields`` -- fields (the holder's name) that may add to the score of
  a document matching the content, but a document matching *only* through them
  ranks below every content match.  Postings with no content occurrence are
  stored with a negative impact (impacts are otherwise positive), so this costs no
  memory; scoring separates them again.
* :meth:`SearchEngine.suggest` -- near-miss terms of the index vocabulary for a
  query that found nothing.

Layout: this module holds the index -- its data structures and everything that
builds or updates them (the impacts are computed here, at index time) -- and the
:class:`SearchEngine` class, which takes its query side from sibling modules:
query analysis and expansion (:mod:`keqiao.search.engine_query`), BM25F scoring,
``explain`` and ``presence`` (:mod:`keqiao.search.engine_scoring`), top-k and the
faceted search (:mod:`keqiao.search.engine_retrieval`), and suggestions
(:mod:`keqiao.search.engine_suggest`).  Every class whose instances end up in a
pickled index state or engine is defined here, so the snapshot fingerprint
(``snapshots.code_version`` of this module) changes whenever their format can.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from keqiao.common import text

from .engine_query import CJK, QueryPlanning
from .engine_retrieval import Retrieval, SearchResult
from .engine_scoring import Scoring
from .engine_suggest import Suggestions

__all__ = ["CJK", "Document", "Expansion", "SearchEngine", "SearchResult"]

Tokenizer = Callable[[str], list[str]]


@dataclass(frozen=True)
class Expansion:
    """Query-side expansion of short Chinese query terms to the indexed words containing them.

    A query term of 1..``max_chars`` Chinese characters -- a whole Chinese run of
    the query ("锂电" even when jieba splits it), or a token that is no part of a
    longer query token -- is expanded to the vocabulary words that contain it, in
    queries of at most ``max_query_words`` words (tokens that are no part of
    another token): a longer query has enough words of its own, and expanding it
    costs time and precision.  The candidates are taken by document frequency, most
    frequent first, at most ``max_terms`` words and ``max_postings`` postings per
    query term (so a query "电" stays fast at 100,000 documents); at most
    ``max_units`` query terms are expanded.

    An expanded word counts as an occurrence of the query term discounted by
    ``weight``: its contribution is ``weight`` x the query term's IDF (the IDF of
    "a word containing it") x the word's own saturated BM25F term frequency.  A
    document gets the best of its expanded words for each query term, not their
    sum, and only when it does not contain the term itself -- so the ranking of
    the documents containing the exact term is unchanged, and an expanded word
    always weighs less than the same occurrence of the exact term.
    """

    max_chars: int = 2
    weight: float = 0.5
    max_terms: int = 48
    max_postings: int = 100_000
    max_units: int = 4
    max_query_words: int = 4


@dataclass
class _Expanded:
    """One expanded query term: the words it stands for and its IDF."""

    unit: str
    terms: list[str]
    ids: np.ndarray  # int64 term ids
    idf: float  # IDF of the unit ("any word containing it"), from the index-wide statistics
    weight: float  # Expansion.weight x the unit's count in the query
    exact: int = -1  # term id of the unit itself, -1 when it is not in the vocabulary


@dataclass(frozen=True)
class Document:
    """One searchable record.

    ``fields`` maps field name to text (weights are configured on the engine;
    unknown fields are ignored); ``facets`` maps facet name to its values
    (multi-valued allowed); ``sort_values`` maps sort key to a number (missing
    keys sort last).
    """

    id: int
    fields: dict[str, str]
    facets: dict[str, tuple[str, ...]] = field(default_factory=dict)
    sort_values: dict[str, float] = field(default_factory=dict)


@dataclass
class _DocData:
    """A tokenised document, independent of corpus statistics."""

    id: int
    terms: np.ndarray  # int32 unique term ids
    tf: np.ndarray  # uint8 (n_terms, n_fields), clipped at 255 (saturated long before)
    lengths: np.ndarray  # float32 (n_fields,)
    facets: dict[str, list[int]]  # facet -> value codes
    sorts: list[float]


@dataclass
class _Cols:
    """Column (COO) form of a set of documents; the input to segment building."""

    ids: np.ndarray  # int64 (n,)
    lengths: np.ndarray  # float32 (n, F)
    e_doc: np.ndarray  # int32 (E,) document index of each posting
    e_term: np.ndarray  # int32 (E,)
    e_tf: np.ndarray  # uint8 (E, F)
    f_doc: dict[str, np.ndarray]  # facet -> int32 doc index per (doc, value) entry
    f_code: dict[str, np.ndarray]  # facet -> int32 value code per entry
    sorts: dict[str, np.ndarray]  # sort name -> float64 (n,)


@dataclass
class _Stats:
    n: int
    df: np.ndarray  # int64 per term id
    avglen: np.ndarray  # float64 per field


@dataclass
class _Segment:
    cols: _Cols  # doc-level columns (posting arrays empty; see postings())
    indptr: np.ndarray  # int64 (V_seg + 1,), term-major postings
    indices: np.ndarray  # int32 doc index per posting, ascending within a term
    impacts: np.ndarray  # float32 BM25F impact per posting
    tf: np.ndarray  # uint8 (E, F) raw per-field tf per posting, so merges need no re-tokenising
    stats: _Stats
    pos: dict[int, int]  # doc id -> local index

    @property
    def n(self) -> int:
        return len(self.cols.ids)

    def postings(self) -> _Cols:
        """Doc columns plus postings in (term, doc) order, the input format of _segment."""
        c = self.cols
        e_term = np.repeat(np.arange(len(self.indptr) - 1, dtype=np.int32), np.diff(self.indptr))
        return _Cols(c.ids, c.lengths, self.indices, e_term, self.tf, c.f_doc, c.f_code, c.sorts)


@dataclass
class _View:
    """Main + delta flattened into one index space (main first) for filtering and sorting."""

    ids: np.ndarray
    alive: np.ndarray
    n_alive: int
    sorts: dict[str, np.ndarray]
    facet_single: dict[str, np.ndarray | None]  # code per doc (-1 = none) when single-valued
    f_doc: dict[str, np.ndarray]
    f_code: dict[str, np.ndarray]


class _State:
    """Immutable snapshot of the engine.  ``vocab``/``facet_codes`` (and ``char_terms``)
    are append-only and shared by all snapshots of one build generation, so ids never
    change meaning."""

    # Class-level default: states pickled by an older version have no character map.
    char_terms: dict[str, list[str]] | None = None

    def __init__(self, vocab, facet_codes, facet_values, main, main_alive, delta_docs, char_terms=None):
        self.vocab: dict[str, int] = vocab
        # Chinese character -> the vocabulary words of 2+ characters containing it (expansion, suggestions)
        self.char_terms = char_terms
        self.facet_codes: dict[str, dict[str, int]] = facet_codes
        self.facet_values: dict[str, list[str]] = facet_values
        self.main: _Segment = main
        self.main_alive: np.ndarray = main_alive
        self.delta_docs: dict[int, _DocData] = delta_docs
        self._delta: _Segment | None = None
        self._view: _View | None = None
        self.n_alive = int(main_alive.sum()) + len(delta_docs)
        self._expansions: dict[str, _Expanded | None] = {}


class SearchEngine(QueryPlanning, Scoring, Retrieval, Suggestions):
    """BM25F search over weighted text fields with disjunctive facets, filters and sorting."""

    # Class-level defaults, so that engines pickled by an older version (inside other snapshots) work.
    expansion: Expansion | None = None
    secondary_fields: tuple[str, ...] = ()
    _secondary: np.ndarray | None = None

    def __init__(
        self,
        field_weights: dict[str, float],
        facet_names: Sequence[str],
        sort_names: Sequence[str],
        tokenizer: Tokenizer | None = None,
        k1: float = 1.2,
        b: float = 0.75,
        *,
        query_tokenizer: Tokenizer | None = None,
        delta_limit: int | None = None,
        expansion: Expansion | None = None,
        secondary_fields: Sequence[str] = (),
    ) -> None:
        """``tokenizer`` defaults to :func:`keqiao.common.text.tokenize` (and the query
        tokenizer to ``tokenize_query``); ``delta_limit`` fixes the merge threshold,
        by default 5% of the main segment clamped to [100, 2000] documents.
        ``expansion`` enables the expansion of short Chinese query terms (and keeps the
        character map :meth:`suggest` needs); ``secondary_fields`` names fields whose
        matches alone rank below every match of the other fields."""
        if tokenizer is None:
            tokenizer = text.tokenize
            query_tokenizer = query_tokenizer or text.tokenize_query
        self.tokenizer = tokenizer
        self.query_tokenizer = query_tokenizer or tokenizer
        self.field_names = list(field_weights)
        self.weights = np.array([field_weights[f] for f in self.field_names], dtype=np.float64)
        self.facet_names = list(facet_names)
        self.sort_names = list(sort_names)
        self.k1, self.b = float(k1), float(b)
        self.delta_limit = delta_limit
        self.expansion = expansion
        unknown = set(secondary_fields) - set(self.field_names)
        if unknown:
            raise ValueError(f"unknown secondary fields: {sorted(unknown)}")
        self.secondary_fields = tuple(secondary_fields)
        if self.secondary_fields:
            if set(self.secondary_fields) == set(self.field_names):
                raise ValueError("at least one field must not be secondary")
            self._secondary = np.array([f in self.secondary_fields for f in self.field_names])
        self.merges = 0  # number of automatic delta merges (observability/tests)
        self._lock = threading.Lock()
        self._state = self._new_state([])

    # ------------------------------------------------------------------ indexing
    def build(self, docs: Iterable[Document]) -> None:
        """Replace the whole index with ``docs`` (fresh vocabulary, exact statistics).

        Duplicate ids: the last one wins.  Searches keep using the previous index
        until the new one is swapped in; upserts wait for the build to finish.
        """
        with self._lock:
            vocab: dict[str, int] = {}
            codes = {f: {} for f in self.facet_names}
            values = {f: [] for f in self.facet_names}
            unique = {d.id: d for d in docs}
            datas = [self._analyse(d, vocab, codes, values) for d in unique.values()]
            char_terms = _char_index(vocab) if self.expansion is not None else None
            self._state = self._new_state(datas, vocab, codes, values, char_terms)

    def upsert(self, doc: Document) -> None:
        """Add ``doc`` or replace the document with the same id.

        Normally O(size of delta); the upsert that pushes the delta past its limit
        also merges it into the main segment (O(index), ~4 s at 100k documents)
        while holding the writer lock -- concurrent searches are not blocked.
        """
        tokens = self._tokenise(doc)  # the expensive part runs outside the lock
        with self._lock:
            st = self._state
            known = len(st.vocab)
            data = self._analyse(doc, st.vocab, st.facet_codes, st.facet_values, tokens)
            if st.char_terms is not None and len(st.vocab) > known:
                new = {t for toks in tokens for t in toks if st.vocab[t] >= known}
                _char_index_add(st.char_terms, sorted(new, key=st.vocab.__getitem__))
            self._commit(st, doc.id, data)

    def delete(self, doc_id: int) -> None:
        """Remove the document ``doc_id`` (no-op when absent)."""
        with self._lock:
            self._commit(self._state, doc_id, None)

    def __len__(self) -> int:
        return self._state.n_alive

    def _commit(self, st: _State, doc_id: int, data: _DocData | None) -> None:
        alive = st.main_alive
        pos = st.main.pos.get(doc_id)
        if pos is not None and alive[pos]:
            alive = alive.copy()  # copy-on-write: older snapshots keep their mask
            alive[pos] = False
        delta = dict(st.delta_docs)
        delta.pop(doc_id, None)
        if data is not None:
            delta[doc_id] = data
        new = _State(st.vocab, st.facet_codes, st.facet_values, st.main, alive, delta, st.char_terms)
        limit = self.delta_limit
        if limit is None:
            limit = min(2000, max(100, int(0.05 * st.main.n)))
        # While the index is small the delta can outgrow the main segment, whose statistics then describe
        # a fraction of the documents: merge (doubling, so the cost stays amortised constant per update).
        if len(delta) > limit or len(delta) > st.main.n:
            new = self._merge(new)
        self._state = new

    def _merge(self, st: _State) -> _State:
        """Fold the delta into a new main segment, dropping dead rows; no re-tokenising."""
        self.merges += 1
        keep = np.flatnonzero(st.main_alive)
        cols = _take(st.main.postings(), keep)
        if st.delta_docs:
            cols = _concat(cols, _cols_from_docs(list(st.delta_docs.values()), self))
        main = self._segment(cols, len(st.vocab), None)
        alive = np.ones(main.n, bool)
        return _State(st.vocab, st.facet_codes, st.facet_values, main, alive, {}, st.char_terms)

    def _new_state(self, datas, vocab=None, codes=None, values=None, char_terms=None) -> _State:
        vocab = {} if vocab is None else vocab
        codes = codes or {f: {} for f in self.facet_names}
        values = values or {f: [] for f in self.facet_names}
        if char_terms is None and self.expansion is not None:
            char_terms = _char_index(vocab)
        main = self._segment(_cols_from_docs(datas, self), len(vocab), None)
        return _State(vocab, codes, values, main, np.ones(main.n, bool), {}, char_terms)

    def _tokenise(self, doc: Document) -> list[list[str]]:
        return [self.tokenizer(doc.fields.get(f) or "") for f in self.field_names]

    def _analyse(self, doc, vocab, codes, values, tokens=None) -> _DocData:
        """Map a document to term ids/frequencies and facet codes (assigns new ids)."""
        tokens = self._tokenise(doc) if tokens is None else tokens
        nf = len(self.field_names)
        keys: list[int] = []  # term_id * n_fields + field, counted in one C-level Counter pass
        for fi, toks in enumerate(tokens):
            keys.extend([vocab.setdefault(t, len(vocab)) * nf + fi for t in toks])
        counts = Counter(keys)
        if counts:
            k = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
            cnt = np.fromiter(counts.values(), dtype=np.int64, count=len(counts))
            terms, inv = np.unique(k // nf, return_inverse=True)
            tf = np.zeros((len(terms), nf), dtype=np.uint8)
            tf[inv, k % nf] = np.minimum(cnt, 255)
        else:
            terms, tf = np.zeros(0, np.int64), np.zeros((0, nf), np.uint8)
        facet_codes: dict[str, list[int]] = {}
        for f in self.facet_names:
            fc, fv = codes[f], values[f]
            vals = doc.facets.get(f) or ()
            if isinstance(vals, str):
                vals = (vals,)
            out = []
            for v in dict.fromkeys(str(x) for x in vals):
                if v not in fc:
                    fc[v] = len(fv)
                    fv.append(v)
                out.append(fc[v])
            facet_codes[f] = out
        sorts = []
        for s in self.sort_names:
            v = doc.sort_values.get(s)
            sorts.append(float("nan") if v is None else float(v))
        lengths = np.array([len(t) for t in tokens], dtype=np.float32)
        return _DocData(doc.id, terms.astype(np.int32), tf, lengths, facet_codes, sorts)

    def _segment(self, cols: _Cols, n_terms: int, stats: _Stats | None) -> _Segment:
        """Compute BM25F impacts for ``cols`` and lay them out term-major.

        ``stats=None`` means "use this segment's own statistics" (main segment);
        the delta passes the main statistics instead.
        """
        n = len(cols.ids)
        if stats is None:
            df = np.bincount(cols.e_term, minlength=n_terms).astype(np.int64)
            avglen = cols.lengths.mean(axis=0).astype(np.float64) if n else np.ones(len(self.weights))
            stats = _Stats(n, df, avglen)
        avglen = np.where(stats.avglen > 0, stats.avglen, 1.0)
        df = np.zeros(n_terms, np.int64)
        df[: min(n_terms, len(stats.df))] = stats.df[:n_terms]
        idf = np.log1p((stats.n - df + 0.5) / (df + 0.5))
        # Per-field length normalisation, then weighted sum of normalised tf (BM25F).
        norm = (1.0 - self.b) + self.b * cols.lengths / avglen  # (n, F)
        tfw = np.zeros(len(cols.e_term), dtype=np.float64)
        for fi, w in enumerate(self.weights):
            if w:
                tfw += w * cols.e_tf[:, fi] / norm[cols.e_doc, fi]
        impacts = idf[cols.e_term] * tfw * (self.k1 + 1.0) / (self.k1 + tfw)
        if self._secondary is not None and len(impacts):
            # A posting with no occurrence in a content field is marked by a negative impact.
            content = cols.e_tf[:, ~self._secondary].any(axis=1)
            impacts = np.where(content, impacts, -impacts)
        order = np.argsort(cols.e_term, kind="stable")  # stable keeps docs ascending per term
        indptr = np.zeros(n_terms + 1, np.int64)
        np.cumsum(np.bincount(cols.e_term, minlength=n_terms), out=indptr[1:])
        pos = dict(zip(cols.ids.tolist(), range(n), strict=True))
        # Keep raw tf in posting order (for merges) but drop the doc-major posting
        # columns: they are recoverable from indptr/indices, saving 8 bytes/posting.
        doc_cols = _Cols(cols.ids, cols.lengths, cols.e_doc[:0], cols.e_term[:0], cols.e_tf[:0],
                         cols.f_doc, cols.f_code, cols.sorts)  # fmt: skip
        indices = cols.e_doc[order]
        return _Segment(
            doc_cols, indptr, indices, impacts[order].astype(np.float32), cols.e_tf[order], stats, pos
        )

    def _delta_segment(self, st: _State) -> _Segment | None:
        if not st.delta_docs:
            return None
        if st._delta is None:  # benign race: two threads may build identical segments
            cols = _cols_from_docs(list(st.delta_docs.values()), self)
            V = len(st.vocab)
            stats = st.main.stats if st.main.n else None
            if stats is not None:  # main statistics, extended by the delta's own df
                df = np.zeros(V, np.int64)
                df[: len(stats.df)] = stats.df
                df += np.bincount(cols.e_term, minlength=V)
                stats = _Stats(stats.n + len(cols.ids), df, stats.avglen)
            st._delta = self._segment(cols, V, stats)
        return st._delta

    def _view(self, st: _State) -> _View:
        if st._view is None:
            delta = self._delta_segment(st)
            parts = [st.main.cols] + ([delta.cols] if delta else [])
            alive = np.concatenate([st.main_alive] + ([np.ones(delta.n, bool)] if delta else []))
            # doc-level columns only: postings stay per segment (no O(postings) copy per update)
            allc = _concat(*parts, postings=False) if len(parts) > 1 else parts[0]
            single = {}
            for f in self.facet_names:
                d = allc.f_doc[f]
                if len(d) == len(np.unique(d)):
                    codes = np.full(len(allc.ids), -1, np.int32)
                    codes[d] = allc.f_code[f]
                    single[f] = codes
                else:
                    single[f] = None
            st._view = _View(allc.ids, alive, st.n_alive, allc.sorts, single, allc.f_doc, allc.f_code)
        return st._view

    # ------------------------------------------------------------------ index statistics for queries
    def _df(self, st: _State, ids: np.ndarray) -> tuple[np.ndarray, int]:
        """Document frequencies of term ``ids`` over main + delta, and the number of documents."""
        delta = self._delta_segment(st)
        stats = delta.stats if delta is not None else st.main.stats
        df = stats.df
        inside = ids < len(df)
        out = np.zeros(len(ids), np.int64)
        out[inside] = df[ids[inside]]
        return out, stats.n

    def _expand(self, st: _State, unit: str) -> _Expanded | None:
        """The words of the vocabulary containing ``unit`` that have documents, most frequent first,
        within the expansion's word and posting budgets (cached per index state)."""
        cache = st.__dict__.setdefault("_expansions", {})
        if unit in cache:
            return cache[unit]
        exp = self.expansion
        lists = [st.char_terms.get(c, ()) for c in set(unit)]
        base = min(lists, key=len) if lists else ()
        words = [t for t in base if unit in t and t != unit]
        result = None
        if words:
            ids = np.fromiter((st.vocab[t] for t in words), np.int64, count=len(words))
            df, n = self._df(st, ids)
            order = np.argsort(-df, kind="stable")  # most frequent first; ties in vocabulary order
            chosen, postings = [], 0
            for i in order.tolist():
                d = int(df[i])
                if d <= 0 or len(chosen) >= exp.max_terms:
                    break
                if chosen and postings + d > exp.max_postings:
                    break
                chosen.append(i)
                postings += d
            if chosen:
                own = int(self._df(st, np.array([st.vocab[unit]], np.int64))[0][0]) if unit in st.vocab else 0
                # the unit's document frequency as "a word containing it" (an upper bound: no overlaps)
                df_unit = min(n, own + postings)
                idf = float(np.log1p((n - df_unit + 0.5) / (df_unit + 0.5)))
                exact = st.vocab.get(unit, -1)
                result = _Expanded(unit, [words[i] for i in chosen], ids[chosen], idf, exp.weight, exact)
        if len(cache) < 1024:
            cache[unit] = result
        return result


def _cols_from_docs(datas: list[_DocData], eng: SearchEngine) -> _Cols:
    nf = len(eng.field_names)
    n = len(datas)
    sizes = np.fromiter((len(d.terms) for d in datas), np.int64, count=n)
    f_doc, f_code = {}, {}
    for f in eng.facet_names:
        fs = np.fromiter((len(d.facets[f]) for d in datas), np.int64, count=n)
        f_doc[f] = np.repeat(np.arange(n, dtype=np.int32), fs)
        f_code[f] = np.fromiter((c for d in datas for c in d.facets[f]), np.int32, count=int(fs.sum()))
    sorts = np.array([d.sorts for d in datas], dtype=np.float64).reshape(n, len(eng.sort_names))
    return _Cols(
        ids=np.fromiter((d.id for d in datas), np.int64, count=n),
        lengths=np.array([d.lengths for d in datas], np.float32).reshape(n, nf),
        e_doc=np.repeat(np.arange(n, dtype=np.int32), sizes),
        e_term=np.concatenate([d.terms for d in datas]) if n else np.zeros(0, np.int32),
        e_tf=np.concatenate([d.tf for d in datas]) if n else np.zeros((0, nf), np.uint8),
        f_doc=f_doc,
        f_code=f_code,
        sorts={s: sorts[:, i].copy() for i, s in enumerate(eng.sort_names)},
    )


def _take(c: _Cols, keep: np.ndarray) -> _Cols:
    """Rows ``keep`` (sorted doc indices) of ``c``, re-numbered 0..len(keep)-1."""
    n = len(c.ids)
    if len(keep) == n:
        return c
    remap = np.full(n, -1, np.int64)
    remap[keep] = np.arange(len(keep))
    sel = remap[c.e_doc] >= 0
    f_sel = {f: remap[d] >= 0 for f, d in c.f_doc.items()}
    return _Cols(
        c.ids[keep],
        c.lengths[keep],
        remap[c.e_doc[sel]].astype(np.int32),
        c.e_term[sel],
        c.e_tf[sel],
        {f: remap[d[f_sel[f]]].astype(np.int32) for f, d in c.f_doc.items()},
        {f: code[f_sel[f]] for f, code in c.f_code.items()},
        {s: v[keep] for s, v in c.sorts.items()},
    )


def _concat(*parts: _Cols, postings: bool = True) -> _Cols:
    """Stack ``parts`` (doc indices offset); without ``postings`` the posting arrays are left empty."""
    offsets = np.cumsum([0] + [len(p.ids) for p in parts])
    if postings:
        e_doc = np.concatenate([p.e_doc + o for p, o in zip(parts, offsets, strict=False)]).astype(np.int32)
        e_term = np.concatenate([p.e_term for p in parts])
        e_tf = np.concatenate([p.e_tf for p in parts])
    else:
        e_doc, e_term, e_tf = parts[0].e_doc[:0], parts[0].e_term[:0], parts[0].e_tf[:0]
    return _Cols(
        np.concatenate([p.ids for p in parts]),
        np.concatenate([p.lengths for p in parts]),
        e_doc,
        e_term,
        e_tf,
        {
            f: np.concatenate([p.f_doc[f] + o for p, o in zip(parts, offsets, strict=False)]).astype(np.int32)
            for f in parts[0].f_doc
        },
        {f: np.concatenate([p.f_code[f] for p in parts]) for f in parts[0].f_code},
        {s: np.concatenate([p.sorts[s] for p in parts]) for s in parts[0].sorts},
    )


def _is_cjk_char(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fff" or "\u3400" <= c <= "\u4dbf" or "\uf900" <= c <= "\ufaff"


def _char_index(vocab: Mapping[str, int]) -> dict[str, list[str]]:
    """Chinese character -> the vocabulary words of 2+ characters containing it, in id order."""
    index: dict[str, list[str]] = {}
    _char_index_add(index, vocab)
    return index


def _char_index_add(index: dict[str, list[str]], words: Iterable[str]) -> None:
    for w in words:
        if len(w) < 2:
            continue
        for c in dict.fromkeys(w):
            if _is_cjk_char(c):
                lst = index.get(c)
                if lst is None:
                    index[c] = [w]
                else:
                    lst.append(w)
