"""Deterministic synthetic records for benchmarks: the real CSL records recombined.

Each synthetic record keeps a real record's title and keywords and gets an abstract made of sentences
drawn from records of the same discipline, so term statistics stay those of real Chinese technical text.
"""

import random
import re


def synthesize(records: list[dict], n: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    by_discipline: dict[str, list[str]] = {}
    for r in records:
        sentences = [s for s in re.split(r"(?<=[。.；;])", r["abstract"]) if len(s.strip()) > 4]
        by_discipline.setdefault(r["discipline"], []).extend(sentences)
    out = []
    for i in range(n):
        base = records[i % len(records)]
        pool = by_discipline[base["discipline"]]
        abstract = "".join(rng.sample(pool, k=min(len(pool), rng.randint(3, 6))))
        title = base["title"] if i < len(records) else f"{base['title']}（{i // len(records)}）"
        out.append(
            {
                "id": i + 1,
                "title": title,
                "abstract": abstract[:2000],
                "keywords": base["keywords"],
                "discipline": base["discipline"],
                "category": base["category"],
            }
        )
    return out
