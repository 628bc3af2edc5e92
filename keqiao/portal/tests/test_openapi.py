"""The published API does not change by accident: the OpenAPI document is pinned.

When an API change is intended, regenerate the pinned copy and review the diff:

    DJANGO_SETTINGS_MODULE=config.settings.test python -c "import django, json; django.setup(); \
from keqiao.api import api; print(json.dumps(api.get_openapi_schema(), sort_keys=True, indent=1, \
ensure_ascii=False, default=str))" > keqiao/portal/tests/openapi.json
"""

import json
from pathlib import Path

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
