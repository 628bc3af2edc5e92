"""The in-process index of one kind of listing: Django glue between the database and the engine.

This is the "memory" search backend's state (see :mod:`keqiao.search.backends`). What is indexed comes
from the index definitions the listing apps register (:mod:`keqiao.search.registry`).

Consistency: services write an IndexChange row in the same transaction as every change to a published
listing. Before answering, the index applies the rows it has not seen yet (one indexed query), so each
process — web workers, Celery workers — answers from the committed state without a message bus.
"""

import logging
import os
import pickle  # nosec B403  # snapshots the app wrote itself, in its own directory
import threading
import time
from pathlib import Path

from django.conf import settings
from django.db.models import Max

from keqiao.common import snapshots, text

from . import engine as engine_module
from .backends import get_backend
from .engine import SearchEngine
from .models import IndexChange
from .registry import EXPANSION, FIELD_WEIGHTS, IndexDefinition, definitions, get_definition
from .registry import register as register_definition
from .results import Hint, SearchPage, Suggestion, latin_only

__all__ = [
    "EXPANSION",
    "FIELD_WEIGHTS",
    "Hint",
    "IndexSpec",
    "ListingIndex",
    "SearchPage",
    "Suggestion",
    "all_indexes",
    "get_index",
    "no_result_hints",
    "search_achievements",
    "search_listings",
    "snapshots_enabled",
]

# The former name of an index definition.
IndexSpec = IndexDefinition

logger = logging.getLogger(__name__)


def _snapshot_version() -> str:
    return snapshots.code_version(engine_module)


def snapshots_enabled() -> bool:
    return bool(settings.KEQIAO.get("SEARCH_SNAPSHOT_DIR"))


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
                data = pickle.load(fh)  # noqa: S301 - written by this application into its own var directory  # nosec B301  # snapshots the app wrote itself, in its own directory
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
        self._apply(changes)

    def apply_changes(self, changes: list[tuple[int, str, int]], *, since: int) -> None:
        """Apply change-log rows (id, kind, object id) that another reader of the log (the matcher) has
        read: every row after ``since``. Saves this index its own read of the log; when it is not loaded
        yet or is behind ``since``, it reads the log itself."""
        if self.engine is None or self.last_change_id < since:
            self.refresh()
            return
        self._apply([c for c in changes if c[0] > self.last_change_id])

    def _apply(self, changes: list[tuple[int, str, int]]) -> None:
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


_indexes: dict[str, ListingIndex] = {}
_indexes_lock = threading.Lock()


def register(definition: IndexDefinition) -> ListingIndex:
    """Register a kind of listing (kept for callers of the former interface)."""
    return get_index(register_definition(definition).kind)


def get_index(kind: str = "achievement") -> ListingIndex:
    """This process's in-memory index of ``kind`` (created empty; built or loaded on first refresh)."""
    index = _indexes.get(kind)
    if index is None:
        definition = get_definition(kind)
        with _indexes_lock:
            index = _indexes.setdefault(kind, ListingIndex(definition))
    return index


def all_indexes() -> list[ListingIndex]:
    return [get_index(d.kind) for d in definitions()]


def search_achievements(query: str = "", **kwargs) -> SearchPage:
    """Search published achievements through the configured backend."""
    return search_listings("achievement", query, **kwargs)


def search_listings(kind: str, query: str = "", **kwargs) -> SearchPage:
    """Search one kind of published listing through the configured backend
    (``get_backend(kind).search(...)``): Chinese full text, disjunctive facets, sort and pagination."""
    return get_backend(kind).search(query, **kwargs)


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
    if latin_only(query):
        return [], hints or [Hint("search_in_chinese")]
    suggestions = []
    for q in engine.suggest(query, limit=2 * limit):
        total = engine.search(q, filters=filters, limit=0).total
        if total:
            suggestions.append(Suggestion(q, total))
            if len(suggestions) >= limit:
                break
    return suggestions, hints
