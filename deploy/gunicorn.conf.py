"""gunicorn settings for Keqiao (docs/operator-guide.md §2.5). Used by deploy/systemd/keqiao.service:

    .venv/bin/gunicorn --config deploy/gunicorn.conf.py config.wsgi

Every value can be changed from the environment file without editing this one: GUNICORN_BIND,
GUNICORN_WORKERS, GUNICORN_TIMEOUT, GUNICORN_ACCESS_LOG ("-" for standard output, "" for none) and
GUNICORN_CONTROL_SOCKET.
"""

import os
import sys
import time
from pathlib import Path

from gunicorn.glogging import Logger

ROOT = Path(__file__).resolve().parents[1]  # the source tree (deploy/..), importable by the hooks below
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")]
# Each worker holds the search indexes and the matcher in memory (operator guide §5, §9): count the
# memory before raising this. 2 × cores + 1, at most 4, unless set.
workers = int(os.environ.get("GUNICORN_WORKERS") or min(4, 2 * (os.cpu_count() or 1) + 1))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))  # a request taking longer is killed (and logged)
graceful_timeout = 30  # on restart or HUP, requests in flight get this long to finish
keepalive = 5  # behind nginx on the same machine
# Recycle each worker after a few thousand requests (with jitter, so they do not all restart at once):
# bounds memory growth, and a new worker starts from the night's fresh snapshots.
max_requests = 5000
max_requests_jitter = 500
# The proxy on this machine sets X-Forwarded-*; Django reads them (SECURE_PROXY_SSL_HEADER,
# KEQIAO_TRUSTED_PROXIES), gunicorn only needs to trust the scheme from it.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108 - heartbeat files in RAM, gunicorn's advice
limit_request_line = 8190

# Logs: errors and gunicorn's own messages to standard error (journald), the access log to a file
# rotated by deploy/logrotate/keqiao. Client address from X-Forwarded-For, the time taken in ms; with
# LOG_FORMAT=json one JSON object per request instead (KeqiaoLogger below).
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "/var/log/keqiao/access.log") or None
access_log_format = '%({x-forwarded-for}i)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'

# The control socket (gunicornc) must not collide with another gunicorn of the same user (a second
# instance, the load benchmark): one per bound address, in the service's runtime directory.
_runtime = os.environ.get("RUNTIME_DIRECTORY") or str(ROOT / "var")  # systemd's RuntimeDirectory=
control_socket = os.environ.get("GUNICORN_CONTROL_SOCKET") or os.path.join(
    _runtime, "gunicorn-" + bind[0].replace("/", "_").replace(":", "_") + ".ctl"
)
control_socket_mode = 0o600


class KeqiaoLogger(Logger):
    """The access log without the secrets that travel in URL paths (unsubscribe and password-reset
    tokens): masked in every field, the request line, the path, the referrer and the headers."""

    def atoms(self, resp, req, environ, request_time):
        from config.observability import redact

        atoms = super().atoms(resp, req, environ, request_time)
        return {key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()}

    def access(self, resp, req, environ, request_time):
        """With LOG_FORMAT=json, one JSON object per request (for log shippers), like the application's
        own lines: time (UTC), client, method, path, query, status, bytes, referrer, agent, ms."""
        if os.environ.get("LOG_FORMAT", "text").strip().lower() != "json" or not self.access_log_enabled:
            return super().access(resp, req, environ, request_time)
        import datetime
        import json

        atoms = self.atoms(resp, req, environ, request_time)
        entry = {
            "time": datetime.datetime.now(datetime.UTC).isoformat(timespec="milliseconds"),
            "level": "INFO",
            "logger": "gunicorn.access",
            "client": atoms.get("{x-forwarded-for}i") or atoms.get("h"),
            "method": atoms.get("m"),
            "path": atoms.get("U"),
            "query": atoms.get("q") or "",
            "status_code": int(str(atoms.get("s")).split()[0])
            if str(atoms.get("s", "")).isdigit()
            else atoms.get("s"),
            "bytes": atoms.get("B"),
            "referrer": atoms.get("f"),
            "user_agent": atoms.get("a"),
            "ms": atoms.get("M"),
        }
        self.access_log.info(json.dumps(entry, ensure_ascii=False, default=str))


logger_class = KeqiaoLogger


def on_starting(server):
    """In the master, before any worker: a configuration error or an unreachable database, cache or
    broker stops the start with one line naming it (config/startup.py), instead of every worker
    failing with a traceback."""
    import django

    from config.startup import check_services, load_settings

    load_settings()
    django.setup()
    check_services()
    from django.db import connections

    connections.close_all()  # never share the master's connection with forked workers


def post_worker_init(worker):
    """config.wsgi has loaded the snapshots (keqiao/portal/warmup.py); catch the indexes up with the
    change log before the worker takes its first request. Only catching up: building an index that
    has no snapshot is left to `rebuild_search_index` (a build here could outlast the timeout)."""
    started = time.perf_counter()
    try:
        from keqiao.matching.index import get_match_index

        matcher = get_match_index()
        if matcher.matcher is not None:
            matcher.refresh()
        worker.log.info("worker %s ready in %.2fs", worker.pid, time.perf_counter() - started)
    except Exception:  # never keep a worker from serving: the first request retries
        worker.log.exception("worker %s: catching up the indexes failed", worker.pid)
