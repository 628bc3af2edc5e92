"""Pagination that tolerates bad page numbers (falls back to the nearest valid page), and the window of
numbered links that every paginated list shows (first, last, and the pages around the current one)."""

from django.core.paginator import Paginator

# The largest `offset` an API list accepts: beyond any real list, and well inside a 64-bit integer
# (larger values reached the database and failed there).
MAX_OFFSET = 10_000_000

# How many pages either side of the current one get their own link.
WINDOW_RADIUS = 2


def paginate(request, queryset, per_page: int):
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))


def page_window(number: int, num_pages: int, radius: int = WINDOW_RADIUS) -> list[int | None]:
    """The page numbers to link, in order, with None where a run of pages is left out.

    Always the first and the last page, and ``radius`` pages either side of ``number``; a gap of a
    single page is shown as that page rather than as an ellipsis. ``page_window(7, 137)`` is
    ``[1, None, 5, 6, 7, 8, 9, None, 137]``."""
    if num_pages < 1:
        return []
    number = min(max(number, 1), num_pages)
    shown = {1, num_pages, *range(max(1, number - radius), min(num_pages, number + radius) + 1)}
    window: list[int | None] = []
    previous = 0
    for page in sorted(shown):
        if page - previous == 2:
            window.append(page - 1)
        elif page - previous > 2:
            window.append(None)
        window.append(page)
        previous = page
    return window
