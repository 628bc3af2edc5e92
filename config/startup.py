"""Start-up failures as one clear line, never a traceback.

A configuration error (ImproperlyConfigured, raised by config/env.py and the settings with a message
naming the variable) or an unreachable service stops `manage.py`, gunicorn, the Celery worker and beat
with one line on standard error, ``keqiao: <what> — <why>``, and the exit status of sysexits.h's
EX_CONFIG (78) or EX_UNAVAILABLE (69), which systemd shows in `systemctl status`.
"""

import sys
from urllib.parse import urlsplit

EX_UNAVAILABLE = 69
EX_CONFIG = 78


def fail(message: str, status: int = EX_CONFIG) -> None:
    sys.stderr.write(f"keqiao: {message}\n")
    sys.stderr.flush()
    raise SystemExit(status)


def load_settings() -> None:
    """Load the settings now, turning a configuration error into one line and exit status 78."""
    from django.conf import (
        settings,  # Django is configured by the caller first; importing settings earlier would fix them
    )
    from django.core.exceptions import ImproperlyConfigured  # the same: loaded with the settings

    try:
        settings.INSTALLED_APPS  # noqa: B018 - loads the settings module
    except ImproperlyConfigured as exc:
        fail(f"configuration error — {exc}")


def _where(url: str) -> str:
    """host:port of a connection URL, without user or password."""
    try:
        parts = urlsplit(url)
        return f"{parts.hostname or 'localhost'}{':' + str(parts.port) if parts.port else ''}"
    except ValueError:
        return "?"


def _reason(exc: BaseException) -> str:
    first = (str(exc).strip().splitlines() or [""])[0]
    return f"{type(exc).__name__}: {first}"[:300] if first else type(exc).__name__


def service_problems(*, broker: bool = True, timeout: int = 5) -> list[str]:
    """One line for each service the configuration names that does not answer: the database, the cache
    (Redis) and, unless tasks run inline, the Celery broker. Passwords are never part of a line."""
    from django.conf import settings  # Django is set up by the caller first
    from django.db import connections  # the same: the connections need the settings

    problems = []
    db = settings.DATABASES["default"]
    try:
        connection = connections["default"]
        if db["ENGINE"].endswith("postgresql"):
            db.setdefault("OPTIONS", {}).setdefault("connect_timeout", timeout)
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except Exception as exc:
        where = db.get("HOST") or db.get("NAME")
        problems.append(f"database unreachable (DATABASE_URL, {where}) — {_redact(_reason(exc), db)}")
    redis_url = getattr(settings, "REDIS_URL", None)
    if redis_url:
        try:
            import redis  # redis is loaded only when a Redis URL is configured

            redis.Redis.from_url(redis_url, socket_connect_timeout=timeout, socket_timeout=timeout).ping()
        except Exception as exc:
            problems.append(f"cache unreachable (REDIS_URL, {_where(redis_url)}) — {_reason(exc)}")
    if broker and not settings.CELERY_TASK_ALWAYS_EAGER:
        try:
            from kombu import Connection  # kombu is loaded only when a broker is configured

            with Connection(settings.CELERY_BROKER_URL, connect_timeout=timeout) as conn:
                conn.ensure_connection(max_retries=1, interval_start=0, timeout=timeout)
        except Exception as exc:
            url = settings.CELERY_BROKER_URL
            problems.append(f"broker unreachable (CELERY_BROKER_URL, {_where(url)}) — {_reason(exc)}")
    return problems


def _redact(text: str, db: dict) -> str:
    password = db.get("PASSWORD")
    return text.replace(password, "…") if password else text


def check_services(*, broker: bool = True) -> None:
    """Exit with one line per unreachable service (status 69); return quietly when all answer."""
    problems = service_problems(broker=broker)
    if problems:
        for line in problems[:-1]:
            sys.stderr.write(f"keqiao: {line}\n")
        fail(problems[-1], EX_UNAVAILABLE)
