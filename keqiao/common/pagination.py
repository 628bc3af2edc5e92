"""Pagination that tolerates bad page numbers (falls back to the nearest valid page)."""

from django.core.paginator import Paginator


def paginate(request, queryset, per_page: int):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))
