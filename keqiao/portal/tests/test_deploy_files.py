"""The files under deploy/ parse and say what the operator guide says: systemd units (systemd-analyze
verify), the nginx site (nginx -t on a temporary configuration), gunicorn's settings, logrotate's rules,
the cron jobs, and the environment template, which must read alike under `set -a; .` and systemd.

The binary checks run where the binary is installed (CI installs nginx-light through
scripts/run-tests.sh) and are skipped with the reason otherwise; the pure-Python checks always run."""

import os
import re
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from config import envfile

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))
ENV_TEMPLATE = DEPLOY / "keqiao.env.example"
CI = os.environ.get("CI") == "true"


def _needs(binary: str) -> str:
    path = shutil.which(binary) or next(
        (p for p in (f"/usr/sbin/{binary}", f"/usr/bin/{binary}") if os.path.exists(p)), None
    )
    if path is None:
        if CI:
            pytest.fail(f"{binary} is required in CI (scripts/run-tests.sh installs it)")
        pytest.skip(f"{binary} is not installed here (CI installs it)")
    return path


# --- the environment template -------------------------------------------------------------------


def _systemd_environment_file(text: str) -> dict[str, str]:
    """What systemd's EnvironmentFile= makes of a file (its rules for the lines that matter here):
    comments start with # or ;, KEY=VALUE with the whole rest of the line as the value, quotes around
    the whole value removed, backslash escapes in double quotes."""
    values = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line[0] in "#;":
            continue
        key, _, value = line.partition("=")
        key, value = key.strip(), value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
            if line.rstrip()[-1] == '"':
                value = re.sub(r"\\(.)", r"\1", value)
        values[key] = value
    return values


def _shell_environment_file(path: Path) -> dict[str, str]:
    """What `set -a; . FILE` exports, read back from the environment of a POSIX shell."""
    result = subprocess.run(  # noqa: S603 - a fixed command on our own file
        ["/bin/sh", "-c", 'set -a; . "$1"; env -0', "sh", str(path)],  # noqa: S607
        env={"PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    pairs = (item.split("=", 1) for item in result.stdout.split("\0") if "=" in item)
    return {k: v for k, v in pairs if k not in {"PATH", "PWD", "SHLVL", "_", "OLDPWD"}}


def test_the_environment_template_reads_alike_in_systemd_and_a_shell():
    text = ENV_TEMPLATE.read_text(encoding="utf-8")
    assert envfile.problems(text) == []
    expected = envfile.parse(text)
    assert _systemd_environment_file(text) == expected
    assert _shell_environment_file(ENV_TEMPLATE) == expected
    assert expected["DEFAULT_FROM_EMAIL"] == "科桥 Keqiao <noreply@keqiao.example.gov.cn>"
    assert expected["DATABASE_URL_FILE"] == "/etc/keqiao/secrets/database_url"
    assert expected["DJANGO_SETTINGS_MODULE"] == "config.settings.production"


def test_the_guides_old_sample_lines_are_caught(tmp_path):
    # The two lines that broke the sample of the operator guide: each is refused with its line number.
    text = (
        "DATABASE_URL_FILE=/run/secrets/keqiao_database_url     # postgres://keqiao:…@db:5432/keqiao\n"
        "DEFAULT_FROM_EMAIL=科桥 Keqiao <noreply@keqiao.example.gov.cn>\n"
    )
    assert [p.split(":")[0] for p in envfile.problems(text)] == ["line 1", "line 2"]
    # and they do read differently: systemd keeps the comment, the shell fails on the redirection
    assert _systemd_environment_file(text)["DATABASE_URL_FILE"].endswith("keqiao")
    bad = tmp_path / "bad.env"
    bad.write_text(text, encoding="utf-8")
    with pytest.raises(subprocess.CalledProcessError):
        _shell_environment_file(bad)


def test_the_template_gives_working_production_settings(tmp_path):
    # The template's values (secrets from files) load the production settings without complaint.
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    (secrets / "secret_key").write_text("s" * 10 + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKL\n")
    (secrets / "database_url").write_text(f"sqlite:///{tmp_path / 'db.sqlite3'}\n")
    (secrets / "smtp_password").write_text("pw\n")
    values = {
        k: v.replace("/etc/keqiao/secrets", str(secrets))
        for k, v in envfile.parse(ENV_TEMPLATE.read_text()).items()
    }
    script = "import django; django.setup(); from django.conf import settings; print(settings.EMAIL_BACKEND, settings.DEFAULT_FROM_EMAIL)"
    result = subprocess.run(  # noqa: S603 - our own interpreter
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={"PATH": os.environ["PATH"], **values},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "smtp.EmailBackend 科桥 Keqiao <noreply@keqiao.example.gov.cn>" in result.stdout


# --- systemd units ------------------------------------------------------------------------------


def _unit(path: Path) -> dict[str, dict[str, list[str]]]:
    sections: dict[str, dict[str, list[str]]] = {}
    current = None
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), {})
            continue
        key, _, value = line.partition("=")
        current.setdefault(key, []).append(value)
    return sections


def test_three_units_with_the_service_user_and_the_environment_file():
    assert [u.name for u in UNITS] == ["keqiao-beat.service", "keqiao-worker.service", "keqiao.service"]
    for path in UNITS:
        service = _unit(path)["Service"]
        assert service["User"] == ["keqiao"] and service["Group"] == ["keqiao"], path
        assert service["EnvironmentFile"] == ["/etc/keqiao/keqiao.env"], path
        assert service["WorkingDirectory"] == ["/srv/keqiao"], path
        pre = " ".join(service["ExecStartPre"])
        assert "check_env_file /etc/keqiao/keqiao.env" in pre and "manage.py preflight" in pre
        assert service["RestartPreventExitStatus"] == ["69 78"]
    web = _unit(DEPLOY / "systemd" / "keqiao.service")["Service"]
    assert web["ExecStart"] == ["/srv/keqiao/.venv/bin/gunicorn --config deploy/gunicorn.conf.py config.wsgi"]
    worker = _unit(DEPLOY / "systemd" / "keqiao-worker.service")["Service"]["ExecStart"][0]
    beat = _unit(DEPLOY / "systemd" / "keqiao-beat.service")["Service"]["ExecStart"][0]
    assert "celery -A config worker --loglevel=INFO" in worker
    assert "celery -A config beat --loglevel=INFO" in beat and "--schedule /srv/keqiao-data/" in beat


def test_systemd_analyze_verify_accepts_the_units(tmp_path):
    binary = _needs("systemd-analyze")
    env_file = tmp_path / "keqiao.env"
    env_file.write_text(ENV_TEMPLATE.read_text())
    user = subprocess.run(["id", "-un"], capture_output=True, text=True, check=True).stdout.strip()  # noqa: S607
    for path in UNITS:
        text = path.read_text()
        text = re.sub(r"/srv/keqiao/\.venv/bin/\w+", sys.executable, text)  # executables must exist
        text = text.replace("/etc/keqiao/keqiao.env", str(env_file)).replace("=keqiao\n", f"={user}\n")
        (tmp_path / path.name).write_text(text)
    result = subprocess.run(  # noqa: S603 - systemd's own checker on our files
        [binary, "verify", "--man=no", *[str(tmp_path / p.name) for p in UNITS]],
        capture_output=True,
        text=True,
        timeout=120,
    )
    ours = [line for line in (result.stdout + result.stderr).splitlines() if str(tmp_path) in line]
    assert ours == [], ours


# --- nginx ----------------------------------------------------------------------------------------


def test_the_nginx_site_rules():
    site = (DEPLOY / "nginx" / "keqiao.conf").read_text()
    proxy = (DEPLOY / "nginx" / "keqiao-proxy.conf").read_text()
    assert "client_max_body_size 12m;" in site
    assert re.search(r"location /media/ \{\s*return 404;", site)  # attachments only through the app
    admin = re.search(r"location /admin/ \{(.*?)\}", site, re.S).group(1)
    assert "deny all;" in admin and "allow 10.0.0.0/8;" in admin
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in proxy
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in proxy
    assert "proxy_set_header Host $host;" in proxy
    assert "alias /srv/keqiao/staticfiles/;" in site
    assert "/srv/keqiao-data/maintenance.on" in site and "Retry-After" in site
    assert "ssl_protocols TLSv1.2 TLSv1.3;" in site
    # nginx's access log masks the unsubscribe and password-reset tokens, like gunicorn's
    assert "access_log /var/log/nginx/keqiao.access.log keqiao;" in site
    assert "$keqiao_logged_uri" in site and "$keqiao_logged_referer" in site
    assert "$request " not in site and "$request_uri " not in site.split("log_format", 1)[1].split(";", 1)[0]


def test_nginx_accepts_the_site(tmp_path):
    binary = _needs("nginx")
    openssl = _needs("openssl")
    subprocess.run(  # noqa: S603 - a throwaway self-signed certificate
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=keqiao.test",
         "-keyout", str(tmp_path / "privkey.pem"), "-out", str(tmp_path / "fullchain.pem")],
        capture_output=True,
        check=True,
        timeout=120,
    )  # fmt: skip
    site = (DEPLOY / "nginx" / "keqiao.conf").read_text()
    site = site.replace("/etc/ssl/keqiao/", f"{tmp_path}/").replace("/var/log/nginx/", f"{tmp_path}/")
    site = site.replace("/etc/nginx/snippets/keqiao-proxy.conf", str(DEPLOY / "nginx" / "keqiao-proxy.conf"))
    (tmp_path / "site.conf").write_text(site)
    mime = "/etc/nginx/mime.types"
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n{'include ' + mime + ';' if os.path.exists(mime) else ''}\n"
        f"access_log {tmp_path}/access.log;\nclient_body_temp_path {tmp_path};\nproxy_temp_path {tmp_path};\n"
        f"include {tmp_path}/site.conf;\n}}\n"
    )
    result = subprocess.run(  # noqa: S603 - nginx's own syntax check on a temporary configuration
        [
            binary,
            "-t",
            "-q",
            "-p",
            str(tmp_path),
            "-e",
            str(tmp_path / "error.log"),
            "-c",
            str(tmp_path / "nginx.conf"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr


# --- gunicorn -------------------------------------------------------------------------------------


def _gunicorn_conf(monkeypatch, **env) -> dict:
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))


def test_gunicorn_settings(monkeypatch):
    monkeypatch.delenv("GUNICORN_WORKERS", raising=False)
    conf = _gunicorn_conf(monkeypatch, RUNTIME_DIRECTORY="/run/keqiao")
    assert conf["bind"] == ["127.0.0.1:8000"] and 1 <= conf["workers"] <= 4
    assert conf["timeout"] == 60 and conf["accesslog"] == "/var/log/keqiao/access.log"
    assert callable(conf["post_worker_init"]) and callable(conf["on_starting"])
    assert conf["control_socket"] == "/run/keqiao/gunicorn-127.0.0.1_8000.ctl"
    other = _gunicorn_conf(monkeypatch, GUNICORN_BIND="127.0.0.1:8001", GUNICORN_WORKERS="2")
    assert other["control_socket"] != conf["control_socket"] and other["workers"] == 2


def test_the_access_log_masks_tokens(monkeypatch):
    from gunicorn.config import Config

    conf = _gunicorn_conf(monkeypatch)
    logger = conf["KeqiaoLogger"](Config())

    class Response:
        status = "200 OK"
        status_code = 200
        response_length = 10
        sent = 10
        headers = ()

    class Request:
        headers = ()
        version = (1, 1)

    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/matching/unsubscribe/SECRET-TOKEN/",
        "PATH_INFO": "/matching/unsubscribe/SECRET-TOKEN/",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": "https://keqiao.example.gov.cn/accounts/password/reset/MQ/OTHER-TOKEN/",
        "REMOTE_ADDR": "127.0.0.1",
    }
    import datetime

    atoms = logger.atoms(Response(), Request(), environ, datetime.timedelta(milliseconds=5))
    line = " ".join(str(v) for v in atoms.values())
    assert "SECRET-TOKEN" not in line and "OTHER-TOKEN" not in line
    assert atoms["U"] == "/matching/unsubscribe/…/"

    # LOG_FORMAT=json: one JSON object per request, tokens masked as well
    import json

    monkeypatch.setenv("LOG_FORMAT", "json")
    lines = []
    logger._access_log_enabled = True
    monkeypatch.setattr(logger.access_log, "info", lambda message, *args: lines.append(message))
    logger.access(Response(), Request(), environ, datetime.timedelta(milliseconds=5))
    entry = json.loads(lines[-1])
    assert entry["path"] == "/matching/unsubscribe/…/" and entry["status_code"] == 200 and entry["ms"] == 5
    assert "SECRET-TOKEN" not in lines[-1] and "OTHER-TOKEN" not in lines[-1]


def test_gunicorn_refuses_to_start_with_one_line_when_the_database_is_down(tmp_path):
    gunicorn = Path(sys.executable).with_name("gunicorn")
    if not gunicorn.exists():
        pytest.fail("gunicorn is pinned in requirements.lock and must be installed")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": "g" * 10 + "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKL",
        "DATABASE_URL": "postgres://keqiao:pw@127.0.0.1:1/keqiao",
        "GUNICORN_BIND": "127.0.0.1:0",
        "GUNICORN_ACCESS_LOG": "-",
        "RUNTIME_DIRECTORY": str(tmp_path),
        "KEQIAO_WARM_UP": "false",
    }
    env.pop("REDIS_URL", None)
    env.pop("CELERY_BROKER_URL", None)
    result = subprocess.run(  # noqa: S603 - our own gunicorn and configuration
        [str(gunicorn), "--config", str(DEPLOY / "gunicorn.conf.py"), "config.wsgi"],
        cwd=tmp_path,  # like systemd would not: the configuration finds the source tree itself
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 69, result.stderr[-2000:]
    assert "keqiao: database unreachable (DATABASE_URL, 127.0.0.1)" in result.stderr
    assert "Traceback" not in result.stderr


# --- logrotate and cron -----------------------------------------------------------------------------


def test_logrotate_rules(tmp_path):
    rules = (DEPLOY / "logrotate" / "keqiao").read_text()
    assert "/var/log/keqiao/*.log" in rules and "USR1" in rules and "rotate 180" in rules
    binary = shutil.which("logrotate") or (
        "/usr/sbin/logrotate" if os.path.exists("/usr/sbin/logrotate") else None
    )
    if binary is None:
        return
    (tmp_path / "keqiao").write_text(
        rules.replace("/var/log/keqiao/", f"{tmp_path}/").replace("create 0640 keqiao adm", "create")
    )
    (tmp_path / "access.log").write_text("x\n")
    result = subprocess.run(  # noqa: S603 - logrotate's debug mode changes nothing
        [binary, "-d", "-s", str(tmp_path / "state"), str(tmp_path / "keqiao")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0 and "error" not in result.stderr.lower(), result.stderr


def test_cron_jobs_name_commands_that_exist():
    from django.core.management import get_commands

    commands = get_commands()
    lines = [
        line
        for line in (DEPLOY / "cron" / "keqiao").read_text().splitlines()
        if line and (line[0].isdigit() or line[0] == "*")
    ]
    # Every job beat schedules has its cron line (beat runs the same commands' functions).
    from config.celery import app

    assert len(lines) == len(app.conf.beat_schedule)
    for line in lines:
        fields = line.split(None, 6)
        assert fields[5] == "keqiao"
        assert "set -a && . /etc/keqiao/keqiao.env && set +a" in fields[6]
        command = re.search(r"manage\.py (\w+)", fields[6]).group(1)
        assert command in commands, command
