"""Signals of the search app."""

from django.dispatch import Signal

# Sent by `manage.py rebuild_search_index` after the search indexes are rebuilt, with ``force`` (bool)
# and ``stdout`` (the command's output stream), so other indexes (the matcher) can rebuild along.
search_index_rebuilt = Signal()
