"""Maintenance mode: while the flag file exists, the site answers 503 with a Retry-After.

`manage.py maintenance on` creates the file (`KEQIAO["MAINTENANCE_FILE"]`, by default
`var/maintenance.on`), `off` removes it; `deploy/upgrade.sh` does both around an upgrade. The check is
one `stat()` per request, so every process of every server that shares the file follows it at once,
without a restart. `/healthz` keeps answering (a load balancer must not take the servers out of
rotation, or visitors get its error page instead of this one), and so do static files (served before
this middleware). The page is rendered without the database, the session or the request's language:
it says the same in Chinese and English. The API answers JSON.
"""

import datetime
import os
from pathlib import Path

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils import translation

EXEMPT_PATHS = ("/healthz",)


def flag_path() -> Path:
    return Path(settings.KEQIAO["MAINTENANCE_FILE"])


def is_on() -> bool:
    return flag_path().exists()


def turn_on(*, note: str = "") -> Path:
    """Create the flag file (atomically; its content is the time and an optional note)."""
    path = flag_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(
        f"{datetime.datetime.now(datetime.UTC).isoformat(timespec='seconds')} {note}\n".rstrip() + "\n"
    )
    os.replace(tmp, path)
    return path


def turn_off() -> bool:
    """Remove the flag file; False if maintenance mode was not on."""
    try:
        flag_path().unlink()
    except FileNotFoundError:
        return False
    return True


def maintenance_response(path: str) -> HttpResponse:
    retry_after = str(settings.KEQIAO["MAINTENANCE_RETRY_AFTER"])
    if path.startswith("/api/"):
        with translation.override("en"):
            response = JsonResponse(
                {"detail": "The platform is under maintenance; try again later.", "code": "maintenance"},
                status=503,
            )
    else:
        response = HttpResponse(render_to_string("common/maintenance.html"), status=503)
    response["Retry-After"] = retry_after
    response["Cache-Control"] = "no-store"
    # Expected while it lasts: not an error for the log, nor a mail to ADMINS for every request.
    response._has_been_logged = True
    return response


class MaintenanceModeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path not in EXEMPT_PATHS and is_on():
            return maintenance_response(request.path)
        return self.get_response(request)
