"""Refuse requests carrying NUL characters, before any view sees them.

PostgreSQL cannot store U+0000 in text (the query fails with a server error) and SQLite stores it
silently; no browser form sends it. A NUL anywhere in the path, the query string, a form field or a
JSON value is refused with 400 and a message saying what is wrong (JSON for the API, a page
otherwise). Uploaded files are not inspected here: their bytes are checked by common.uploads.

Written by hand: it is a dozen lines over Django's request parsing, and no middleware library does
exactly this.
"""

import json

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

NUL = "\x00"


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return NUL in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _query_has_nul(querydict) -> bool:
    return any(NUL in key or any(NUL in v for v in values) for key, values in querydict.lists())


def request_has_nul(request) -> bool:
    if NUL in request.path or _query_has_nul(request.GET):
        return True
    if request.method not in ("POST", "PUT", "PATCH"):
        return False
    content_type = request.content_type or ""
    if content_type == "application/json":
        try:
            return _has_nul(json.loads(request.body or b"null"))
        except (ValueError, UnicodeDecodeError):
            return False  # not JSON: the API answers it with its own 400/422
    if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return _query_has_nul(request.POST)
    return False


class RejectNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request_has_nul(request):
            message = _("The request contains a NUL character (U+0000), which is not allowed in text.")
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": message, "code": "invalid_character"}, status=400)
            return render(request, "400.html", {"message": message}, status=400)
        return self.get_response(request)
