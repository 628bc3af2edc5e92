"""`/healthz`: whether this process can reach what it needs, for load balancers and monitoring.

No login, no session, no CSRF token, no translation: a probe gets JSON and a status code. Each check
reports "ok" (or "inline" for a broker that is not configured) or "error: <ExceptionClass>"; the
exception's message, which may name hosts or connection strings, only goes to the log.
"""

import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_safe
from kombu import Connection

logger = logging.getLogger(__name__)

BROKER_TIMEOUT = 2  # seconds


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone()[0] != 1:
            raise RuntimeError("unexpected answer to SELECT 1")
    return "ok"


def check_cache() -> str:
    key, value = f"keqiao:healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=10)
    try:
        if cache.get(key) != value:
            raise RuntimeError("the value written could not be read back")
    finally:
        cache.delete(key)
    return "ok"


def check_broker() -> str:
    url = getattr(settings, "CELERY_BROKER_URL", "") or ""
    if getattr(settings, "CELERY_TASK_ALWAYS_EAGER", False) or not url or url.startswith("memory://"):
        return "inline"
    with Connection(url, connect_timeout=BROKER_TIMEOUT) as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_TIMEOUT)
    return "ok"


CHECKS = {"database": check_database, "cache": check_cache, "broker": check_broker}


@csrf_exempt
@never_cache
@require_safe
def healthz(request):
    results, healthy = {}, True
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception as exc:  # noqa: BLE001 - any failure of a dependency is the answer, not a crash
            logger.warning("health check %s failed", name, exc_info=True)
            results[name] = f"error: {type(exc).__name__}"
            healthy = False
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": results}, status=200 if healthy else 503
    )
