"""Load test on loopback (issue 10): many users with a realistic mix against `jianti serve --workers 2`.

    python -m tests.load.run_load [--users 50] [--seconds 60] [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/postgres]

A fresh database (created and dropped here) is seeded by `jianti demo --no-serve` (2,300 items);
each user takes a demo account's API token and loops: the items list (paged, sometimes filtered or
searched), an item page, its handling JSON, the inbox, and now and then a write (a communication
record; refusals such as 409/422 are answers, not errors). Bounded in time and count, 127.0.0.1 only.
Errors are 5xx answers and failed connections; the run fails (exit 1) on any.

The baseline in the same run: a bare Litestar handler (one SELECT through SQLAlchemy on the same
database) under `uvicorn --workers 2`, driven by the same client code.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from uuid import uuid4

import httpx

ROOT = Path(__file__).resolve().parents[2]
DEPARTMENT_USERS = ("jtw", "jw")
OFFICE_USERS = ("staff", "leader")
MAX_REQUESTS = 200_000  # a hard cap besides the time bound


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    refused: int = 0
    by_kind: dict[str, list[float]] = field(default_factory=dict)

    def add(self, seconds: float, status: int, what: str) -> None:
        self.latencies.append(seconds)
        self.by_kind.setdefault(re.sub(r"/\d+", "/{id}", what.split("?")[0]), []).append(seconds)
        if status >= 500:
            self.errors.append(f"{status} {what}")
        elif status >= 400:
            self.refused += 1


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait(base: str, path: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    with httpx.Client(timeout=2) as client:  # one client (and TLS context) for all polls
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise SystemExit(f"server exited with {process.returncode}")
            with contextlib.suppress(httpx.HTTPError):  # not listening yet
                if client.get(base + path).status_code == 200:
                    return
            time.sleep(0.3)
    raise SystemExit("server did not start")


def _create_database(base_url: str) -> tuple[str, Callable[[], None]]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    if base_url.startswith("sqlite"):
        path = Path(tempfile.mkdtemp()) / "load.db"
        return f"sqlite:///{path}", lambda: None
    name = f"jianti_load_{uuid4().hex[:8]}"
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(base_url).set(database=name).render_as_string(hide_password=False), drop


def _tokens(env: dict[str, str]) -> dict[str, str]:
    code = textwrap.dedent(
        """
        import json
        from app.db.engine import session_scope
        from app.services import accounts
        from app.services.actor import Actor
        with session_scope() as s:
            print(json.dumps({u: accounts.issue_token(s, Actor.system(), u) for u in USERS}))
        """
    ).replace("USERS", repr(DEPARTMENT_USERS + OFFICE_USERS))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    import json

    return json.loads(out.stdout.strip().splitlines()[-1])


async def _user(base: str, token: str, department: bool, stop_at: float, tally: Tally, rng: random.Random) -> None:
    headers = {"Authorization": f"Bearer {token}", "Accept-Language": "zh-CN"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as client:

        async def call(method: str, path: str, **kw) -> httpx.Response | None:
            began = time.perf_counter()
            try:
                response = await client.request(method, path, **kw)
            except httpx.HTTPError as exc:
                tally.errors.append(f"{type(exc).__name__} {path}")
                return None
            tally.add(time.perf_counter() - began, response.status_code, f"{method} {path}")
            return response

        first = await call("GET", "/api/items", params={"per_page": 50})
        ids = [row["id"] for row in (first.json().get("items", []) if first is not None and first.is_success else [])]
        assignments: list[int] = []
        if department:
            inbox = await call("GET", "/api/inbox")
            if inbox is not None and inbox.is_success:
                assignments = [row["assignment"]["id"] for row in inbox.json()]
        while time.monotonic() < stop_at and len(tally.latencies) < MAX_REQUESTS:
            roll = rng.random()
            if roll < 0.30:
                params = {"page": rng.randint(1, 5), "per_page": 50}
                if rng.random() < 0.3:
                    params["q"] = rng.choice(["交通", "教育", "养老", "停车", "社区"])
                if rng.random() < 0.3:
                    params["sort"] = rng.choice(["number", "-number", "due_on", "title"])
                await call("GET", "/api/items", params=params)
            elif roll < 0.45:
                await call("GET", "/items", params={"page": rng.randint(1, 3)})
            elif roll < 0.65 and ids:
                await call("GET", f"/items/{rng.choice(ids)}")
            elif roll < 0.80 and ids:
                await call("GET", f"/api/items/{rng.choice(ids)}/handling")
            elif roll < 0.95:
                await call(
                    "GET", "/api/inbox" if department else "/api/items", params={} if department else {"overdue": 1}
                )
            elif department and assignments:
                happened = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(time.time() - 3600))
                await call(
                    "POST",
                    f"/api/assignments/{rng.choice(assignments)}/communications",
                    json={"method": "phone", "happened_at": happened, "participants": "张建华", "notes": "电话沟通"},
                )
            await asyncio.sleep(rng.uniform(0, 0.05))  # a person's pause, shortened


async def _drive(base: str, users: list[tuple[str, bool]], seconds: float) -> tuple[Tally, float]:
    tally = Tally()
    stop_at = time.monotonic() + seconds
    began = time.monotonic()
    rng = random.Random(7)
    await asyncio.gather(*(_user(base, t, d, stop_at, tally, random.Random(rng.random())) for t, d in users))
    return tally, time.monotonic() - began


BARE_APP = """
import os
from litestar import Litestar, get
from sqlalchemy import create_engine, text

engine = create_engine(os.environ["BARE_DATABASE_URL"], pool_size=10)

@get("/bare", sync_to_thread=True)
def bare() -> dict:
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT id, number, title FROM items ORDER BY id LIMIT 50")).all()
    return {"items": [list(r) for r in rows]}

app = Litestar([bare])
"""


async def _bare_user(base: str, stop_at: float, tally: Tally) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        while time.monotonic() < stop_at and len(tally.latencies) < MAX_REQUESTS:
            began = time.perf_counter()
            try:
                response = await client.get("/bare")
            except httpx.HTTPError as exc:
                tally.errors.append(type(exc).__name__)
                continue
            tally.add(time.perf_counter() - began, response.status_code, "bare")
            await asyncio.sleep(random.uniform(0, 0.05))


def _figures(name: str, tally: Tally, elapsed: float) -> float:
    ordered = sorted(tally.latencies)
    rate = len(ordered) / elapsed
    p50 = statistics.median(ordered) * 1000 if ordered else 0
    p95 = ordered[int(len(ordered) * 0.95) - 1] * 1000 if ordered else 0
    print(
        f"{name:<10} {len(ordered):>7} requests in {elapsed:5.1f} s = {rate:7.1f} req/s   p50 {p50:6.1f} ms   "
        f"p95 {p95:6.1f} ms   refused (4xx) {tally.refused}   errors {len(tally.errors)}"
    )
    for kind, values in sorted(tally.by_kind.items()):
        values.sort()
        print(
            f"    {kind:<45} {len(values):>6}   p50 {statistics.median(values) * 1000:7.1f} ms   "
            f"p95 {values[int(len(values) * 0.95) - 1] * 1000 if len(values) > 1 else values[0] * 1000:7.1f} ms"
        )
    return rate


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50, choices=range(1, 201), metavar="1..200")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument(
        "--database-url",
        default=os.environ.get("JIANTI_TEST_DATABASE_URL") or "postgresql+psycopg://postgres@127.0.0.1:5432/postgres",
    )
    args = parser.parse_args()
    seconds = min(max(args.seconds, 5.0), 600.0)
    url, drop = _create_database(args.database_url)
    data_dir = tempfile.mkdtemp()
    env = {
        **os.environ,
        "JIANTI_DATABASE_URL": url,
        "JIANTI_DATA_DIR": data_dir,
        "JIANTI_SECRET_KEY": "load-test",
        "JIANTI_SUPERVISION_AT": "off",
        "JIANTI_LOG_FORMAT": "json",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("JIANTI_QUEUE_URL", None)
    processes: list[subprocess.Popen] = []
    try:
        print(f"seeding the demo into {url.rsplit('/', 1)[-1]} …", flush=True)
        subprocess.run(
            [sys.executable, "-m", "app.cli.main", "demo", "--no-serve"], env=env, check=True, stdout=subprocess.DEVNULL
        )
        tokens = _tokens(env)
        port = _free_port()
        log = open(Path(data_dir) / "server.log", "w")  # noqa: SIM115 - closed with the process
        server = subprocess.Popen(
            [sys.executable, "-m", "app.cli.main", "serve", "--port", str(port), "--workers", "2"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        processes.append(server)
        base = f"http://127.0.0.1:{port}"
        _wait(base, "/health/ready", server)
        names = list(tokens)
        users = [(tokens[names[i % len(names)]], names[i % len(names)] in DEPARTMENT_USERS) for i in range(args.users)]
        print(f"{args.users} users for {seconds:.0f} s against jianti serve --workers 2 …", flush=True)
        tally, elapsed = asyncio.run(_drive(base, users, seconds))

        bare_port = _free_port()
        bare_dir = Path(tempfile.mkdtemp())
        (bare_dir / "bare_app.py").write_text(BARE_APP)
        bare = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "bare_app:app",
                "--port",
                str(bare_port),
                "--workers",
                "2",
                "--log-level",
                "warning",
            ],
            env={**env, "BARE_DATABASE_URL": url, "PYTHONPATH": str(bare_dir)},
            cwd=bare_dir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        processes.append(bare)
        bare_base = f"http://127.0.0.1:{bare_port}"
        _wait(bare_base, "/bare", bare)
        bare_tally = Tally()

        async def drive_bare() -> float:
            stop_at = time.monotonic() + seconds
            began = time.monotonic()
            await asyncio.gather(*(_bare_user(bare_base, stop_at, bare_tally) for _ in range(args.users)))
            return time.monotonic() - began

        bare_elapsed = asyncio.run(drive_bare())
        print()
        rate = _figures("jianti", tally, elapsed)
        bare_rate = _figures("bare", bare_tally, bare_elapsed)
        print(f"ratio jianti / bare (req/s): {rate / bare_rate:.2f}")
        for error in tally.errors[:20]:
            print("error:", error)
        return 1 if tally.errors or bare_tally.errors else 0
    finally:
        for process in processes:
            process.terminate()
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
        drop()


if __name__ == "__main__":
    sys.exit(main())
