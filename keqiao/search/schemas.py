"""API schemas shared by the listing searches (achievements, demands)."""

from ninja import Field, Schema


class SuggestionOut(Schema):
    """A query near one that found nothing, and how many results it finds with the same filters."""

    q: str = Field(..., alias="query")
    total: int


class HintOut(Schema):
    """Advice for a query that found nothing: kind "search_in_chinese" (a latin-only query) or
    "clear_filters" (the query finds results without the filters)."""

    kind: str
    message: str


class ErrorOut(Schema):
    detail: str


SUGGESTIONS_DESCRIPTION = (
    "When nothing was found: near-miss queries from the index vocabulary that find results"
)
HINTS_DESCRIPTION = (
    "When nothing was found: advice, in the interface language (Chinese unless chosen otherwise)"
)
