"""Threads for the short database work around a request: who is calling, the flash notice, the commit.

Sync handlers run on anyio's default limiter (40 threads). If that work shared it, handlers all
waiting on one row lock would starve the commit that frees the lock (issue 10: the server hung
for good on PostgreSQL). This limiter is apart from the handlers', so the work around a request
always finds a thread; each piece is short and its lock waits are bounded by lock_timeout.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import TypeVar

import anyio
import anyio.to_thread

T = TypeVar("T")
SIDE_THREADS = 16


@lru_cache(maxsize=1)
def side_limiter() -> anyio.CapacityLimiter:
    """Made on first use, inside the running event loop (one per worker process)."""
    return anyio.CapacityLimiter(SIDE_THREADS)


async def run_beside_handlers(function: Callable[..., T], *args: object) -> T:
    return await anyio.to_thread.run_sync(function, *args, limiter=side_limiter())
