"""The registry of notification kinds: each app registers its own, notify() refuses any other."""

import ast
from pathlib import Path

import pytest
from django.utils import translation

from keqiao.notifications import kinds
from keqiao.notifications.models import Notification
from keqiao.notifications.services import notify

KEQIAO = Path(__file__).resolve().parents[2]

# The kinds stored before the registry (matching's migration 0003 listed them as choices): their
# stored values and labels (the msgids already translated) must not change.
STORED_BEFORE = {
    "new_match": "New match",
    "recommendation": "Recommendation from a broker",
    "recommendation_outcome": "Outcome of your recommendation",
    "deal": "Negotiation",
    "contract": "Technology contract",
    "annual_report": "Annual report",
    "supervision": "Task supervision",
}


def test_every_kind_stored_so_far_is_registered_with_its_label():
    with translation.override(None):
        assert {verb: str(kinds.label(verb)) for verb in STORED_BEFORE} == STORED_BEFORE
    with translation.override("zh-hans"):
        assert str(kinds.label("deal")) == "洽谈"


@pytest.mark.django_db
def test_notify_refuses_an_unregistered_verb(owner):
    with pytest.raises(kinds.UnknownKind):
        notify({owner.pk: ("", None)}, verb="no_such_kind", title="x", url="/", key="k")
    assert not Notification.objects.exists()


def test_register_refuses_a_second_meaning_for_a_verb():
    assert kinds.register("deal", "Negotiation") == "deal"  # the same again is harmless
    with pytest.raises(ValueError, match="already registered"):
        kinds.register("deal", "Something else")
    with pytest.raises(ValueError):
        kinds.register("x" * 31, "Too long")


def test_a_verb_no_longer_registered_shows_as_stored():
    assert kinds.label("gone_app_kind") == "gone_app_kind"
    assert Notification(verb="gone_app_kind").get_verb_display() == "gone_app_kind"


def _sources():
    for path in sorted(KEQIAO.rglob("*.py")):
        if "migrations" in path.parts or "tests" in path.parts:
            continue
        yield path, ast.parse(path.read_text(encoding="utf-8"))


def test_every_verb_used_in_code_is_registered():
    """Each `verb=` given to a call is a registered kind: a string, a module constant holding one, or a
    constant imported from an app's notification_kinds module (whose value register() returned)."""
    used, unresolved = set(), []
    for path, tree in _sources():
        constants = {
            target.id: node.value.value
            for node in tree.body
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
            for target in node.targets
            if isinstance(target, ast.Name) and isinstance(node.value.value, str)
        }
        imported_kinds = {
            alias.asname or alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and (node.module or "").endswith("notification_kinds")
            for alias in node.names
        }
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            for keyword in node.keywords:
                if keyword.arg != "verb":
                    continue
                value = keyword.value
                where = f"{path.relative_to(KEQIAO)}:{node.lineno}"
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    used.add(value.value)
                elif isinstance(value, ast.Name) and value.id in constants:
                    used.add(constants[value.id])
                elif isinstance(value, ast.Name) and value.id in imported_kinds:
                    continue
                elif path.parent.name == "notifications":
                    continue  # the notifications app passes on what it is given
                else:
                    unresolved.append(where)
    assert not unresolved, f"verbs the test cannot check: {unresolved}"
    assert used, "the scan found no verb at all"
    assert not {verb for verb in used if not kinds.is_registered(verb)}


def test_each_app_registers_its_own_kinds():
    owners = {}
    for path in KEQIAO.glob("*/notification_kinds.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "register":
                owners[node.args[0].value] = path.parent.name
    assert {verb: owners.get(verb) for verb in STORED_BEFORE} == {
        "new_match": "matching",
        "recommendation": "matching",
        "recommendation_outcome": "matching",
        "deal": "negotiations",
        "contract": "contracts",
        "annual_report": "annualreports",
        "supervision": "supervision",
    }
    assert set(owners) == {kind.verb for kind in kinds.registered()}


def _imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
    return {m for m in modules if m.startswith("keqiao")}


def test_notifications_import_only_the_floors_below():
    allowed = ("keqiao.common", "keqiao.accounts", "keqiao.notifications")
    for path in (KEQIAO / "notifications").rglob("*.py"):
        if "tests" in path.parts:
            continue
        above = {m for m in _imported_modules(path) if not m.startswith(allowed)}
        assert not above, f"{path.relative_to(KEQIAO)} imports {above}"
    assert _imported_modules(KEQIAO / "common" / "emails.py") == set()
