"""Every URL of the platform × every persona, against a declared table of expected statuses.

The URL patterns come from the resolver (recursively), the API operations from the OpenAPI document, and
the admin site's patterns form one group. A pattern or an operation without an entry in the tables below
fails `test_every_url_has_an_entry`, naming it: a new URL is added here with who may reach it.

Each persona is a real account of the demo data (matrix_world.py) with CSRF checks on. Pages are asked
with GET; write endpoints with a POST carrying a valid CSRF token and an empty (or minimal) body, and
every page once with a POST without a token, which must be refused. Requests are rolled back, so the
personas see the same world. The statuses: 200 shown, 302 sent on (anonymous visitors to the sign-in
page), 400 a form with errors, 403 refused, 404 not found (private records are not revealed), 405 wrong
method; the API answers anonymous callers 401 and invalid bodies 422.
"""

import re

import pytest
from django.db import transaction
from django.urls import reverse

from keqiao.matching.index import get_match_index
from keqiao.search.index import all_indexes

from . import matrix_harness as harness
from .matrix_cases import API_BODIES, API_QUERY, PAGE_ARGS, POST, QUERY, api_params
from .matrix_tables import ADMIN, ADMIN_NO_ADD, ADMIN_NO_DELETE, API, PAGES
from .matrix_world import MARKER_READERS, PERSONAS, PRIVATE_MARKERS, build_world

pytestmark = pytest.mark.django_db


def _reset_indexes():
    for index in [*all_indexes(), get_match_index()]:
        index.reset()


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo world, built once for the module inside a transaction that is rolled back at its end."""
    media = tmp_path_factory.mktemp("matrix-media")
    with django_db_blocker.unblock():
        _reset_indexes()
        with transaction.atomic():
            world = build_world(media)
            world.media = media
            yield world
            transaction.set_rollback(True)
        _reset_indexes()


@pytest.fixture(autouse=True)
def _fresh_search_index():
    """Replaces the suite's per-test reset: the module's indexes follow its one world (reset above)."""
    yield


@pytest.fixture(autouse=True)
def _world_media(world, settings):
    settings.MEDIA_ROOT = world.media


def _personas(world) -> dict[str, harness.Persona]:
    return {name: harness.Persona(name, world.users[name]) for name in PERSONAS}


def _mismatches(label: str, expected: dict, got: dict) -> list[str]:
    return [
        f"{label} {persona}: expected {expected[persona]}, got {got[persona]}"
        for persona in PERSONAS
        if got[persona] not in _allowed(expected[persona])
    ]


def _leaks(label: str, personas: dict) -> list[str]:
    """Private markers of the world found in what a persona who may not read them received."""
    found = []
    for owner, markers in PRIVATE_MARKERS.items():
        for name, persona in personas.items():
            if name in MARKER_READERS[owner]:
                continue
            body = persona.last_body.decode("utf-8", "replace")
            found += [
                f"LEAK {label} {name}: {m!r}"
                for m in markers
                if m in body or m.encode("unicode_escape").decode() in body
            ]
    return found


def _allowed(status) -> tuple:
    return status if isinstance(status, tuple) else (status,)  # a few outcomes accept two statuses


ROUTES = harness.routes()
PAGE_ROUTES = [r for r in ROUTES if r.namespaces[:1] not in (("admin",), ("api",))]
API_ROUTES = [r for r in ROUTES if r.namespaces[:1] == ("api",)]
ADMIN_ROUTES = [r for r in ROUTES if r.namespaces[:1] == ("admin",)]
ADMIN_MOUNT = next(r.route for r in ADMIN_ROUTES if r.key == "admin:index")  # wherever the admin is mounted
OPERATIONS = harness.api_operations()
API_PAGES = {"api:openapi-json", "api:openapi-view", "api:api-root"}


def test_every_url_has_an_entry():
    """A URL pattern or API operation without a declared expectation fails here, by name."""
    missing = [f"URL pattern {r.key!r} ({r.route})" for r in PAGE_ROUTES if r.key not in PAGES]
    operation_paths = {op.path for op in OPERATIONS}
    for r in API_ROUTES:
        if r.key in API_PAGES:
            missing += [f"API page {r.key!r}"] if r.key not in PAGES else []
        elif harness.openapi_path(r.route) not in operation_paths:
            missing.append(f"API route {r.route} is not in the OpenAPI document")
    missing += [
        f"API operation {op.operation_id!r} ({op.method} {op.path})"
        for op in OPERATIONS
        if op.operation_id not in API
    ]
    missing += [f"admin pattern {r.key!r} ({r.route})" for r in ADMIN_ROUTES if _admin_kind(r) is None]
    assert not missing, "No entry in keqiao/portal/tests/matrix_tables.py for:\n" + "\n".join(missing)

    names = {r.key for r in PAGE_ROUTES} | API_PAGES
    stale = [k for k in PAGES if k not in names] + [
        k for k in API if k not in {op.operation_id for op in OPERATIONS}
    ]
    assert not stale, f"Entries for URLs that no longer exist: {stale}"
    for key, entry in PAGES.items():
        assert set(entry) == set(PAGE_ARGS.get(key, {"": None})), f"{key}: cases differ from matrix_cases"


def _page_url(key: str, kwargs: dict) -> str:
    query = kwargs.pop(QUERY, "")
    kwargs.pop(POST, None)
    return reverse(key, kwargs=kwargs) + (f"?{query}" if query else "")


@pytest.mark.parametrize("key", sorted(k for k in PAGES if k not in API_PAGES))
def test_page(world, key):
    personas = _personas(world)
    problems = []
    for case, expected in PAGES[key].items():
        kwargs = PAGE_ARGS.get(key, {"": lambda w: {}})[case](world)
        body = kwargs.get(POST, {})
        url = _page_url(key, dict(kwargs))
        label = f"{key}[{case}] {url}"
        got = {}
        for name, p in personas.items():
            got[name] = p.get(url)
            problems += _leaks(f"GET {label}", {name: p})
        problems += _mismatches(f"GET {label}", expected["GET"], got)
        if "POST" in expected:
            personas = _personas(world)  # a POST may sign a persona out (logout) or change its language
            got = {name: p.send("POST", url, data=body) for name, p in personas.items()}
            problems += _mismatches(f"POST {label}", expected["POST"], got)
            personas = _personas(world)
        # CSRF: a POST without the token is refused before any view runs (healthz takes no POST at all).
        refused = personas["university"].send("POST", url, token=False, data=body)
        if refused != (405 if key == "portal:healthz" else 403):
            problems.append(f"POST without CSRF token {label}: got {refused}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("key", sorted(API_PAGES))
def test_api_page(world, key):
    personas = _personas(world)
    url = reverse(key)
    got = {name: p.get(url) for name, p in personas.items()}
    problems = _mismatches(f"GET {url}", PAGES[key][""]["GET"], got)
    assert not problems, "\n".join(problems)


def _operation_url(op: harness.Operation, world) -> str:
    params = api_params(op.path, world)
    url = re.sub(r"{(\w+)}", lambda m: str(params[m.group(1)]), op.path)
    return url + (f"?{API_QUERY[op.operation_id](world)}" if op.operation_id in API_QUERY else "")


@pytest.mark.parametrize("op", OPERATIONS, ids=[op.operation_id for op in OPERATIONS])
def test_api_operation(world, op):
    personas = _personas(world)
    url = _operation_url(op, world)
    encoding, body = API_BODIES.get(op.operation_id, ("json", {}))
    expected = API[op.operation_id]

    def write(persona, token=True):
        return persona.send(op.method, url, token=token, data=body, json_body=encoding == "json")

    leaks = []
    if op.method == "GET":
        got = {}
        for name, p in personas.items():
            got[name] = p.get(url)
            leaks += _leaks(f"GET {url}", {name: p})
    else:
        got = {name: write(p) for name, p in personas.items()}
    problems = leaks + _mismatches(f"{op.method} {url}", expected, got)
    if op.method != "GET" and expected["anonymous"] == 401:
        # A session-authenticated write without the CSRF token is refused, whatever its body.
        refused = write(personas["university"], token=False)
        if refused != 403:
            problems.append(f"{op.method} {url} without CSRF token: got {refused}")
    assert not problems, "\n".join(problems)


def _admin_kind(route: harness.Route) -> str | None:
    """The ADMIN entry of an admin pattern: its own name, the kind of a model page, or its shape."""
    if route.key in ADMIN:
        return route.key
    if route.key.startswith("admin:"):
        suffix = route.key.rsplit("_", 1)[-1]
        return suffix if suffix in ADMIN else None
    if route.route.endswith("<path:object_id>/"):
        return "object"
    if route.route.endswith("(?P<url>.*)$"):
        return "catch_all"
    return None


def test_admin(world):
    """The admin site, one group: staff see every page; everybody else is sent to the admin's sign-in."""
    personas = _personas(world)
    # the index sends on to the admin's sign-in, which sends to the platform's (with two-factor sign-in);
    # a signed-in non-staff user is sent to the workbench from there
    signin = (
        reverse("admin:login"),
        reverse("admin:index"),
        reverse("accounts:login"),
        reverse("portal:workbench"),
    )
    problems = []
    for route, url, has_row in harness.admin_urls(ADMIN_ROUTES):
        kind = _admin_kind(route)
        expected = dict(ADMIN[kind])
        model = ".".join(route.route[len(ADMIN_MOUNT) :].split("/")[:2])
        if not has_row and kind in ("change", "history", "delete"):
            expected["staff"] = 302  # no such row: back to the list with a message
        elif (kind == "add" and model in ADMIN_NO_ADD) or (kind == "delete" and model in ADMIN_NO_DELETE):
            expected["staff"] = 403
        for name, persona in personas.items():
            response = persona.client.get(url)
            want = expected["staff"] if name == "admin" else expected["others"]
            if response.status_code != want:
                problems.append(f"GET {url} {name}: expected {want}, got {response.status_code}")
            elif (
                name != "admin"
                and response.status_code == 302
                and response["Location"].split("?")[0] not in signin
            ):
                problems.append(f"GET {url} {name}: sent to {response['Location']}, not the admin sign-in")
    assert not problems, "\n".join(problems)
