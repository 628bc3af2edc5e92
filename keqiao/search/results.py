"""What a search returns, whichever backend answers it."""

import math
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext, ngettext

from .engine import CJK
from .registry import IndexDefinition

_LATIN = re.compile(r"[a-z]", re.IGNORECASE)


def latin_only(query: str) -> bool:
    return bool(_LATIN.search(query)) and not CJK.search(query)


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


@dataclass(frozen=True)
class SearchRequest:
    """A search request cleaned against a definition: unknown filters and empty values dropped, an
    unknown sort replaced by relevance, browsing without a query sorted newest first."""

    query: str
    filters: dict[str, list[str]]
    sort: str  # as asked (after cleaning), echoed in the page
    order: str  # what the backend sorts by
    page: int
    per_page: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def clean_request(
    definition: IndexDefinition,
    query: str,
    filters: dict[str, list[str]] | None,
    sort: str,
    page: int,
    per_page: int,
) -> SearchRequest:
    allowed = set(definition.facets) | set(definition.filters)
    cleaned = {k: [v for v in vs if v] for k, vs in (filters or {}).items() if k in allowed}
    cleaned = {k: vs for k, vs in cleaned.items() if vs}
    if sort not in definition.sort_options:
        sort = "relevance"
    # Without a query there is no relevance: browse newest first.
    order = "-published" if sort == "relevance" and not query.strip() else sort
    return SearchRequest(query, cleaned, sort, order, max(1, page), per_page)
