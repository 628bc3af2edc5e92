"""The in-process backend: a BM25F engine per process, kept current from the IndexChange log."""

from collections.abc import Iterable

from keqiao.common import text

from ..index import ListingIndex, get_index, no_result_hints, snapshots_enabled
from ..registry import IndexDefinition
from ..results import SearchPage, clean_request


class MemoryBackend:
    """Each process holds the whole index in memory (``keqiao.search.index.ListingIndex``), built on
    first use or loaded from the snapshot ``rebuild_search_index`` saves."""

    name = "memory"

    def __init__(self, definition: IndexDefinition) -> None:
        self.definition = definition

    @property
    def index(self) -> ListingIndex:
        return get_index(self.definition.kind)

    def search(
        self,
        query: str = "",
        *,
        filters: dict[str, list[str]] | None = None,
        sort: str = "relevance",
        page: int = 1,
        per_page: int = 20,
    ) -> SearchPage:
        index = self.index
        index.refresh()
        d = self.definition
        req = clean_request(d, query, filters, sort, page, per_page)
        engine = index.engine
        result = engine.search(
            query, filters=req.filters, facets=d.facets, sort=req.order, offset=req.offset, limit=per_page
        )
        suggestions, hints = [], []
        if not result.total and query.strip():
            suggestions, hints = no_result_hints(engine, query, req.filters)
        return SearchPage(
            query=query,
            total=result.total,
            ids=[i for i, _s in result.hits],
            scores=dict(result.hits),
            facets=result.facets,
            terms=result.terms,
            filters=req.filters,
            sort=req.sort,
            page=req.page,
            per_page=per_page,
            suggestions=suggestions,
            hints=hints,
        )

    def refresh(self) -> None:
        self.index.refresh()

    def update(self, object_ids: Iterable[int]) -> None:
        index = self.index
        index.refresh()
        ids = set(object_ids)
        fresh = {r.pk: r for r in self.definition.queryset().filter(pk__in=ids)}
        for pk in ids:
            if pk in fresh:
                text.add_words(self.definition.keywords(fresh[pk]))
                index.engine.upsert(self.definition.document(fresh[pk]))
            else:
                index.engine.delete(pk)

    def remove(self, object_ids: Iterable[int]) -> None:
        index = self.index
        index.refresh()
        for pk in set(object_ids):
            index.engine.delete(pk)

    def rebuild(self, *, save: bool | None = None) -> int:
        return self.index.rebuild(save=save)

    def count(self) -> int:
        index = self.index
        index.refresh()
        return len(index.engine)

    def warm_up(self) -> bool:
        index = self.index
        return index.engine is not None or (snapshots_enabled() and index._load_snapshot())

    def reset(self) -> None:
        self.index.reset()
