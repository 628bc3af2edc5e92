"""The backend setting, its system check, the registry and the rebuild command."""

import ast
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from keqiao.search import registry
from keqiao.search.backends import get_backend
from keqiao.search.checks import search_backend_check

SEARCH_APP = Path(__file__).resolve().parents[1]
LISTING_APPS = (
    "keqiao.achievements",
    "keqiao.demands",
    "keqiao.matching",
    "keqiao.deals",
    "keqiao.governance",
)


def test_default_backend_is_the_in_process_engine(settings):
    settings.KEQIAO = {k: v for k, v in settings.KEQIAO.items() if k != "SEARCH_BACKEND"}
    assert get_backend("achievement").name == "memory"
    assert get_backend("demand").name == "memory"


def test_check_refuses_an_unknown_backend(settings):
    settings.KEQIAO = {**settings.KEQIAO, "SEARCH_BACKEND": "elastic"}
    assert [e.id for e in search_backend_check()] == ["keqiao_search.E001"]


def test_check_refuses_postgres_without_postgresql(settings):
    settings.KEQIAO = {**settings.KEQIAO, "SEARCH_BACKEND": "postgres"}
    expected = [] if connection.vendor == "postgresql" else ["keqiao_search.E002"]
    assert [e.id for e in search_backend_check()] == expected
    settings.KEQIAO = {**settings.KEQIAO, "SEARCH_BACKEND": "memory"}
    assert search_backend_check() == []


def test_listing_apps_register_their_indexes():
    kinds = {d.kind for d in registry.definitions()}
    assert {"achievement", "demand"} <= kinds
    with pytest.raises(LookupError):
        registry.get_definition("unknown")


def test_the_search_app_imports_no_listing_app():
    """Listing apps register with search, never the other way round (the measurement commands, which
    import and create achievements, live in the portal)."""
    files = [p for p in SEARCH_APP.rglob("*.py") if "tests" not in p.parts and "migrations" not in p.parts]
    offending = []
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module]
            offending += [f"{path.name}: {n}" for n in names if n.startswith(LISTING_APPS)]
    assert offending == []


@pytest.mark.django_db
def test_rebuild_command_rebuilds_search_and_the_matcher(make_achievement):
    make_achievement("published")
    out = io.StringIO()
    call_command("rebuild_search_index", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("Indexed 1 published achievement records in ")
    assert lines[1].startswith("Indexed 0 published demand records in ")
    assert lines[2].startswith("Matcher ready with 1 listings in ")
