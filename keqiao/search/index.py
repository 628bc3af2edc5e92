"""The achievement index: Django glue between the database and the in-memory engine.

The backend interface is `search_achievements()` / `refresh()`: a large deployment can swap the
in-process engine for OpenSearch/Elasticsearch behind these two functions.

Consistency: services write an IndexChange row in the same transaction as every change to a published
listing. Before answering, the index applies the rows it has not seen yet (one indexed query), so each
process — web workers, Celery workers — answers from the committed state without a message bus.
"""

import logging
import math
import os
import pickle
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db.models import Max, QuerySet
from django.utils.translation import gettext, ngettext

from keqiao.achievements.choices import Status
from keqiao.achievements.models import Achievement
from keqiao.common import text

from .engine import CJK, Document, Expansion, SearchEngine
from .models import IndexChange

logger = logging.getLogger(__name__)


def _snapshot_version() -> str:
    from keqiao.common import snapshots

    from . import engine

    return snapshots.code_version(engine)


def snapshots_enabled() -> bool:
    return bool(settings.KEQIAO.get("SEARCH_SNAPSHOT_DIR"))


FIELD_WEIGHTS = {"title": 3.0, "keywords": 2.0, "body": 1.0}
# The holder's name has its own field, weighted low and secondary: it adds a little to a record that
# matches by its content, and a record matching only by its holder's name ranks below every record
# matching by content ("竹" must not list everything of 青神竹产业…研究院 first).
ACHIEVEMENT_FIELD_WEIGHTS = {**FIELD_WEIGHTS, "holder": 0.5}
FACETS = ("field", "trl", "ip", "mode", "region", "holder")
# Filters without counts: "org" is the holder organisation's id ("all achievements of this holder"),
# while the "holder" facet is the organisation's kind.
FILTERS = ("org",)
# One- and two-character Chinese query terms also match the words that contain them (竹 -> 竹炭).
EXPANSION = Expansion()
SORTS = ("published", "trl", "price")
SORT_OPTIONS = ("relevance", "-published", "published", "-trl", "trl", "price", "-price")


def achievement_document(a: Achievement) -> Document:
    """What of an achievement is searchable: public fields only, never confidential details or contacts."""
    region = a.organization.region
    county = region.parent.code if region.kind == "park" and region.parent_id else region.code
    return Document(
        id=a.pk,
        fields={
            "title": a.title,
            "keywords": " ".join(a.keywords),
            "body": "\n".join(filter(None, [a.summary, a.application])),
            "holder": a.organization.name,
        },
        facets={
            "field": (a.tech_field,) if a.tech_field else (),
            "trl": (str(a.trl),),
            "ip": tuple(sorted({i.kind for i in a.ip_items.all()})),
            "mode": tuple(a.transfer_modes),
            "region": tuple(dict.fromkeys([county, region.code])),
            "holder": (a.organization.kind,),
            "org": (str(a.organization_id),),
        },
        sort_values={
            "published": a.published_at.timestamp() if a.published_at else math.nan,
            "trl": float(a.trl),
            "price": float(a.price) if a.price is not None else math.nan,
        },
    )


def _published():
    return (
        Achievement.objects.filter(status=Status.PUBLISHED)
        .select_related("organization", "organization__region", "organization__region__parent")
        .prefetch_related("ip_items")
    )


@dataclass(frozen=True)
class IndexSpec:
    """What one kind of listing contributes to search: its published records and their documents."""

    kind: str
    queryset: Callable[[], QuerySet]
    document: Callable[[object], Document]
    keywords: Callable[[object], list[str]]
    facets: tuple[str, ...]
    sorts: tuple[str, ...]
    sort_options: tuple[str, ...]
    field_weights: dict = field(default_factory=lambda: dict(FIELD_WEIGHTS))
    filters: tuple[str, ...] = ()  # filterable like facets, but not counted
    secondary_fields: tuple[str, ...] = ()  # see SearchEngine: matches there alone rank last
    expansion: Expansion | None = EXPANSION

    def new_engine(self) -> SearchEngine:
        return SearchEngine(
            self.field_weights,
            self.facets + self.filters,
            self.sorts,
            expansion=self.expansion,
            secondary_fields=self.secondary_fields,
        )


class ListingIndex:
    """One process's index of one kind of published listing, caught up from the IndexChange log."""

    def __init__(self, spec: IndexSpec) -> None:
        self.spec = spec
        self.engine: SearchEngine | None = None
        self.last_change_id = 0
        self._lock = threading.Lock()

    def rebuild(self, *, save: bool | None = None) -> int:
        """Build from the database (tokenising every record) and, if enabled, save a snapshot."""
        with self._lock:
            # Read the log position first: changes committed while we load are re-applied afterwards.
            last = IndexChange.objects.aggregate(m=Max("id"))["m"] or 0
            records = list(self.spec.queryset().iterator(chunk_size=2000))
            words = sorted({kw for r in records for kw in self.spec.keywords(r)})
            text.add_words(words)
            engine = self.spec.new_engine()
            engine.build(self.spec.document(r) for r in records)
            self.engine, self.last_change_id = engine, last
            if save if save is not None else snapshots_enabled():
                self._save_snapshot(words)
            return len(records)

    # Snapshots: tokenising 100,000 records takes minutes, so every new process (each web worker, each
    # Celery worker) would stall on its first search. `rebuild_search_index` saves the built arrays and
    # the domain dictionary; a process loads them in about a second and catches up from the change log.
    def _snapshot_path(self) -> Path:
        return Path(settings.KEQIAO["SEARCH_SNAPSHOT_DIR"]) / f"{self.spec.kind}.pickle"

    def _save_snapshot(self, words: list[str]) -> None:
        path = self._snapshot_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".tmp")
        with open(tmp, "wb") as fh:
            pickle.dump(
                {
                    "version": _snapshot_version(),
                    "last_change_id": self.last_change_id,
                    "words": words,
                    "state": self.engine._state,
                },
                fh,
                protocol=pickle.HIGHEST_PROTOCOL,
            )
        os.replace(tmp, path)

    def _load_snapshot(self) -> bool:
        path = self._snapshot_path()
        if not path.exists():
            return False
        try:
            with open(path, "rb") as fh:
                data = pickle.load(fh)  # noqa: S301 - written by this application into its own var directory
        except Exception:  # a damaged or foreign file: fall back to a rebuild
            logger.warning("ignoring unreadable search snapshot %s", path)
            return False
        current = IndexChange.objects.aggregate(m=Max("id"))["m"] or 0
        if data.get("version") != _snapshot_version() or data["last_change_id"] > current:
            return False  # another database, or an older format
        text.add_words(data["words"])
        engine = self.spec.new_engine()
        engine._state = data["state"]
        self.engine, self.last_change_id = engine, data["last_change_id"]
        self._catch_up()
        if len(self.engine) != self.spec.queryset().count():
            logger.warning("search snapshot %s disagrees with the database; rebuilding", path)
            self.engine = None
            return False
        return True

    def refresh(self) -> None:
        """Apply committed changes this process has not seen yet (loading or building the index first)."""
        if self.engine is None:
            started = time.perf_counter()
            if snapshots_enabled() and self._load_snapshot():
                logger.info(
                    "%s index loaded from snapshot in %.2fs", self.spec.kind, time.perf_counter() - started
                )
                return
            n = self.rebuild()
            logger.info(
                "%s index built: %d records in %.2fs", self.spec.kind, n, time.perf_counter() - started
            )
            return
        self._catch_up()

    def _catch_up(self) -> None:
        changes = list(
            IndexChange.objects.filter(id__gt=self.last_change_id).values_list("id", "kind", "object_id")
        )
        if not changes:
            return
        with self._lock:
            ids = {object_id for _cid, kind, object_id in changes if kind == self.spec.kind}
            fresh = {r.pk: r for r in self.spec.queryset().filter(pk__in=ids)} if ids else {}
            for pk in ids:
                if pk in fresh:
                    text.add_words(self.spec.keywords(fresh[pk]))
                    self.engine.upsert(self.spec.document(fresh[pk]))
                else:
                    self.engine.delete(pk)
            self.last_change_id = max(self.last_change_id, max(cid for cid, _k, _o in changes))

    def reset(self) -> None:
        self.engine, self.last_change_id = None, 0


# Kept for callers that name the achievement index explicitly.
class AchievementIndex(ListingIndex):
    def __init__(self) -> None:
        super().__init__(ACHIEVEMENT_SPEC)


ACHIEVEMENT_SPEC = IndexSpec(
    kind="achievement",
    queryset=lambda: _published(),
    document=lambda a: achievement_document(a),
    keywords=lambda a: a.keywords,
    facets=FACETS,
    sorts=SORTS,
    sort_options=SORT_OPTIONS,
    field_weights=ACHIEVEMENT_FIELD_WEIGHTS,
    filters=FILTERS,
    secondary_fields=("holder",),
)
_indexes: dict[str, ListingIndex] = {"achievement": ListingIndex(ACHIEVEMENT_SPEC)}


def register(spec: IndexSpec) -> ListingIndex:
    """Register another kind of listing (demands register themselves when their app loads)."""
    _indexes.setdefault(spec.kind, ListingIndex(spec))
    return _indexes[spec.kind]


def get_index(kind: str = "achievement") -> ListingIndex:
    return _indexes[kind]


def all_indexes() -> list[ListingIndex]:
    return list(_indexes.values())


@dataclass(frozen=True)
class Suggestion:
    """A query near one that found nothing, and how many listings it finds (under the same filters)."""

    query: str
    total: int


@dataclass(frozen=True)
class Hint:
    """Advice for a query that found nothing: ``kind`` is "search_in_chinese" (a latin-only query)
    or "clear_filters" (the query finds ``total`` listings without the filters)."""

    kind: str
    total: int = 0

    @property
    def message(self) -> str:
        """In the active language."""
        if self.kind == "search_in_chinese":
            return gettext("Listings are written in Chinese: try your search with Chinese words.")
        return ngettext(
            "Without the filters, %(n)s listing matches.",
            "Without the filters, %(n)s listings match.",
            self.total,
        ) % {"n": self.total}


@dataclass
class SearchPage:
    query: str
    total: int
    ids: list[int]
    scores: dict[int, float]
    facets: dict[str, dict[str, int]]
    terms: list[str]
    filters: dict[str, list[str]] = field(default_factory=dict)
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    suggestions: list[Suggestion] = field(default_factory=list)
    hints: list[Hint] = field(default_factory=list)

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.total / self.per_page))


def search_achievements(query: str = "", **kwargs) -> SearchPage:
    """Search published achievements: Chinese full text, disjunctive facets, sort and pagination."""
    return search_listings("achievement", query, **kwargs)


def search_listings(
    kind: str,
    query: str = "",
    *,
    filters: dict[str, list[str]] | None = None,
    sort: str = "relevance",
    page: int = 1,
    per_page: int = 20,
) -> SearchPage:
    """Search one kind of published listing: Chinese full text, disjunctive facets, sort and pagination."""
    index = get_index(kind)
    index.refresh()
    spec = index.spec
    allowed = set(spec.facets) | set(spec.filters)
    filters = {k: [v for v in vs if v] for k, vs in (filters or {}).items() if k in allowed}
    filters = {k: vs for k, vs in filters.items() if vs}
    if sort not in spec.sort_options:
        sort = "relevance"
    # Without a query there is no relevance: browse newest first.
    engine_sort = "-published" if sort == "relevance" and not query.strip() else sort
    page = max(1, page)
    result = index.engine.search(
        query,
        filters=filters,
        facets=spec.facets,
        sort=engine_sort,
        offset=(page - 1) * per_page,
        limit=per_page,
    )
    suggestions, hints = [], []
    if not result.total and query.strip():
        suggestions, hints = no_result_hints(index.engine, query, filters)
    return SearchPage(
        query=query,
        total=result.total,
        ids=[i for i, _s in result.hits],
        scores=dict(result.hits),
        facets=result.facets,
        terms=result.terms,
        filters=filters,
        sort=sort,
        page=page,
        per_page=per_page,
        suggestions=suggestions,
        hints=hints,
    )


_LATIN = re.compile(r"[a-z]", re.IGNORECASE)


def no_result_hints(
    engine: SearchEngine, query: str, filters: dict[str, list[str]], limit: int = 5
) -> tuple[list[Suggestion], list[Hint]]:
    """For a query that found nothing: when filters are set, how many listings the query finds
    without them; then a latin-only query is told to search in Chinese (unless the filters were the
    reason), and any other gets near-miss queries from the index vocabulary that do find listings
    under the same filters."""
    hints = []
    if filters:
        total = engine.search(query, limit=0).total
        if total:
            hints.append(Hint("clear_filters", total))
    if _LATIN.search(query) and not CJK.search(query):
        return [], hints or [Hint("search_in_chinese")]
    suggestions = []
    for q in engine.suggest(query, limit=2 * limit):
        total = engine.search(q, filters=filters, limit=0).total
        if total:
            suggestions.append(Suggestion(q, total))
            if len(suggestions) >= limit:
                break
    return suggestions, hints
