"""Walking the URL configuration and asking each persona, for the URL permission matrix.

`routes()` lists every URL pattern of the resolver (recursively), `api_operations()` every operation of
the JSON API's OpenAPI document, `admin_urls()` a concrete URL for each pattern of the admin site.
`Persona` is a signed-in test client with CSRF checks on, able to post with or without a valid token.
"""

import json
import re
from dataclasses import dataclass

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.crypto import get_random_string

from keqiao.achievements.models import Achievement
from keqiao.api import api


@dataclass(frozen=True)
class Route:
    key: str  # "namespace:name", or the route itself for an unnamed pattern
    route: str  # the full route, e.g. "achievements/<int:pk>/"
    namespaces: tuple[str, ...]
    pattern: URLPattern


def routes() -> list[Route]:
    found: list[Route] = []

    def walk(resolver: URLResolver, prefix: str, namespaces: tuple[str, ...]) -> None:
        for entry in resolver.url_patterns:
            route = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                walk(entry, route, (*namespaces, entry.namespace) if entry.namespace else namespaces)
            else:
                key = ":".join([*namespaces, entry.name]) if entry.name else route
                found.append(Route(key, route, namespaces, entry))

    walk(get_resolver(), "", ())
    return found


def openapi_path(route: str) -> str:
    """The OpenAPI path of a ninja route: "api/v1/deals/<deal_id>" -> "/api/v1/deals/{deal_id}"."""
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)


@dataclass(frozen=True)
class Operation:
    operation_id: str
    method: str  # upper case
    path: str  # "/api/v1/deals/{deal_id}"


def api_operations() -> list[Operation]:
    schema = api.get_openapi_schema()
    return [
        Operation(op["operationId"], method.upper(), path)
        for path, methods in schema["paths"].items()
        for method, op in methods.items()
    ]


def admin_urls(admin_routes: list[Route]) -> list[tuple[Route, str, bool]]:
    """(route, concrete URL, whether it names an existing row) for every pattern of the admin site, with
    the id of a real row of the model the pattern belongs to where the model has one."""
    prefix = reverse("admin:index")
    mount = next(r.route for r in admin_routes if r.key == "admin:index")
    rows = {}
    for model in admin.site._registry:
        obj = model._default_manager.order_by("pk").first()
        rows[f"{model._meta.app_label}/{model._meta.model_name}/"] = obj.pk if obj else None
    achievement_type = ContentType.objects.get(app_label="achievements", model="achievement")
    achievement = Achievement.objects.filter(status="published").order_by("pk").first()
    urls = []
    for r in admin_routes:
        tail = r.route[len(mount) :]
        has_row = True
        if "<path:content_type_id>" in tail:
            url = f"{prefix}r/{achievement_type.pk}/{achievement.pk}/"
        elif "(?P<app_label>" in tail:
            url = f"{prefix}achievements/"
        elif "(?P<url>" in tail:
            url = f"{prefix}no-such-page/"
        elif "<id>" in tail:
            url = prefix + tail.replace("<id>", str(rows["accounts/user/"]))
        elif "<path:object_id>" in tail:
            pk = rows[tail.split("<path:object_id>")[0]]
            has_row = pk is not None
            url = prefix + tail.replace("<path:object_id>", str(pk or 0))
        else:
            url = prefix + tail
        urls.append((r, url, has_row))
    return urls


class Persona:
    """A test client for one persona, CSRF checks on; requests leave no trace in the database."""

    def __init__(self, name: str, user):
        self.name = name
        self.client = Client(enforce_csrf_checks=True)
        if user is not None:
            self.client.force_login(user)
        self.token = get_random_string(32)
        self.last_body = b""
        self.client.cookies["csrftoken"] = self.token

    def _rolled_back(self, send):
        with transaction.atomic():
            response = send()
            transaction.set_rollback(True)
        return response

    def get(self, url: str) -> int:
        """The status of a GET; its body is kept in `last_body` for the check of private markers."""
        response = self._rolled_back(lambda: self.client.get(url))
        streamed = getattr(response, "streaming", False)
        self.last_body = b"" if streamed else response.content
        return response.status_code

    def send(self, method: str, url: str, *, token: bool = True, data=None, json_body: bool = False) -> int:
        """A write of form data `data` (empty by default), or of `data` as JSON (an empty object by
        default) when `json_body`."""
        headers = {"HTTP_X_CSRFTOKEN": self.token} if token else {}
        call = getattr(self.client, method.lower())
        if json_body:
            body = json.dumps(data or {})
            return self._rolled_back(
                lambda: call(url, body, content_type="application/json", **headers)
            ).status_code
        return self._rolled_back(lambda: call(url, data or {}, **headers)).status_code
