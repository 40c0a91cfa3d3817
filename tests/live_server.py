"""A real `jianti serve` in a child process, for tests that need processes, sockets and signals."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from app.settings import get_settings


def server_env(database_url: str) -> dict[str, str]:
    """The test run's settings for a child process: same database, secret and data folder; no queue, no schedule."""
    settings = get_settings()
    env = {
        **os.environ,
        "JIANTI_DATABASE_URL": database_url,
        "JIANTI_SECRET_KEY": settings.secret_key,
        "JIANTI_DATA_DIR": str(settings.data_dir),
        "JIANTI_LOG_FORMAT": "json",
        "JIANTI_SUPERVISION_AT": "off",
    }
    env.pop("JIANTI_QUEUE_URL", None)
    return env


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, env: dict[str, str], log: Path, workers: int = 1) -> None:
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "app.cli.main", "serve", "--port", str(self.port), "--workers", str(workers)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log.open("w"),
        )

    def wait(self) -> None:
        deadline = time.monotonic() + 60
        # one client for all polls: httpx.get() builds a client and its TLS context (~25 ms of CPU) each time
        with httpx.Client(timeout=2) as client:
            while time.monotonic() < deadline:
                with contextlib.suppress(httpx.HTTPError):  # not listening yet
                    if client.get(f"{self.base}/health/ready").status_code == 200:
                        return
                if self.process.poll() is not None:
                    raise RuntimeError(self.log.read_text()[-3000:])
                time.sleep(0.05)
        raise RuntimeError("server did not become ready")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            self.process.kill()

    def request_lines(self) -> list[dict]:
        """The server's request log (JSON lines)."""
        lines = []
        for line in self.log.read_text().splitlines():
            if line.startswith("{"):
                data = json.loads(line)
                if data.get("event") == "request":
                    lines.append(data)
        return lines
