"""Marks on matched pairs ("already in a negotiation", "recommended: accepted"), told to the listing's
owner so that a match already being acted on is not taken for a new one.

Matching sits below the negotiation app, so it never imports it: apps above register a provider here in
their ``ready()`` (one query per page for all pairs shown).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Pair:
    """An (achievement, demand) pair on a page, with the organisations that hold each side."""

    achievement_id: int
    achievement_org_id: int
    demand_id: int
    demand_org_id: int


# provider(pairs, viewer_org_ids) -> {(achievement_id, demand_id): [labels]}: only what concerns the
# viewer's organisations (None: a broker's desk, see recommendation_marks)
Provider = Callable[[list[Pair], set[int] | None], dict[tuple[int, int], list[str]]]
_providers: list[Provider] = []


def register(provider: Provider) -> None:
    if provider not in _providers:
        _providers.append(provider)


def pair_marks(pairs: Iterable[Pair], viewer_org_ids: set[int]) -> dict[tuple[int, int], list[str]]:
    """Marks of ``pairs`` for a member of ``viewer_org_ids``: only negotiations their organisations take
    part in and recommendations sent to them."""
    pairs = list(pairs)
    out: dict[tuple[int, int], list[str]] = {}
    if not pairs:
        return out
    for provider in _providers:
        for key, labels in provider(pairs, viewer_org_ids).items():
            out.setdefault(key, []).extend(labels)
    return out
