"""Search backends, chosen by ``KEQIAO["SEARCH_BACKEND"]``.

* ``"memory"`` (default): the in-process BM25F engine, one index per process (``keqiao.search.index``);
  works on SQLite and PostgreSQL.
* ``"postgres"``: PostgreSQL full-text search over a table of public documents (PostgreSQL only).

The product reaches search only through :func:`get_backend` (or ``search_listings`` /
``search_achievements``, which call it); see :class:`SearchBackend` for the interface and
docs/decisions/0006-search-backends.md for when to choose which.
"""

import threading

from django.conf import settings

from ..registry import definitions, get_definition
from .base import SearchBackend
from .postgres import PostgresBackend

__all__ = ["BACKENDS", "SearchBackend", "all_backends", "backend_name", "get_backend"]

BACKENDS = ("memory", "postgres")
DEFAULT = "memory"

_backends: dict[tuple[str, str], SearchBackend] = {}
_lock = threading.Lock()


def backend_name() -> str:
    return settings.KEQIAO.get("SEARCH_BACKEND") or DEFAULT


def _create(name: str, kind: str) -> SearchBackend:
    definition = get_definition(kind)
    if name == "memory":
        # import cycle: memory imports search.index, which imports this package
        from .memory import MemoryBackend

        return MemoryBackend(definition)
    if name == "postgres":
        return PostgresBackend(definition)
    raise ValueError(f"unknown search backend {name!r} (choose one of {', '.join(BACKENDS)})")


def get_backend(kind: str = "achievement", name: str | None = None) -> SearchBackend:
    """The search backend of ``kind`` ("achievement", "demand"): the configured one unless ``name``
    says otherwise. One instance per process, backend and kind."""
    name = name or backend_name()
    backend = _backends.get((name, kind))
    if backend is None:
        created = _create(name, kind)
        with _lock:
            backend = _backends.setdefault((name, kind), created)
    return backend


def all_backends(name: str | None = None) -> list[SearchBackend]:
    """The backend of every registered kind of listing."""
    return [get_backend(d.kind, name) for d in definitions()]
