"""Operability: maintenance mode, the nightly upkeep, the e-mail backend, masked tokens in logs and
start-up failures as one line (docs/operator-guide.md §2, §13)."""

import datetime
import io
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.utils import timezone

from config import envfile
from config.celery import app, worker_logging
from config.observability import RedactTokensFilter, redact
from keqiao.common import maintenance
from keqiao.notifications.models import Frequency, Notification
from keqiao.portal import tasks
from keqiao.portal.upkeep import run_upkeep
from keqiao.search.models import IndexChange, mark_changed
from keqiao.testing.factories import UserFactory

ROOT = Path(__file__).resolve().parents[3]
GOOD_KEY = "k" * 10 + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJ"


@pytest.fixture
def flag(settings, tmp_path):
    settings.KEQIAO = {**settings.KEQIAO, "MAINTENANCE_FILE": str(tmp_path / "m" / "maintenance.on")}
    yield Path(settings.KEQIAO["MAINTENANCE_FILE"])


# --- maintenance mode ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_maintenance_mode_answers_503_with_retry_after_in_both_languages(client, flag):
    assert client.get("/").status_code == 200
    call_command("maintenance", "on", "--note", "v2", stdout=io.StringIO())
    assert flag.exists() and "v2" in flag.read_text()
    response = client.get("/achievements/")
    assert response.status_code == 503
    assert response["Retry-After"] == "600" and response["Cache-Control"] == "no-store"
    body = response.content.decode()
    assert "系统维护中" in body and "Under maintenance" in body
    api = client.get("/api/v1/achievements")
    assert api.status_code == 503 and api.json()["code"] == "maintenance"
    assert client.post("/accounts/login/", {"username": "x"}).status_code == 503
    call_command("maintenance", "off", stdout=io.StringIO())
    assert not flag.exists()
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_health_answers_during_maintenance(client, flag):
    maintenance.turn_on()
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["status"] == "ok"


def test_maintenance_page_needs_no_database(flag, rf):  # no django_db mark: a query would fail
    maintenance.turn_on()
    from keqiao.common.maintenance import MaintenanceModeMiddleware

    middleware = MaintenanceModeMiddleware(lambda request: pytest.fail("the view must not run"))
    response = middleware(rf.get("/deals/"))
    assert response.status_code == 503


def test_maintenance_status_and_off_when_not_on(flag):
    out = io.StringIO()
    call_command("maintenance", "off", stdout=out)
    assert "was not on" in out.getvalue()
    call_command("maintenance", "status", stdout=out)
    assert "maintenance off" in out.getvalue()


def test_the_proxy_page_says_what_the_application_page_says():
    from django.template.loader import render_to_string

    shipped = (ROOT / "deploy" / "nginx" / "maintenance.html").read_text(encoding="utf-8")
    rendered = render_to_string("common/maintenance.html")
    for sentence in ("系统维护中", "Under maintenance", "Keqiao is being upgraded"):
        assert sentence in shipped and sentence in rendered


# --- nightly upkeep -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_upkeep_prunes_old_rows_and_keeps_what_is_still_needed(settings):
    now = timezone.now()
    old = now - datetime.timedelta(days=400)
    for pk in (1, 2, 3):
        mark_changed(pk)
    IndexChange.objects.update(created_at=old)  # all old: the newest row must stay all the same
    user = UserFactory()
    notes = [
        Notification.objects.create(user=user, verb="match", title="t", key=f"k{i}", frequency=freq)
        for i, freq in enumerate([Frequency.INSTANT, Frequency.DAILY, Frequency.NEVER, Frequency.INSTANT])
    ]
    Notification.objects.filter(pk__in=[n.pk for n in notes[:3]]).update(created_at=old)
    store = SessionStore()
    store.create()
    Session.objects.filter(session_key=store.session_key).update(expire_date=now - datetime.timedelta(days=1))
    live = SessionStore()
    live.create()

    counts = run_upkeep(now=now)

    assert counts["index_changes_pruned"] == 2
    assert list(IndexChange.objects.values_list("object_id", flat=True)) == [3]
    assert counts["notifications_pruned"] == 2
    assert set(Notification.objects.values_list("pk", flat=True)) == {
        notes[1].pk,
        notes[3].pk,
    }  # digest waits
    assert counts["sessions_expired"] == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
    assert counts["listings_indexed"] == 0


@pytest.mark.django_db
def test_upkeep_keeps_recent_changes_and_without_the_index_prunes_none():
    for pk in (1, 2):
        mark_changed(pk)
    assert run_upkeep()["index_changes_pruned"] == 0
    IndexChange.objects.update(created_at=timezone.now() - datetime.timedelta(days=90))
    assert run_upkeep(index=False)["index_changes_pruned"] == 0
    assert IndexChange.objects.count() == 2


@pytest.mark.django_db
def test_upkeep_command_and_beat_task():
    out = io.StringIO()
    call_command("upkeep", stdout=out)
    assert set(pair.split("=")[0] for pair in out.getvalue().split()) == {
        "listings_indexed",
        "index_changes_pruned",
        "sessions_expired",
        "notifications_pruned",
    }
    app.loader.import_default_modules()
    entry = app.conf.beat_schedule["nightly-upkeep"]
    assert entry["task"] in app.tasks


@pytest.mark.django_db
def test_the_hourly_task_logs_its_counts(caplog):
    with caplog.at_level(logging.INFO, logger="keqiao.portal"):
        tasks.run_hourly_maintenance.delay().get()
    assert any("hourly maintenance: achievements_expired=" in r.getMessage() for r in caplog.records)


# --- logging --------------------------------------------------------------------------------------


def test_worker_logging_shows_celery_at_info_with_time_and_level():
    config = worker_logging("INFO")
    assert config["loggers"]["celery"]["level"] == "INFO"
    assert config["handlers"]["console"]["formatter"] == "text"
    assert worker_logging(logging.DEBUG)["loggers"]["celery"]["level"] == "DEBUG"


def test_worker_logging_keeps_json_lines(settings):
    settings.LOG_FORMAT = "json"
    settings.LOGGING = {
        **settings.LOGGING,
        "handlers": {"console": {**settings.LOGGING["handlers"]["console"], "formatter": "json"}},
    }
    config = worker_logging("INFO")
    assert config["handlers"]["console"]["formatter"] == "json"
    assert config["handlers"]["console"]["filters"] == ["redact_tokens"]
    assert config["loggers"]["celery"]["level"] == "INFO"


def test_celery_worker_logs_received_succeeded_and_counts(tmp_path):
    # A real worker process with a filesystem broker: its log shows the work.
    broker = tmp_path / "broker"
    for sub in ("in", "out", "processed", "control"):
        (broker / sub).mkdir(parents=True)
    script = f"""
import logging, sys
from celery.signals import setup_logging
from config.celery import app
app.conf.broker_url = "filesystem://"
app.conf.broker_transport_options = {{"data_folder_in": "{broker}/in", "data_folder_out": "{broker}/in",
    "processed_folder": "{broker}/processed", "control_folder": "{broker}/control",
    "store_processed": False}}
app.conf.task_always_eager = False
app.conf.result_backend = None
import django; django.setup()
from django.conf import settings as s; s.LOGGING["root"]["level"] = "INFO"
from django.test.utils import setup_test_environment
from django.test.utils import get_runner
from django.conf import settings
from django.db import connection
connection.creation.create_test_db(verbosity=0)
app.send_task("keqiao.portal.tasks.run_hourly_maintenance")
app.worker_main(["worker", "--pool=solo", "--loglevel=INFO", "--without-heartbeat", "--without-mingle",
                 "--without-gossip", "-Q", "celery", "--max-tasks-per-child=1"])
"""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "TEST_DATABASE_URL": ""}
    env.pop("TEST_DATABASE_URL")
    proc = subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "succeeded in" in line:
                break
    finally:
        proc.kill()
        proc.wait()
    log = "".join(lines)
    assert "INFO celery.worker.strategy: Task keqiao.portal.tasks.run_hourly_maintenance[" in log, log[-3000:]
    assert "received" in log
    assert "hourly maintenance: achievements_expired=0" in log, log[-3000:]
    assert "succeeded in" in log and "'achievements_expired': 0" in log


def test_celery_beat_logs_sending_due_task(tmp_path):
    # A real beat process with a filesystem broker and a due entry every second: it logs each send.
    broker = tmp_path / "broker"
    for sub in ("in", "processed", "control"):
        (broker / sub).mkdir(parents=True)
    script = f"""
from config.celery import app
app.conf.broker_url = "filesystem://"
app.conf.broker_transport_options = {{"data_folder_in": "{broker}/in", "data_folder_out": "{broker}/in",
    "processed_folder": "{broker}/processed", "control_folder": "{broker}/control"}}
app.conf.task_always_eager = False
app.conf.beat_schedule = {{"hourly-maintenance": {{"task": "keqiao.portal.tasks.run_hourly_maintenance", "schedule": 1.0}}}}
import django; django.setup()
app.Beat(loglevel="INFO", schedule="{tmp_path}/celerybeat-schedule").run()
"""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    proc = subprocess.Popen(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines = []
    deadline = time.monotonic() + 90
    try:
        while time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
            if "Sending due task" in line:
                break
    finally:
        proc.kill()
        proc.wait()
    log = "".join(lines)
    assert "INFO celery.beat: beat: Starting..." in log, log[-2000:]
    assert (
        "INFO celery.beat: Scheduler: Sending due task hourly-maintenance (keqiao.portal.tasks.run_hourly_maintenance)"
        in log
    ), log[-2000:]


def test_unsubscribe_and_password_reset_tokens_are_masked():
    assert (
        redact("Not Found: /matching/unsubscribe/eyJ1IjoxfQ:1tQ:abc/")
        == "Not Found: /matching/unsubscribe/…/"
    )
    assert redact("/accounts/password/reset/MQ/c4x-9f8e7d/") == "/accounts/password/reset/MQ/…/"
    assert redact("/accounts/password/reset/sent/") == "/accounts/password/reset/sent/"
    record = logging.LogRecord(
        "django.request", logging.WARNING, "", 0, "Not Found: %s", ("/matching/unsubscribe/SECRET/",), None
    )
    RedactTokensFilter().filter(record)
    assert "SECRET" not in record.getMessage()


@pytest.mark.django_db
def test_no_token_reaches_the_log_of_a_request(client, caplog):
    with caplog.at_level(logging.INFO):
        client.get("/matching/unsubscribe/SECRETTOKEN123/")
    handler_filter = RedactTokensFilter()
    for record in caplog.records:
        handler_filter.filter(record)
        assert "SECRETTOKEN123" not in record.getMessage()


# --- e-mail backend -------------------------------------------------------------------------------


def _settings_value(env: dict, expression: str) -> subprocess.CompletedProcess:
    script = f"import django; django.setup(); from django.conf import settings; print({expression})"
    return subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": GOOD_KEY,
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("env", "backend"),
    [
        ({}, "console"),
        ({"EMAIL_HOST": "smtp.meishan.example"}, "smtp"),
        ({"EMAIL_BACKEND": "file", "EMAIL_FILE_PATH": "/tmp/kq-mail"}, "filebased"),
        ({"EMAIL_HOST": "smtp.meishan.example", "EMAIL_BACKEND": "console"}, "console"),
    ],
)
def test_email_backend_comes_from_the_environment(env, backend):
    result = _settings_value(env, "settings.EMAIL_BACKEND")
    assert result.returncode == 0, result.stderr
    assert f"backends.{backend}." in result.stdout


def test_hsts_preload_is_opt_in():
    assert _settings_value({}, "settings.SECURE_HSTS_PRELOAD").stdout.strip() == "False"
    assert (
        _settings_value({"SECURE_HSTS_PRELOAD": "1"}, "settings.SECURE_HSTS_PRELOAD").stdout.strip() == "True"
    )


# --- start-up failures: one line, no traceback ----------------------------------------------------


def _manage(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter and script
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": GOOD_KEY,
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"SECRET_KEY_FILE": "/nonexistent/keqiao_secret_key"}, "SECRET_KEY_FILE"),
        ({"KEQIAO_CONTRACT_REGION_CODE": "51140"}, "KEQIAO_CONTRACT_REGION_CODE"),
        ({"EMAIL_BACKEND": "pigeon"}, "EMAIL_BACKEND"),
        ({"EMAIL_BACKEND": "smtp"}, "EMAIL_HOST"),
        ({"DB_CONN_MAX_AGE": "sixty"}, "DB_CONN_MAX_AGE"),
        ({"KEQIAO_INDEX_CHANGE_KEEP_DAYS": "0"}, "KEQIAO_INDEX_CHANGE_KEEP_DAYS"),
        ({"KEQIAO_MAINTENANCE_RETRY_AFTER": "-5"}, "KEQIAO_MAINTENANCE_RETRY_AFTER"),
    ],
)
def test_configuration_errors_are_one_line_naming_the_variable(env, named):
    result = _manage(env, "check")
    assert result.returncode == 78
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("keqiao: configuration error — ") and named in lines[0]
    assert "Traceback" not in result.stderr


def test_unreachable_services_are_one_line_each_without_password():
    env = {
        "DATABASE_URL": "postgres://keqiao:s3cr3t-pw@127.0.0.1:1/keqiao",
        "REDIS_URL": "redis://127.0.0.1:1/0",
    }
    result = _manage(env, "preflight")
    assert result.returncode == 69, result.stderr
    lines = result.stderr.strip().splitlines()
    assert [line.split(" (")[0] for line in lines] == [
        "keqiao: database unreachable",
        "keqiao: cache unreachable",
        "keqiao: broker unreachable",
    ]
    assert (
        "CELERY_BROKER_URL" in lines[2]
        and "s3cr3t-pw" not in result.stderr
        and "Traceback" not in result.stderr
    )


@pytest.mark.django_db
def test_preflight_passes_when_everything_answers():
    out = io.StringIO()
    call_command("preflight", stdout=out)
    assert "answer" in out.getvalue()


# --- environment file -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "why"),
    [
        ("DEFAULT_FROM_EMAIL=科桥 Keqiao <noreply@keqiao.example.gov.cn>", "quote the value"),
        ("DATABASE_URL_FILE=/run/secrets/db     # postgres://…", "comment after the value"),
        ("export SECRET_KEY_FILE=/x", "export"),
        ("SITE URL=https://x", "not a variable name"),
        ('EMAIL_HOST_PASSWORD="pa$$word"', "quoted string"),
        ("just words", "not NAME=value"),
        (" ALLOWED_HOSTS=x", "leading or trailing spaces"),
    ],
)
def test_env_file_lines_read_differently_are_refused(line, why):
    found = envfile.problems(f"# comment\n{line}\n")
    assert len(found) == 1 and found[0].startswith("line 2: ") and why in found[0]


def test_check_env_file_command(tmp_path):
    bad = tmp_path / "bad.env"
    bad.write_text("ALLOWED_HOSTS=x\nDEFAULT_FROM_EMAIL=科桥 <a@b>\n", encoding="utf-8")
    err = io.StringIO()
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="1 line"):
        call_command("check_env_file", str(bad), stderr=err)
    assert "line 2: DEFAULT_FROM_EMAIL" in err.getvalue()
    with pytest.raises(CommandError, match="cannot be read"):
        call_command("check_env_file", str(tmp_path / "missing.env"))
