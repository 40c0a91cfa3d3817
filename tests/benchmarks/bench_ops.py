"""Benchmark: health endpoints and the cost of request logging (req/s), against a bare handler.

    python -m tests.benchmarks.bench_ops [--seconds 5] [--clients 8]

Starts the app twice under uvicorn (one worker each, ports from the OS), request log on (written to
a file, text format) and off, on a fresh migrated SQLite database. Each server also carries
`/bench/bare` (async, returns "ok": the baseline, through the same middleware) and `/bench/old-health`
(what /health did before: a request session, SELECT 1 and the Alembic revision check on every call).
The client is keep-alive HTTP/1.1 from threads in this process; the figures are the client's.
"""

from __future__ import annotations

import argparse
import http.client
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

SERVER = r"""
import sys, uvicorn
from litestar import get
from sqlalchemy import select
from app.web.app import create_app
from app.web.deps import DbSession

@get("/bench/bare", sync_to_thread=False)
async def bare() -> str:
    return "ok"

@get("/bench/old-health", sync_to_thread=True)
def old_health(db_session: DbSession) -> dict:
    from app.db.migrate import is_up_to_date
    db_session.execute(select(1))
    return {"status": "ok", "migrations": "current" if is_up_to_date() else "behind"}

app = create_app(extra_route_handlers=(bare, old_health), run_schedule=False, request_log=sys.argv[2] == "on")
uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False)
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_up(port: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/health/live")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("server did not start")


def load(port: int, path: str, seconds: float, clients: int) -> float:
    counts = [0] * clients
    stop = time.monotonic() + seconds

    def client(index: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < stop:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            if response.status not in (200, 404):
                raise RuntimeError(f"{path}: {response.status}")
            counts[index] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(counts) / (time.monotonic() - started)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=8)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="jianti-bench-ops-"))
    env = {
        **os.environ,
        "JIANTI_DATABASE_URL": os.environ.get("JIANTI_DATABASE_URL", f"sqlite:///{tmp / 'bench.db'}"),
        "JIANTI_SECRET_KEY": "bench",
        "JIANTI_DATA_DIR": str(tmp / "files"),
    }
    env.pop("JIANTI_QUEUE_URL", None)
    subprocess.run([sys.executable, "-m", "app.cli.main", "db", "upgrade"], env=env, check=True, capture_output=True)
    servers = {}
    for mode in ("on", "off"):
        port = free_port()
        log = open(tmp / f"requests-{mode}.log", "w")  # noqa: SIM115
        servers[mode] = (port, subprocess.Popen([sys.executable, "-c", SERVER, str(port), mode], env=env, stderr=log))
    try:
        for port, _proc in servers.values():
            wait_up(port)
        print(
            f"database {env['JIANTI_DATABASE_URL'].split(':')[0]}, {args.clients} keep-alive clients, {args.seconds:.0f} s each"
        )
        results = {}
        for mode, (port, _proc) in servers.items():
            for path in ("/bench/bare", "/health/live", "/health/ready", "/health", "/bench/old-health"):
                load(port, path, 1.0, args.clients)  # warm-up
                results[(mode, path)] = load(port, path, args.seconds, args.clients)
        bare = results[("on", "/bench/bare")]
        print(f"{'path':<20}{'req/s (log on)':>16}{'x bare':>8}{'req/s (log off)':>17}")
        for path in ("/bench/bare", "/health/live", "/health/ready", "/health", "/bench/old-health"):
            on, off = results[("on", path)], results[("off", path)]
            print(f"{path:<20}{on:>16.0f}{on / bare:>8.2f}{off:>17.0f}")
        cost = 1 - results[("on", "/bench/bare")] / results[("off", "/bench/bare")]
        print(f"request logging costs {cost * 100:.1f}% of req/s on the bare handler (same run)")
        lines = sum(1 for _ in open(tmp / "requests-on.log"))
        print(f"log lines written by the logging server: {lines}")
    finally:
        for _port, proc in servers.values():
            proc.terminate()
            proc.wait(10)


if __name__ == "__main__":
    main()
