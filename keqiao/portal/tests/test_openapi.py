"""The published API does not change by accident: the OpenAPI document is pinned.

When an API change is intended, regenerate the pinned copy and review the diff:

    DJANGO_SETTINGS_MODULE=config.settings.test python -c "import django, json; django.setup(); \
from keqiao.api import api; print(json.dumps(api.get_openapi_schema(), sort_keys=True, indent=1, \
ensure_ascii=False, default=str))" > keqiao/portal/tests/openapi.json
"""

import json
import sys
from pathlib import Path

import pytest
from ninja import Schema

from keqiao.api import api

PINNED = Path(__file__).with_name("openapi.json")


def test_openapi_document_is_the_pinned_one():
    current = json.loads(
        json.dumps(api.get_openapi_schema(), sort_keys=True, ensure_ascii=False, default=str)
    )
    pinned = json.loads(PINNED.read_text(encoding="utf-8"))
    changed = sorted(
        path
        for path in set(current["paths"]) | set(pinned["paths"])
        if current["paths"].get(path) != pinned["paths"].get(path)
    )
    assert not changed, f"API operations changed: {changed}"
    assert current == pinned


def _resolve(schema: dict, document: dict) -> dict:
    while "$ref" in schema:
        node = document
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        schema = node
    return schema


def _objects(schema: dict, document: dict, path: str, seen: set):
    """Every object schema reachable from `schema` (properties, items, unions, maps), with its path."""
    if "$ref" in schema:
        if schema["$ref"] in seen:
            return
        seen = seen | {schema["$ref"]}
    schema = _resolve(schema, document)
    if "properties" in schema:
        yield path, schema
        for name, sub in schema["properties"].items():
            yield from _objects(sub, document, f"{path}.{name}", seen)
    for key in ("anyOf", "oneOf", "allOf"):
        for sub in schema.get(key, []):
            yield from _objects(sub, document, path, seen)
    if isinstance(schema.get("items"), dict):
        yield from _objects(schema["items"], document, f"{path}[]", seen)
    if isinstance(schema.get("additionalProperties"), dict):
        yield from _objects(schema["additionalProperties"], document, f"{path}{{}}", seen)


def _input_schemas():
    document = api.get_openapi_schema()
    for path, item in document["paths"].items():
        for method, operation in item.items():
            content = operation.get("requestBody", {}).get("content", {})
            for media, body in content.items():
                yield pytest.param(document, body["schema"], id=f"{method.upper()} {path} {media}")


@pytest.mark.parametrize(("document", "schema"), _input_schemas())
def test_every_request_body_refuses_unknown_keys(document, schema):
    """Generated from the OpenAPI document: a new endpoint whose body ignores unknown keys fails here."""
    lax = [
        path
        for path, obj in _objects(schema, document, "body", set())
        if obj.get("additionalProperties") is not False
    ]
    assert not lax, f"objects that accept unknown keys: {lax}"


def test_every_schema_name_names_one_schema():
    """The document names each schema by its class name: two classes of one name made one of them
    describe the other's operations (the supervision tasks were documented with the plans' task rows)."""
    names: dict[str, set] = {}
    for module in list(sys.modules.values()):
        name = getattr(module, "__name__", "")
        if not (name.startswith("keqiao.") and name.rsplit(".", 1)[-1] in ("api", "schemas")):
            continue
        for obj in vars(module).values():
            if isinstance(obj, type) and issubclass(obj, Schema) and obj.__module__ == name:
                names.setdefault(obj.__name__, set()).add(name)
    assert {n: sorted(m) for n, m in names.items() if len(m) > 1} == {}
