"""The interface every search backend offers the rest of the product."""

from collections.abc import Iterable
from typing import Protocol, runtime_checkable

from ..registry import IndexDefinition
from ..results import SearchPage


@runtime_checkable
class SearchBackend(Protocol):
    """Search over one kind of published listing (one :class:`IndexDefinition`).

    Every backend answers from the committed state of the database: before a search it applies the
    ``IndexChange`` rows it has not applied yet, re-reading those listings through the definition
    (public rows only, public fields only). Views and the API then load the listings for the returned
    ids from the database, so a backend returns ids, never content.
    """

    name: str  # "memory", "postgres"
    definition: IndexDefinition

    def search(
        self,
        query: str = "",
        *,
        filters: dict[str, list[str]] | None = None,
        sort: str = "relevance",
        page: int = 1,
        per_page: int = 20,
    ) -> SearchPage:
        """Full text (OR of the query's words, ranked), disjunctive facet counts, filters, sort and one
        page of ids. An empty query browses newest first. Unknown filters and sorts are ignored."""
        ...

    def refresh(self) -> None:
        """Apply the committed changes not applied yet (building the index first if there is none)."""
        ...

    def update(self, object_ids: Iterable[int]) -> None:
        """Re-read these listings: public ones are (re)indexed, the others removed."""
        ...

    def remove(self, object_ids: Iterable[int]) -> None:
        """Remove these listings from the index."""
        ...

    def rebuild(self) -> int:
        """Index every public listing from the database; returns how many. Saves a snapshot where the
        backend keeps one."""
        ...

    def count(self) -> int:
        """Number of indexed listings."""
        ...

    def warm_up(self) -> bool:
        """Prepare this process to answer without a long first request (load a snapshot, the Chinese
        domain dictionary); never builds. True when ready."""
        ...

    def reset(self) -> None:
        """Forget what this process holds (the index is rebuilt or reloaded on next use)."""
        ...
