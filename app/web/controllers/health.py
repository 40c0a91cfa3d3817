"""Liveness and readiness for load balancers and orchestrators (no database work per call)."""

from __future__ import annotations

from dataclasses import dataclass

from litestar import Request, Response, get

from app.ops.health import Readiness, default_readiness
from app.web.threads import run_beside_handlers


@dataclass
class LiveOut:
    status: str


def readiness(request: Request) -> Readiness:
    state = request.app.state
    if state.get("readiness") is None:
        state["readiness"] = default_readiness()
    return state["readiness"]


@get("/health/live", summary="Liveness: the process answers", tags=["system"])
async def health_live() -> LiveOut:
    return LiveOut("ok")


@get("/health/ready", summary="Readiness: database reachable, migrations current, queue reachable", tags=["system"])
async def health_ready(request: Request) -> Response[dict[str, str]]:
    """Cached: the database and queue pings are about 2 s old, the migration check at most 60 s."""
    checks = readiness(request)
    if checks.must_wait():
        await run_beside_handlers(checks.refresh_stale)  # never queued behind busy handlers
    elif checks.stale():
        checks.refresh_in_background()
    ready, report = checks.report()
    return Response(report, status_code=200 if ready else 503)


@get("/health", summary="Readiness (alias of /health/ready)", tags=["system"])
async def health(request: Request) -> Response[dict[str, str]]:
    return await health_ready.fn(request)


route_handlers = [health_live, health_ready, health]
