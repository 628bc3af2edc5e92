"""Load benchmark: concurrent clients against gunicorn on PostgreSQL, production settings, loopback only.

    .venv-bench/bin/python bench/load_bench.py [--duration 300] [--users 50] [--json var/bench/load.json]

`scripts/run-bench.sh` builds .venv-bench (requirements.lock, which has gunicorn, + requirements-bench.lock:
locust) and runs this when PostgreSQL answers. Steps:

1. the database (default postgres://postgres@127.0.0.1:5432/kq_load) is created if missing, migrated,
   filled with the demo data, and the search indexes and the matcher are rebuilt (their snapshots are
   what each gunicorn worker loads at start); static files are collected;
2. gunicorn serves config.wsgi with config.settings.bench — production settings plus a hello-world view
   (config/bench_urls.py) — on 127.0.0.1;
3. locust (headless) drives the same number of clients through three phases on that one server: the
   hello-world view alone and the search page alone (--baseline seconds each: the capacity of each),
   then the mixed workload for --duration seconds: search, achievement and demand pages, the API (list
   and detail), and messages posted in a negotiation room by the clients signed in as its parties
   (--signed-in, default 10 of the 50; bench/locustfile.py);
4. one JSON object is printed and written: per phase and request group the requests, req/s, p50, p95,
   p99 (ms) and errors; the search/hello ratio; whether the goals are met (no error; the search page at
   >= 50 % of hello-world's req/s).

Every request goes to 127.0.0.1; each phase is bounded by locust's --run-time and a process timeout, and
the server is stopped at the end. A benchmark, not a test: it reports, it does not fail on a slow machine.
"""

import argparse
import csv
import datetime
import json
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import psycopg
from psycopg import sql

ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"  # loopback only
GROUPS = ["search", "achievement_detail", "demand_detail", "api_list", "api_detail", "message_post"]
DEMO_PASSWORD = "keqiao-demo-2026"  # noqa: S105 -- the published demo password (README)

IDS_SCRIPT = """
import json
from keqiao.accounts.models import User
from keqiao.achievements.models import Achievement
from keqiao.demands.models import Demand
from keqiao.negotiations.models import Deal
a = list(Achievement.objects.filter(status="published").order_by("pk").values_list("pk", flat=True)[:1000])
d = list(Demand.objects.filter(status="published").order_by("pk").values_list("pk", flat=True))
deal = Deal.objects.filter(status="negotiating").order_by("pk").first()
parties = sorted(User.objects.filter(is_active=True, email__endswith="@demo.keqiao.example",
    memberships__organization__in=[deal.initiator_id, deal.counterpart_id]).values_list("username", flat=True))
print(json.dumps({"achievements": a, "demands": d, "deal": deal.pk, "parties": parties}))
"""


def _log(message: str) -> None:
    print(f"[load_bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def ensure_database(url: str) -> None:
    """Create the benchmark's database when it does not exist (connecting to the server's `postgres`)."""
    info = psycopg.conninfo.conninfo_to_dict(url.replace("postgres://", "postgresql://", 1))
    name = info.pop("dbname")
    with psycopg.connect(**{**info, "dbname": "postgres"}, autocommit=True, connect_timeout=5) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            _log(f"creating database {name}")
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def server_env(args) -> dict:
    var = ROOT / "var" / "load-bench"
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.bench",
        "DATABASE_URL": args.database_url,
        "DB_CONN_MAX_AGE": "60",  # as the operator guide recommends
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "SECURE_SSL_REDIRECT": "false",  # plain HTTP on loopback; no TLS proxy in front
        "KEQIAO_VAR_DIR": str(var),
        "STATIC_ROOT": str(var / "static"),
        "LOG_LEVEL": "WARNING",
    }


def manage(env: dict, *command: str, timeout: int = 1800) -> str:
    _log("manage.py " + " ".join(command[:2]))
    done = subprocess.run(  # noqa: S603 -- fixed command line
        [sys.executable, "manage.py", *command],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    return done.stdout


def prepare(env: dict) -> dict:
    manage(env, "compile_translations")
    manage(env, "migrate", "--noinput")
    manage(env, "load_demo_data")
    manage(env, "rebuild_search_index")
    manage(env, "collectstatic", "--noinput")
    return json.loads(manage(env, "shell", "-c", IDS_SCRIPT).strip().splitlines()[-1])


def _get(url: str, timeout: float = 120) -> int:
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 -- our loopback server
        response.read()
        return response.status


def start_server(env: dict, args, log_path: Path) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi",
        "--bind",
        f"{HOST}:{args.port}",
        "--workers",
        str(args.workers),
        "--threads",
        str(args.threads),
        "--timeout",
        "120",
        "--graceful-timeout",
        "10",
    ]
    _log(" ".join(command[2:]))
    log = log_path.open("w")
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped (exit {server.returncode}); see {log_path}")
        try:
            if _get(f"http://{HOST}:{args.port}/healthz", timeout=5) == 200:
                return server
        except OSError:
            time.sleep(1)
    stop_server(server)
    raise SystemExit(f"gunicorn did not answer within 300 s; see {log_path}")


def warm(args, ids: dict) -> None:
    """A few requests of each kind per worker before measuring (each worker loads its indexes once)."""
    base = f"http://{HOST}:{args.port}"
    paths = ["/bench/hello/", "/achievements/?q=泡菜", f"/achievements/{ids['achievements'][0]}/"]
    paths += [f"/demands/{ids['demands'][0]}/", "/api/v1/achievements?q=竹编"]
    for _ in range(args.workers * 2):
        for path in paths:
            _get(base + urllib.request.quote(path, safe="/?=&"))


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def run_phase(phase: str, seconds: int, args, ids: dict, out: Path) -> dict:
    prefix = out / f"load-{phase}"
    env = {
        **os.environ,
        "BENCH_PHASE": phase,
        "BENCH_ACHIEVEMENTS": ",".join(map(str, ids["achievements"])),
        "BENCH_DEMANDS": ",".join(map(str, ids["demands"])),
        "BENCH_DEAL": str(ids["deal"]),
        "BENCH_PARTIES": ",".join(ids["parties"]),
        "BENCH_PASSWORD": DEMO_PASSWORD,
        "BENCH_SIGNED_IN": str(args.signed_in),
    }
    command = [sys.executable, "-m", "locust", "-f", str(ROOT / "bench" / "locustfile.py"), "--headless"]
    command += ["-u", str(args.users), "-r", str(args.users), "--run-time", f"{seconds}s"]
    command += ["--host", f"http://{HOST}:{args.port}", "--csv", str(prefix), "--only-summary"]
    command += ["--stop-timeout", "10", "--exit-code-on-error", "0", "--loglevel", "WARNING"]
    _log(f"phase {phase}: {args.users} clients for {seconds} s")
    subprocess.run(command, cwd=ROOT, env=env, check=True, timeout=seconds + 180, capture_output=True)  # noqa: S603
    return read_stats(Path(f"{prefix}_stats.csv"))


def read_stats(path: Path) -> dict:
    """locust's CSV statistics: one entry per request name, and "all" for the aggregate."""
    stats = {}
    with path.open(newline="") as f:
        for row in csv.DictReader(f):
            name = "all" if row["Name"] == "Aggregated" else row["Name"]
            stats[name] = {
                "requests": int(row["Request Count"]),
                "req_per_s": round(float(row["Requests/s"]), 1),
                "p50_ms": _ms(row["50%"]),
                "p95_ms": _ms(row["95%"]),
                "p99_ms": _ms(row["99%"]),
                "errors": int(row["Failure Count"]),
            }
    return stats


def _ms(value: str) -> float | None:
    return None if value in ("", "N/A") else float(value)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=int, default=300, help="seconds of the mixed workload")
    parser.add_argument("--baseline", type=int, default=30, help="seconds of hello-world and of search alone")
    parser.add_argument("--users", type=int, default=50, help="concurrent clients")
    parser.add_argument("--signed-in", type=int, default=10, help="clients signed in as a party (mixed)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=1, help="threads per gunicorn worker")
    parser.add_argument("--port", type=int, default=8790)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/kq_load"),
    )
    parser.add_argument("--json", type=Path, default=ROOT / "var" / "bench" / "load.json")
    parser.add_argument("--skip-setup", action="store_true", help="the database is ready: do not load it")
    args = parser.parse_args()
    if not 1 <= args.users <= 500 or not 1 <= args.duration <= 3600:
        raise SystemExit("--users must be 1..500 and --duration 1..3600 seconds")

    out = args.json.parent
    out.mkdir(parents=True, exist_ok=True)
    ensure_database(args.database_url)
    env = server_env(args)
    if args.skip_setup:
        ids = json.loads(manage(env, "shell", "-c", IDS_SCRIPT).strip().splitlines()[-1])
    else:
        ids = prepare(env)
    load_before = os.getloadavg()
    server = start_server(env, args, out / "load-gunicorn.log")
    try:
        warm(args, ids)
        phases = {
            "hello": run_phase("hello", args.baseline, args, ids, out),
            "search": run_phase("search", args.baseline, args, ids, out),
            "mixed": run_phase("mixed", args.duration, args, ids, out),
        }
    finally:
        stop_server(server)

    hello = phases["hello"]["hello"]["req_per_s"]
    search = phases["search"]["search"]["req_per_s"]
    errors = sum(p["all"]["errors"] for p in phases.values())
    report = {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": {"cores": os.cpu_count(), "load_average_before": [round(x, 2) for x in load_before]},
        "server": {
            "gunicorn_workers": args.workers,
            "gunicorn_threads": args.threads,
            "settings": "config.settings.bench (production + hello-world view, cookies over plain HTTP)",
            "database": "PostgreSQL",
        },
        "clients": args.users,
        "signed_in_clients": min(args.signed_in, args.users),
        "seconds": {"hello": args.baseline, "search": args.baseline, "mixed": args.duration},
        "pages_visited": {"achievements": len(ids["achievements"]), "demands": len(ids["demands"])},
        "phases": phases,
        "search_to_hello": round(search / hello, 3) if hello else None,
        "goals": {
            "no_errors": errors == 0,
            "search_at_least_half_of_hello": bool(hello and search / hello >= 0.5),
        },
    }
    text = json.dumps(report, ensure_ascii=False, indent=2)
    args.json.write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
