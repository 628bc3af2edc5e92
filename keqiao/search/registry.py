"""Index definitions: what each kind of listing contributes to search.

The listing apps register their definitions when they load (``AppConfig.ready``), so the search app
knows nothing about achievements or demands: a definition says which rows are public, how a row becomes
a document (public fields only), and which fields, facets, filters and sorts its search offers.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import QuerySet

from .engine import Document, Expansion, SearchEngine

FIELD_WEIGHTS = {"title": 3.0, "keywords": 2.0, "body": 1.0}
# One- and two-character Chinese query terms also match the words that contain them (竹 -> 竹炭).
EXPANSION = Expansion()


@dataclass(frozen=True)
class IndexDefinition:
    """One kind of listing in search: its public rows, their documents and what can be asked of them.

    ``queryset`` returns exactly the rows that may be found (published ones); ``document`` turns one
    of them into a :class:`Document` of public fields only; ``keywords`` gives the row's keywords, which
    join the Chinese segmentation dictionary so technical terms stay whole.
    """

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


_definitions: dict[str, IndexDefinition] = {}


def register(definition: IndexDefinition) -> IndexDefinition:
    """Register a kind of listing (its app calls this in ``ready()``); registering a kind again keeps
    the first definition."""
    return _definitions.setdefault(definition.kind, definition)


def get_definition(kind: str) -> IndexDefinition:
    try:
        return _definitions[kind]
    except KeyError:
        raise LookupError(f"no search index is registered for {kind!r}") from None


def definitions() -> list[IndexDefinition]:
    return list(_definitions.values())
