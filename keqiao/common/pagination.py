"""Pagination that tolerates bad page numbers (falls back to the nearest valid page)."""

from django.core.paginator import Paginator

# The largest `offset` an API list accepts: beyond any real list, and well inside a 64-bit integer
# (larger values reached the database and failed there).
MAX_OFFSET = 10_000_000


def paginate(request, queryset, per_page: int):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))
