"""Django glue of the matching engine: records → items, one matcher per process kept fresh.

Like the search index, the matcher follows the IndexChange log, so every process matches against the
committed state. Private demand budgets never enter the matcher (so no score or explanation can leak
them); contacts and confidential details are never part of an item.
"""

import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db.models import Max

from keqiao.accounts.models import Organization
from keqiao.achievements.models import Achievement
from keqiao.common import snapshots, text
from keqiao.common.corpus import read_records
from keqiao.demands.choices import MODE_COMPATIBILITY
from keqiao.demands.models import Demand
from keqiao.search import engine as search_engine
from keqiao.search.index import get_index
from keqiao.search.models import IndexChange

from .engine import (
    DenseSemanticModel,
    Item,
    Match,
    Matcher,
    classify,
    factors,
    matcher,
    relevance,
    semantic,
    types,
)
from .suggest import get_classifier
from .taxonomy import CSL_DISCIPLINES

logger = logging.getLogger(__name__)

# The modules whose classes a matcher snapshot pickles: a snapshot written by other code is rebuilt.
ENGINE_MODULES = (matcher, semantic, factors, types, classify, relevance, search_engine)


def _county(region) -> str | None:
    return region.county_code if region is not None else None


# Weights of the platform's matcher (normalised by the engine). Classification agreement counts more
# than the engine's default because every listing carries a discipline: confirmed by its owner, or
# suggested by the classifier (below). Measured in docs/benchmarks.md.
PLATFORM_WEIGHTS = {
    "text": 0.30,
    "semantic": 0.35,
    "classification": 0.15,
    "maturity": 0.08,
    "price": 0.05,
    "mode": 0.05,
    "region": 0.02,
}


def suggested_disciplines(text_: str, k: int = 3) -> tuple[tuple[str, float], ...]:
    """The GB/T 13745 codes the suggestion model gives a text, with their probability-like scores, best
    first (labels of one code added up), for listings whose owner chose none."""
    if not settings.KEQIAO.get("MATCHING_PREDICT_DISCIPLINE", True) or not text_.strip():
        return ()
    scores: dict[str, float] = {}
    for label, p in get_classifier().predict(text_, k=k):
        code = CSL_DISCIPLINES.get(label, (None,))[0]
        if code:
            scores[code] = scores.get(code, 0.0) + p
    return tuple(sorted(scores.items(), key=lambda c: (-c[1], c[0])))


def _discipline(record, text_: str) -> tuple[str | None, tuple[tuple[str, float], ...]]:
    """The listing's discipline and the prior over disciplines matching uses: the owner's choice for
    certain, else the suggestion model's first three."""
    if record.discipline_id:
        return record.discipline.code, ((record.discipline.code, 1.0),)
    prior = suggested_disciplines(text_)
    return (prior[0][0] if prior else None), prior


def achievement_item(a: Achievement) -> Item:
    discipline, prior = _discipline(a, f"{a.title} {a.summary}")
    return Item(
        id=a.pk,
        kind="achievement",
        title=a.title,
        keywords=tuple(a.keywords),
        body="\n".join(filter(None, [a.summary, a.application])),
        discipline=discipline,
        discipline_prior=prior,
        industry=a.industry.code if a.industry_id else None,
        tech_field=a.tech_field or None,
        trl=a.effective_trl,
        price=float(a.price) if a.price is not None and not a.price_negotiable else None,
        modes=tuple(a.transfer_modes),
        region=_county(a.organization.region),
        organization_id=a.organization_id,
    )


def demand_item(d: Demand) -> Item:
    # Demands speak of cooperation modes, achievements of transfer modes: translate once, here.
    modes = sorted({m for mode in d.cooperation_modes for m in MODE_COMPATIBILITY.get(mode, ())})
    private_budget = d.budget_private or d.budget_negotiable
    discipline, prior = _discipline(d, f"{d.title} {d.problem}")
    return Item(
        id=d.pk,
        kind="demand",
        title=d.title,
        keywords=tuple(d.keywords),
        body="\n".join(filter(None, [d.problem, d.indicators, d.current_state])),
        discipline=discipline,
        discipline_prior=prior,
        industry=d.industry.code if d.industry_id else None,
        tech_field=d.tech_field or None,
        trl=d.min_trl,
        budget_min=None if private_budget or d.budget_min is None else float(d.budget_min),
        budget_max=None if private_budget or d.budget_max is None else float(d.budget_max),
        modes=tuple(modes),
        region=_county(d.region),
        organization_id=d.organization_id,
    )


def published_achievements():
    return Achievement.objects.filter(status=Achievement.Status.PUBLISHED).select_related(
        "organization__region__parent", "discipline", "industry"
    )


def published_demands():
    return Demand.objects.filter(status=Demand.Status.PUBLISHED).select_related(
        "region__parent", "discipline", "industry", "organization"
    )


KINDS = {
    "achievement": (published_achievements, achievement_item),
    "demand": (published_demands, demand_item),
}


def _semantic_training_texts() -> list[str]:
    """Extra text for the offline semantic model: the bundled real research records."""
    if not settings.KEQIAO.get("MATCHING_BUNDLED_CORPUS", True):
        return []
    return [f"{r['title']} {' '.join(r['keywords'])} {r['abstract']}" for r in read_records()]


def _snapshot_version() -> str:
    # The configured semantic model is part of the version: a snapshot built with another one (the LSA
    # model, or another dense model directory) is rebuilt, not silently reused.
    dense = settings.KEQIAO.get("DENSE_MODEL_DIR")
    model = f"dense:{os.path.abspath(dense)}" if dense else "lsa"
    return f"{snapshots.code_version(*ENGINE_MODULES)}:{model}"


def _semantic_model():
    """The operator's sentence-embedding model when KEQIAO_DENSE_MODEL_DIR names one (needs the optional
    `dense` extra); otherwise None, i.e. the engine's offline LSA model fitted on the platform's corpus."""
    model_dir = settings.KEQIAO.get("DENSE_MODEL_DIR")
    if not model_dir:
        return None

    return DenseSemanticModel(model_dir)


class SearchIndexes:
    """The matcher's lexical side: the search app's in-process index of each kind of listing (the same
    published listings, caught up from the same change log), so that each listing's postings are held
    once per process. Stateless, so a matcher snapshot pickles only this reference."""

    def engine(self, kind: str) -> search_engine.SearchEngine:
        # MatchIndex.refresh keeps the search indexes as fresh as the matcher (apply_changes); an index
        # not loaded yet in this process is loaded or built here.
        index = get_index(kind)
        if index.engine is None:
            index.refresh()
        return index.engine


class MatchIndex:
    """One process's matcher over published achievements and demands (snapshotted like the search index)."""

    def __init__(self) -> None:
        self.matcher: Matcher | None = None
        self.last_change_id = 0
        self.empty = True
        self.words: list[str] = []
        self._lock = threading.RLock()

    def _snapshot_path(self) -> Path:
        return Path(settings.KEQIAO["SEARCH_SNAPSHOT_DIR"]) / "matcher.pickle"

    def save_snapshot(self) -> None:
        if not settings.KEQIAO.get("SEARCH_SNAPSHOT_DIR") or self.matcher is None:
            return
        with self._lock:
            snapshots.save(
                {
                    "version": _snapshot_version(),
                    "last_change_id": self.last_change_id,
                    "empty": self.empty,
                    "matcher": self.matcher,
                    "words": self.words,
                },
                self._snapshot_path(),
            )

    def _load_snapshot(self) -> bool:
        path = self._snapshot_path()
        if not settings.KEQIAO.get("SEARCH_SNAPSHOT_DIR") or not path.exists():
            return False
        try:
            data = snapshots.load(path)
        except Exception:  # damaged, or written by another version: rebuild instead
            logger.warning("ignoring unreadable matcher snapshot %s", path)
            return False
        current = IndexChange.objects.aggregate(m=Max("id"))["m"] or 0
        if data.get("version") != _snapshot_version() or data["last_change_id"] > current:
            return False
        text.add_words(data["words"])
        self.matcher, self.last_change_id, self.empty = data["matcher"], data["last_change_id"], data["empty"]
        self.words = data["words"]
        expected = published_achievements().count() + published_demands().count()
        self._catch_up()
        if len(self.matcher) != expected and not self.empty:
            logger.warning("matcher snapshot disagrees with the database; rebuilding")
            self.matcher = None
            return False
        return True

    def rebuild(self) -> int:
        with self._lock:
            last = IndexChange.objects.aggregate(m=Max("id"))["m"] or 0
            items = []
            for queryset, to_item in KINDS.values():
                for record in queryset().iterator(chunk_size=2000):
                    items.append(to_item(record))
            self.words = sorted({kw for item in items for kw in item.keywords})
            text.add_words(self.words)
            extra = _semantic_training_texts()
            matcher = Matcher(
                PLATFORM_WEIGHTS, semantic=_semantic_model(), extra_texts=extra, lexical=SearchIndexes()
            )
            # With nothing to learn from (a new, empty platform) the matcher stays empty until the first
            # listing is published; refresh() then rebuilds instead of updating.
            if items or extra:
                matcher.build(items)
            self.matcher, self.last_change_id, self.empty = matcher, last, not (items or extra)
            return len(items)

    def refresh(self) -> None:
        """Bring the matcher up to the committed state, and the search indexes it takes its lexical
        candidates from with it (one read of the change log serves both)."""
        if self.matcher is None:
            started = time.perf_counter()
            if self._load_snapshot():
                logger.info("matcher loaded from snapshot in %.2fs", time.perf_counter() - started)
            else:
                n = self.rebuild()
                logger.info("matcher built: %d items in %.2fs", n, time.perf_counter() - started)
            self._sync_search([], since=self.last_change_id)
            return
        self._catch_up()

    def _sync_search(self, changes, *, since: int) -> None:
        if self.matcher is not None and self.matcher.lexical is not None:
            for kind in KINDS:
                get_index(kind).apply_changes(changes, since=since)

    def _catch_up(self) -> None:
        since = self.last_change_id
        changes = list(IndexChange.objects.filter(id__gt=since).values_list("id", "kind", "object_id"))
        self._sync_search(changes, since=since)
        if not changes:
            return
        if self.empty:
            self.rebuild()
            return
        with self._lock:
            for kind, (queryset, to_item) in KINDS.items():
                ids = {oid for _c, k, oid in changes if k == kind}
                if not ids:
                    continue
                fresh = {r.pk: r for r in queryset().filter(pk__in=ids)}
                for pk in ids:
                    if pk in fresh:
                        self.matcher.upsert(to_item(fresh[pk]))
                    else:
                        self.matcher.delete(kind, pk)
            self.last_change_id = max(self.last_change_id, max(c for c, _k, _o in changes))

    def reset(self) -> None:
        self.matcher, self.last_change_id, self.empty = None, 0, True


_index = MatchIndex()


def get_match_index() -> MatchIndex:
    return _index


@dataclass
class MatchRow:
    """A matched record with its explanation, ready for a page, the API or an alert."""

    record: object
    match: Match

    @property
    def percent(self) -> int:
        return round(self.match.score * 100)

    @property
    def grade(self) -> str:
        return self.match.grade


def matches_for(kind: str, record, k: int = 10) -> list[MatchRow]:
    """Best topically relevant matches of the other kind for ``record`` (published records of other
    organisations only), best first; an empty list means "no good match"."""
    index = get_match_index()
    index.refresh()
    if index.empty:
        return []
    item = KINDS[kind][1](record)
    target = "achievement" if kind == "demand" else "demand"
    matches = index.matcher.match(
        item,
        target,
        k=k,
        exclude_ids=(record.pk,) if kind == target and record.pk else (),
        exclude_organization=record.organization_id,
    )
    queryset = KINDS[target][0]()
    records = {r.pk: r for r in queryset.filter(pk__in=[m.id for m in matches])}
    return [MatchRow(records[m.id], m) for m in matches if m.id in records]


def match_counts(kind: str, ids) -> dict[int, int]:
    """{record id: how many good matches it has} for a few published records of ``kind`` (the workbench's
    "my listings and their matches"): one refresh and two queries for all of them."""
    ids = list(ids)
    index = get_match_index()
    index.refresh()
    if index.empty or not ids:
        return dict.fromkeys(ids, 0)
    records = list(KINDS[kind][0]().filter(pk__in=ids))
    target = "achievement" if kind == "demand" else "demand"
    found = {
        r.pk: index.matcher.match(KINDS[kind][1](r), target, k=10, exclude_organization=r.organization_id)
        for r in records
    }
    live = set(
        KINDS[target][0]()
        .filter(pk__in={m.id for ms in found.values() for m in ms})
        .values_list("pk", flat=True)
    )
    return {pk: sum(1 for m in ms if m.id in live) for pk, ms in found.items()}


def active_organizations(kind: str, record, k: int = 5):
    index = get_match_index()
    index.refresh()
    if index.empty:
        return []
    ranked = index.matcher.top_organizations(KINDS[kind][1](record), k=k)
    orgs = {
        o.pk: o
        for o in Organization.objects.filter(
            pk__in=[oid for oid, _s in ranked], status=Organization.Status.VERIFIED
        )
    }
    return [(orgs[oid], score) for oid, score in ranked if oid in orgs]


def rebuild_matcher(sender, *, force: bool = False, stdout=None, **kwargs) -> None:
    """Receiver of search_index_rebuilt (`rebuild_search_index`): bring the matcher up to date
    (``force``: rebuild it) and save its snapshot."""
    started = time.perf_counter()
    matcher = get_match_index()
    if force:
        matcher.rebuild()
    else:
        matcher.refresh()  # loads a valid snapshot and catches up, or builds
    matcher.save_snapshot()
    size = len(matcher.matcher) if matcher.matcher is not None and not matcher.empty else 0
    if stdout is not None:
        stdout.write(f"Matcher ready with {size} listings in {time.perf_counter() - started:.2f}s.")
