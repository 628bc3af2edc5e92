"""/healthz answers load balancers: 200 with every check ok, 503 naming the part that failed."""

import importlib
from unittest import mock

import pytest
from django.db.utils import OperationalError
from django.test import Client

from keqiao.portal import health

pytestmark = pytest.mark.django_db


@pytest.fixture
def probe():
    # A load balancer: no cookies, no CSRF token, no Accept-Language of its own.
    return Client(enforce_csrf_checks=True)


def test_ok_without_login_session_or_locale(probe):
    response = probe.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "broker": "inline"},
    }
    assert not response.cookies  # no session, no CSRF cookie, no language cookie
    assert "no-cache" in response["Cache-Control"]
    assert probe.head("/healthz").status_code == 200
    assert probe.post("/healthz").status_code == 405


def test_an_english_visitor_is_not_redirected(probe):
    probe.cookies["django_language"] = "en"
    assert probe.get("/healthz", HTTP_ACCEPT_LANGUAGE="en").status_code == 200


def test_failing_database_is_named_and_nothing_leaks(probe, caplog):
    secret = "postgres://keqiao:s3cret@db.internal:5432/keqiao"
    with mock.patch.object(health, "connection") as conn:
        conn.cursor.side_effect = OperationalError(f"could not connect to {secret}")
        response = probe.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["database"] == "error: OperationalError"
    assert body["checks"]["cache"] == "ok"
    assert "s3cret" not in response.content.decode() and "db.internal" not in response.content.decode()
    assert "health check database failed" in caplog.text


def test_failing_cache_is_named(probe):
    with mock.patch.object(health.cache, "get", return_value=None):
        response = probe.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"] == {
        "database": "ok",
        "cache": "error: RuntimeError",
        "broker": "inline",
    }


def test_cache_that_raises_is_named(probe):
    with mock.patch.object(health.cache, "set", side_effect=ConnectionError("redis://:pw@cache:6379")):
        response = probe.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == "error: ConnectionError"
    assert "pw@cache" not in response.content.decode()


def test_configured_broker_is_checked(probe, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://broker.internal:6379/1"
    with mock.patch.object(health, "Connection") as connection:
        assert probe.get("/healthz").json()["checks"]["broker"] == "ok"
    connection.assert_called_once_with(
        "redis://broker.internal:6379/1", connect_timeout=health.BROKER_TIMEOUT
    )


def test_unreachable_broker_fails_fast(probe, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://:secret@127.0.0.1:1/0"  # nothing listens on port 1
    response = probe.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["broker"].startswith("error: ")
    assert "secret" not in response.content.decode()


def test_exempt_from_the_https_redirect_of_production(monkeypatch, settings):
    monkeypatch.setenv(
        "SECRET_KEY", "production-settings-read-in-a-test-0123456789abcdefghijklmnopqrstuvwxyz"
    )
    production = importlib.import_module("config.settings.production")
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = production.SECURE_REDIRECT_EXEMPT
    probe = Client()  # a new client loads the middleware with these settings
    assert probe.get("/healthz").status_code == 200
    assert probe.get("/").status_code == 301
