"""Data types of the matching engine: what is matched (:class:`Item`), what comes back (:class:`Match`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np

__all__ = ["FACTORS", "KINDS", "Item", "Match", "SemanticModel"]

KINDS = ("achievement", "demand")
FACTORS = ("text", "semantic", "classification", "maturity", "price", "mode", "region")


@dataclass(frozen=True)
class Item:
    """An achievement or a demand, reduced to what matching uses."""

    id: int
    kind: str  # "achievement" or "demand"
    title: str
    keywords: tuple[str, ...]
    body: str  # public description only
    discipline: str | None = None  # GB/T 13745 first-level code or name (any consistent label)
    # (discipline, probability) the listing is about: its confirmed discipline (1.0), or the suggestion
    # model's first three; empty = only ``discipline`` (if any) is known
    discipline_prior: tuple[tuple[str, float], ...] = ()
    industry: str | None = None  # GB/T 4754 division code
    tech_field: str | None = None  # one of 11 field codes
    trl: int | None = None  # achievement: its TRL; demand: minimum TRL needed (None = any)
    price: float | None = None  # achievement asking price in yuan (None = negotiable)
    budget_min: float | None = None  # demand budget range in yuan (None = open / negotiable)
    budget_max: float | None = None
    modes: tuple[str, ...] = ()  # achievement transfer modes / demand cooperation modes
    region: str | None = None  # county code, e.g. "511402"
    organization_id: int | None = None

    def text(self) -> str:
        """Title, keywords and body as one text (what the semantic model sees)."""
        return "\n".join(p for p in (self.title, " ".join(self.keywords), self.body) if p)


@dataclass
class Match:
    id: int
    score: float  # final score in [0, 1]
    factors: dict[str, float]  # factor -> share of the score (sums to 1 when score > 0)
    factor_scores: dict[str, float]  # factor -> normalised factor value in [0, 1]
    shared_terms: list[str] = field(default_factory=list)  # query terms found in the matched item
    shared_concepts: list[str] = field(default_factory=list)  # "query term ↔ item term" related pairs
    relevance: float = 1.0  # probability that the item is topically relevant (0–1)
    grade: str = "possible"  # "strong" / "good" / "possible": how likely it answers the query


@runtime_checkable
class SemanticModel(Protocol):
    def fit(self, texts: list[str]) -> None: ...

    def encode(self, texts: list[str]) -> np.ndarray: ...  # L2-normalised rows

    def concepts(self, a: str, b: str, n: int = 5) -> list[str]: ...
