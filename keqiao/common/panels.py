"""Panels that apps above a listing app add to the listing's page (the matches of matching, say),
registered in their AppConfig.ready(), so that the listing app never imports them."""

from collections.abc import Callable

_providers: dict[str, list[Callable]] = {}


def register(kind: str, provider: Callable) -> None:
    """`provider(request, record) -> dict` adds its context to the page of every listing of `kind`."""
    if provider not in _providers.setdefault(kind, []):
        _providers[kind].append(provider)


def context_for(request, kind: str, record) -> dict:
    context: dict = {}
    for provider in _providers.get(kind, []):
        context.update(provider(request, record))
    return context
