"""Suggestions for :class:`keqiao.search.engine.SearchEngine`: near-miss queries made of indexed words,
for a query that found nothing.  They need the character map the engine keeps with an ``expansion``.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

import numpy as np

from .engine_query import CJK

if TYPE_CHECKING:
    from .engine import Tokenizer, _State

__all__ = ["Suggestions"]


class Suggestions:
    """The suggestion methods of :class:`keqiao.search.engine.SearchEngine`."""

    query_tokenizer: Tokenizer
    _state: _State

    def suggest(self, query: str, limit: int = 5) -> list[str]:
        """Queries near ``query`` made of indexed words that have documents, for a query that found
        nothing: each Chinese part of the query (a run of at most 4 characters, else each word of
        2+ characters of a longer run) replaced by a word within edit distance 1 (one character
        replaced, added or dropped), or else, for parts of 3+ characters, by a word sharing at least
        half of its characters; most frequent words first.  Needs the ``expansion`` (its character
        map); frequencies are those of the last merge, so the caller checks what the suggestions find
        (under its filters)."""
        st = self._state
        if st.char_terms is None or limit <= 0 or not query:
            return []
        norm = unicodedata.normalize("NFKC", query).lower().strip()
        parts: list[str] = []
        for run in dict.fromkeys(CJK.findall(norm)):
            if len(run) <= 4:
                parts.append(run)
            else:
                parts.extend(
                    t for t in dict.fromkeys(self.query_tokenizer(run)) if len(t) >= 2 and CJK.fullmatch(t)
                )
        out: list[str] = []
        for part in parts:
            for word in self._near_words(st, part):
                q = norm.replace(part, word)
                if q != norm and q not in out:
                    out.append(q)
                if len(out) >= limit:
                    return out
        return out

    def _near_words(self, st: _State, part: str, limit: int = 8) -> list[str]:
        n = len(part)
        pool: dict[str, None] = {}
        for c in dict.fromkeys(part):
            for t in st.char_terms.get(c, ()):
                if t != part and abs(len(t) - n) <= 2:
                    pool[t] = None
        if not pool:
            return []
        words = list(pool)
        df, _n = self._df(st, np.fromiter((st.vocab[t] for t in words), np.int64, count=len(words)))
        freq = dict(zip(words, df.tolist(), strict=True))
        near = [t for t in words if freq[t] > 0 and _within_one_edit(part, t)]
        if near:
            return sorted(near, key=lambda t: (-freq[t], t))[:limit]
        if n < 3:
            return []
        need = (n + 1) // 2
        chars = set(part)
        shared = {t: len(chars & set(t)) for t in words if freq[t] > 0}
        near = [t for t, k in shared.items() if k >= need]
        return sorted(near, key=lambda t: (-shared[t], -freq[t], t))[:limit]


def _within_one_edit(a: str, b: str) -> bool:
    """Levenshtein distance of ``a`` and ``b`` is at most 1."""
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la == lb:
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    if la > lb:
        a, b, la = b, a, lb
    i = 0
    while i < la and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1 :]
