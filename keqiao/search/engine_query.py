"""Query analysis for :class:`keqiao.search.engine.SearchEngine`: from a query string to the terms it
is scored by.

A query is tokenised with the engine's query tokenizer; its tokens known to the index become the
exact terms, a repeated token counting repeatedly.  With the engine's ``expansion``
(:class:`keqiao.search.engine.Expansion`) the short Chinese terms of a short query are also expanded
to the indexed words containing them; which words, and their weight, come from the index
(:meth:`SearchEngine._expand`, cached per index state).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from .engine import Expansion, Tokenizer, _Expanded, _State

__all__ = ["CJK", "QueryPlanning"]

# Chinese characters (CJK unified ideographs, extension A, compatibility ideographs).
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


class QueryPlanning:
    """The query-analysis methods of :class:`keqiao.search.engine.SearchEngine`."""

    query_tokenizer: Tokenizer
    expansion: Expansion | None

    def _query_terms(self, st: _State, query: str) -> tuple[list[str], np.ndarray, np.ndarray]:
        return self._known_terms(st, self.query_tokenizer(query) if query else [])

    def _known_terms(self, st: _State, toks: list[str]) -> tuple[list[str], np.ndarray, np.ndarray]:
        cnt = Counter(t for t in toks if t in st.vocab)
        terms = list(cnt)
        ids = np.array([st.vocab[t] for t in terms], dtype=np.int64)
        # Repeated query terms count repeatedly (like Lucene/bm25s): search-mode
        # segmentation repeats characters in sub-words, which is a mild boost.
        qw = np.array([cnt[t] for t in terms], dtype=np.float64)
        return terms, ids, qw

    def _query_plan(
        self, st: _State, query: str
    ) -> tuple[list[str], np.ndarray, np.ndarray, list[_Expanded]]:
        """The exact terms of ``query`` (as :meth:`_query_terms`) and the expansions of its short
        Chinese terms (empty unless the engine has an ``expansion``)."""
        toks = self.query_tokenizer(query) if query else []
        terms, ids, qw = self._known_terms(st, toks)
        expanded: list[_Expanded] = []
        if self.expansion is not None and st.char_terms is not None and toks and self._few_words(toks):
            for unit, count in self._short_units(query, toks):
                ex = self._expand(st, unit)
                if ex is not None:
                    w = self.expansion.weight * count
                    expanded.append(ex if w == ex.weight else replace(ex, weight=w))
        return terms, ids, qw, expanded

    def _few_words(self, toks: list[str]) -> bool:
        """At most ``max_query_words`` tokens that are no part of another token of the query."""
        distinct = set(toks)
        if len(distinct) <= self.expansion.max_query_words:
            return True
        words = [t for t in distinct if not any(len(o) > len(t) and t in o for o in distinct)]
        return len(words) <= self.expansion.max_query_words

    def _short_units(self, query: str, toks: list[str]) -> list[tuple[str, int]]:
        """The query terms to expand, with their count: every Chinese run of the query of at most
        ``max_chars`` characters (kept whole even when the tokenizer splits it), and every token of
        that length that is not part of such a run nor of a longer token (as "甲基" of "甲基橙")."""
        exp = self.expansion
        distinct = list(dict.fromkeys(toks))
        runs = CJK.findall(unicodedata.normalize("NFKC", query).lower())
        # a run that yields no token at all is made of stopwords ("的")
        units = [r for r in runs if len(r) <= exp.max_chars and any(t in r or r in t for t in distinct)]
        short_runs = set(units)
        for t in toks:
            if (
                len(t) <= exp.max_chars
                and CJK.fullmatch(t)
                and not any(t in r for r in short_runs)
                and not any(len(o) > len(t) and t in o for o in distinct)
            ):
                units.append(t)
        return list(Counter(units).items())[: exp.max_units]
