"""Chinese text analysis for search: normalisation, jieba segmentation, stopwords.

The module owns one private ``jieba.Tokenizer`` (not jieba's global default
instance) so that domain words added here never leak into, or get clobbered by,
other code that uses ``jieba`` directly.  The dictionary is loaded lazily on
first use (about 1 s) under a lock, so importing this module is free and
concurrent first calls initialise it only once.

Tokenisation choices were made by measurement on the CSL dev set (see
``bench/search_engine_bench.py`` and ``keqiao/search/metrics.py``).  With the
full keywords or full title as the query every variant tied (R@1 ~0.998/1.0),
so the choices rest on harder probes: two random keywords of a record, and
the first half of its title:

* documents are segmented in jieba *search mode*: long words are emitted
  together with their in-dictionary 2/3-character sub-words, so a document
  containing "微卫星标记" also matches a query for "卫星标记" or "标记";
* queries are segmented the same way, so a query word is matched both as a
  whole and through its parts (precise mode everywhere was +0.002 MRR on the
  two-keyword probe but -0.004 on half titles; search mode kept);
* jieba's HMM new-word discovery is off: it glues unknown characters into
  spurious words ("对半滑"), which made partial matches slightly worse, and
  it costs ~25% throughput.  Out-of-dictionary words stay as single
  characters, which still match; real domain terms come from :func:`add_words`;
* a small stopword list removes function words and punctuation.  Frequent
  content words such as "研究"/"分析" are kept (see ``STOPWORDS``).
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections.abc import Iterable

import jieba

__all__ = ["STOPWORDS", "add_words", "get_tokenizer", "normalize", "tokenize", "tokenize_query"]

jieba.setLogLevel(logging.WARNING)
logging.getLogger("jieba").setLevel(logging.WARNING)

# Function words only.  A broader list (also 研究, 分析, 基于, 通过, 进行, 结果,
# 表明, 方法 ...) was measured on CSL and was slightly *worse* for partial-title
# queries (MRR 0.9859 vs 0.9882) and no better elsewhere: BM25's IDF already
# makes such words nearly free, and keeping them lets "基于深度学习" match.
STOPWORDS: frozenset[str] = frozenset(
    """
    的 地 得 了 着 过 和 与 及 以及 或 或者 而 并 且 在 于 是 为 对 对于 把 被 其 之 这 那 该 此
    等 中 也 都 就 又 即 则 所
    a an and are as at be by for from in is it of on or the to with
    """.split()
)

# Matches tokens that contain no letter or digit at all (punctuation, symbols,
# whitespace) -- they are dropped.
_NO_WORD_CHAR = re.compile(r"^[\W_]+$", re.UNICODE)

_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None


def get_tokenizer() -> jieba.Tokenizer:
    """Return the module's private jieba tokenizer, loading its dictionary once."""
    global _tokenizer
    tk = _tokenizer
    if tk is not None:
        return tk
    with _lock:
        if _tokenizer is None:
            tk = jieba.Tokenizer()
            tk.initialize()
            _tokenizer = tk
        return _tokenizer


def add_words(words: Iterable[str]) -> None:
    """Add domain words (e.g. achievement keywords) so jieba keeps them whole.

    Words are normalised like text, so "ＤＮＡ测序" and "dna测序" are the same
    entry.  Each word gets a frequency large enough to win against its own
    segmentation (jieba's ``suggest_freq`` would re-segment every word, which
    is far too slow for thousands of words; this is a dictionary update only).
    Words containing spaces are ignored: jieba never produces such tokens.
    """
    tk = get_tokenizer()
    with _lock:
        freq_table = tk.FREQ
        # jieba scores a path by the sum of log(freq/total); giving each new
        # word the frequency of a common word (but not more) keeps it whole in
        # context without swallowing neighbouring characters elsewhere.
        freq = max(3, int(tk.total / 200_000))
        for raw in words:
            word = normalize(raw).strip()
            if len(word) < 2 or " " in word:
                continue
            if freq_table.get(word, 0) >= freq:
                continue
            tk.add_word(word, freq)


def normalize(text: str) -> str:
    """NFKC-normalise (full-width to half-width etc.) and lowercase."""
    return unicodedata.normalize("NFKC", text).lower()


def _clean(tokens: Iterable[str]) -> list[str]:
    out = []
    for tok in tokens:
        tok = tok.strip()
        if not tok or tok in STOPWORDS or _NO_WORD_CHAR.match(tok):
            continue
        out.append(tok)
    return out


def tokenize(text: str) -> list[str]:
    """Split document text into index terms.

    NFKC + lowercase, jieba search-mode segmentation without HMM (whole words
    plus their dictionary sub-words), then drop whitespace/punctuation-only tokens and
    stopwords.  Numbers and latin words are kept (lowercased).
    """
    if not text:
        return []
    return _clean(get_tokenizer().cut_for_search(normalize(text), HMM=False))


def tokenize_query(text: str) -> list[str]:
    """Split a user query into terms; currently identical to :func:`tokenize`.

    Kept as a separate entry point so query analysis can diverge (synonyms,
    operators) without touching indexed data.
    """
    return tokenize(text)


_WORD_CHAR = re.compile(r"\w")


def has_meaning(text: str | None) -> bool:
    """True when the text holds at least one letter, digit or CJK character (not only punctuation)."""
    return bool(text and _WORD_CHAR.search(text))
