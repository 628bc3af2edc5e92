"""Time the first pages after start-up, as a visitor of `make demo` meets them.

Starts `manage.py runserver --noreload` on the current database (run `make demo` once first), waits until
it listens, then times the first request of an achievement page, a demand page (both with their matches
panel) and the home page, then the same pages again. Prints one JSON object.

    .venv/bin/python bench/first_page.py [--port 8765]

A benchmark, not a test: nothing here fails on a slow machine.
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = "config.settings.dev"  # the settings `make demo` serves with


def _first_ids() -> tuple[int, int]:
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from keqiao.achievements.models import Achievement
    from keqiao.demands.models import Demand

    a = Achievement.objects.filter(status="published").order_by("pk").values_list("pk", flat=True).first()
    d = Demand.objects.filter(status="published").order_by("pk").values_list("pk", flat=True).first()
    if a is None or d is None:
        sys.exit("No published achievement or demand: run `make demo` first.")
    return a, d


def _get(url: str) -> float:
    started = time.perf_counter()
    with urllib.request.urlopen(url, timeout=120) as response:  # noqa: S310 -- our own local server
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{url}: HTTP {response.status}")
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()
    achievement, demand = _first_ids()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": SETTINGS}
    started = time.perf_counter()
    server = subprocess.Popen(  # noqa: S603 -- fixed command line
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{args.port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 300
        while True:
            try:
                with socket.create_connection(("127.0.0.1", args.port), timeout=0.2):
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("the server did not start:\n" + (server.stderr.read() or "")) from None
                time.sleep(0.05)
        ready = time.perf_counter() - started
        base = f"http://127.0.0.1:{args.port}"
        pages = {
            "achievement": f"{base}/achievements/{achievement}/",
            "demand": f"{base}/demands/{demand}/",
            "home": f"{base}/",
        }
        first = {name: round(_get(url) * 1000, 1) for name, url in pages.items()}
        second = {name: round(_get(url) * 1000, 1) for name, url in pages.items()}
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(
        json.dumps(
            {
                "server_listening_after_s": round(ready, 2),
                "first_request_ms": first,
                "second_request_ms": second,
            }
        )
    )


if __name__ == "__main__":
    main()
