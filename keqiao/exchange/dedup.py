"""Near-duplicate detection of records that came from different sources.

Two records are candidates when their MinHash signatures over character 2-grams of the normalised title fall into the same LSH bucket, or when their normalised titles are equal. A candidate pair
is a duplicate when the evidence agrees: the same holders (in any order) and a close title or text, or a
nearly identical text. Character n-grams rather than words: Chinese has no spaces, and a retyped title
differs by a character or a punctuation mark, which a word tokenizer would magnify.

MinHash and LSH come from `datasketch`; the rules on top are the platform's (measured by
`manage.py bench_dedup`, figures in docs/benchmarks.md).
"""

import re
import unicodedata
from dataclasses import dataclass, field

from datasketch import MinHash, MinHashLSH

NUM_PERM = 64
LSH_THRESHOLD = 0.5
SHINGLE = 3


def normalise(text: str) -> str:
    """NFKC (full-width → half-width), lower-case, without spaces and punctuation."""
    return re.sub(r"[\W_]+", "", unicodedata.normalize("NFKC", text or "").lower())


def shingles(text: str, k: int = SHINGLE) -> set[str]:
    text = normalise(text)
    if len(text) <= k:
        return {text} if text else set()
    return {text[i : i + k] for i in range(len(text) - k + 1)}


def jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


@dataclass
class Record:
    key: object  # the record's id (or any hashable)
    title: str
    holders: list[str]
    text: str = ""  # summary / abstract
    numbers: list[str] = field(default_factory=list)  # patent numbers it names

    @property
    def holder_set(self) -> frozenset[str]:
        return frozenset(normalise(h) for h in self.holders if normalise(h))


@dataclass
class Pair:
    left: object
    right: object
    score: float
    reasons: list[str]


def _signatures(texts: list[str], k: int) -> list[MinHash]:
    sets = [[s.encode() for s in shingles(t, k)] or [b""] for t in texts]
    return MinHash.bulk(sets, num_perm=NUM_PERM, seed=7)


def judge(a: Record, b: Record, text_similarity: float) -> Pair | None:
    """The pair with its score and reasons when the evidence says duplicate, else None."""
    title_a, title_b = normalise(a.title), normalise(b.title)
    title_similarity = 1.0 if title_a == title_b else jaccard(shingles(a.title, 2), shingles(b.title, 2))
    same_holders = bool(a.holder_set) and a.holder_set == b.holder_set
    shared_number = bool(set(a.numbers) & set(b.numbers))
    reasons = []
    if title_a == title_b:
        reasons.append("same_title")
    elif title_similarity >= 0.6:
        reasons.append("similar_title")
    if same_holders:
        reasons.append("same_holders")
    if text_similarity >= 0.5:
        reasons.append("similar_text")
    if shared_number:
        reasons.append("same_patent_number")
    duplicate = (
        shared_number
        or (same_holders and (title_similarity >= 0.6 or text_similarity >= 0.6))
        or (title_similarity >= 0.8 and text_similarity >= 0.6)
    )
    if not duplicate:
        return None
    score = round(0.5 * title_similarity + 0.3 * text_similarity + 0.2 * same_holders, 3)
    return Pair(a.key, b.key, score, reasons)


def find_pairs(records: list[Record], *, only_keys: set | None = None) -> list[Pair]:
    """Duplicate pairs among `records`; with `only_keys`, only pairs with at least one of those records
    (the newly imported ones against the whole catalogue)."""
    # Candidates by title (2-grams): summaries share boilerplate sentences, titles do not.
    signatures = _signatures([r.title for r in records], 2)
    texts = _signatures([r.text for r in records], SHINGLE)
    lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    for index, signature in enumerate(signatures):
        lsh.insert(index, signature, check_duplication=False)
    by_title: dict[str, list[int]] = {}
    for index, record in enumerate(records):
        by_title.setdefault(normalise(record.title), []).append(index)
    pairs: list[Pair] = []
    seen: set[tuple[int, int]] = set()
    for index, record in enumerate(records):
        if only_keys is not None and record.key not in only_keys:
            continue
        candidates = set(lsh.query(signatures[index])) | set(by_title.get(normalise(record.title), ()))
        for other in candidates:
            if other == index:
                continue
            key = (min(index, other), max(index, other))
            if key in seen:
                continue
            seen.add(key)
            pair = judge(records[key[0]], records[key[1]], texts[key[0]].jaccard(texts[key[1]]))
            if pair is not None:
                pairs.append(pair)
    return pairs
