"""ADMINS from the environment, and the JSON-lines log format."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from config.observability import JsonLinesFormatter, env_admins, env_log_format, parse_admins

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", []),
        (" , ", []),
        ("Name <a@b.example>, Other <c@d.example>", [("Name", "a@b.example"), ("Other", "c@d.example")]),
        (
            '"Zhang, San" <zs@meishan.example>,ops@meishan.example',
            [("Zhang, San", "zs@meishan.example"), ("ops@meishan.example", "ops@meishan.example")],
        ),
        ("张三 <zs@meishan.example>", [("张三", "zs@meishan.example")]),
    ],
)
def test_admins_are_parsed(value, expected):
    assert parse_admins(value) == expected


@pytest.mark.parametrize(
    "value", ["Name a@b.example", "<not-an-address>", "a@b.example <c@d.example>", "Name <a@b>, ,x"]
)
def test_bad_admins_stop_start_up_naming_the_variable(value):
    with pytest.raises(ImproperlyConfigured, match="^ADMINS"):
        parse_admins(value)


def test_admins_and_log_format_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("ADMINS", "Ops <ops@meishan.example>")
    monkeypatch.setenv("LOG_FORMAT", "JSON")
    assert env_admins() == [("Ops", "ops@meishan.example")]
    assert env_log_format() == "json"
    monkeypatch.delenv("LOG_FORMAT")
    assert env_log_format() == "text"
    monkeypatch.setenv("LOG_FORMAT", "xml")
    with pytest.raises(ImproperlyConfigured, match="LOG_FORMAT"):
        env_log_format()


def _record(msg="达成 %s 笔交易", args=(3,), **extra):
    record = logging.getLogger("keqiao.test").makeRecord(
        "keqiao.test", logging.WARNING, __file__, 10, msg, args, None, extra=extra or None
    )
    record.created = 1_790_000_000.5
    return record


def test_json_line_has_the_fields():
    line = JsonLinesFormatter().format(_record(listing_id=7, duration=0.25))
    assert "\n" not in line
    assert json.loads(line) == {
        "time": "2026-09-21T14:13:20.500+00:00",
        "level": "WARNING",
        "logger": "keqiao.test",
        "message": "达成 3 笔交易",
        "listing_id": 7,
        "duration": 0.25,
    }
    assert "达成" in line  # readable, not \\u escapes


def test_json_line_with_request_and_exception_stays_one_line():
    request = RequestFactory().get("/deals/42/?token=secret-value", HTTP_COOKIE="sessionid=abc")
    try:
        raise ValueError("boom\nsecond line")
    except ValueError:
        record = logging.getLogger("django.request").makeRecord(
            "django.request",
            logging.ERROR,
            __file__,
            1,
            "Internal Server Error: %s",
            ("/deals/42/",),
            sys.exc_info(),
            extra={"status_code": 500, "request": request, "obj": object()},
        )
    line = JsonLinesFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["method"] == "GET" and entry["path"] == "/deals/42/" and entry["status_code"] == 500
    assert entry["exception"].startswith("Traceback") and "ValueError: boom" in entry["exception"]
    assert entry["obj"].startswith("<object object")
    assert "secret-value" not in line and "sessionid" not in line


@pytest.mark.django_db
def test_server_errors_are_mailed_to_admins(settings):
    # Our LOGGING must keep Django's mail_admins handler on the "django" logger.
    settings.ADMINS = [("Ops", "ops@meishan.example")]
    request = RequestFactory().get("/boom/")
    logging.getLogger("django.request").error(
        "Internal Server Error: %s", "/boom/", extra={"status_code": 500, "request": request}
    )
    assert [m.to for m in mail.outbox] == [["ops@meishan.example"]]
    assert "Internal Server Error: /boom/" in mail.outbox[0].subject


def test_log_format_json_applies_to_the_keqiao_and_django_loggers():
    script = (
        "import django, logging; django.setup(); "
        "logging.getLogger('keqiao.portal').warning('索引已建'); logging.getLogger('django.request').warning('slow')"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "LOG_FORMAT": "json"}
    result = subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-2000:]
    entries = [json.loads(line) for line in result.stderr.splitlines() if line.startswith("{")]
    assert [(e["logger"], e["message"]) for e in entries] == [
        ("keqiao.portal", "索引已建"),
        ("django.request", "slow"),
    ]
