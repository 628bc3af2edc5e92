"""System checks of the search settings."""

from django.conf import settings
from django.core.checks import Error, register

from .backends import BACKENDS, backend_name


@register()
def search_backend_check(app_configs=None, **kwargs):
    name = backend_name()
    if name not in BACKENDS:
        return [
            Error(
                f"KEQIAO['SEARCH_BACKEND'] is {name!r}.",
                hint=f"Set KEQIAO_SEARCH_BACKEND to one of: {', '.join(BACKENDS)}.",
                id="keqiao_search.E001",
            )
        ]
    engine = settings.DATABASES["default"]["ENGINE"]
    if name == "postgres" and "postgresql" not in engine and "postgis" not in engine:
        return [
            Error(
                f"The 'postgres' search backend needs PostgreSQL as the default database (it is {engine}).",
                hint="Use KEQIAO_SEARCH_BACKEND=memory (the in-process engine), or move to PostgreSQL.",
                id="keqiao_search.E002",
            )
        ]
    return []
