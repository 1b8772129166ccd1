"""Per-principal request rate, counted in the cache backend so that, with Redis, every
replica shares one count. Fixed one-minute windows: cheap, and exact enough for abuse.

If the backend fails, each process counts on its own for a while (the limit then holds per
replica instead of overall) rather than letting everything through or refusing everything.
"""

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from gateway.auth import CustomerPrincipal, Principal, ServicePrincipal
from gateway.web.auth import GUARDED_PATHS, principal_of

log = logging.getLogger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
WINDOW = 60


class RateLimiter:
    """``backend`` is the shared (Redis) cache backend, or None to count in this process."""

    def __init__(
        self, backend: Any | None, limit: int, clock: Callable[[], float] = time.time
    ) -> None:
        self.backend = backend
        self.limit = limit
        self.clock = clock
        self.local: dict[str, int] = {}
        self._window = -1

    async def retry_after(self, identity: str) -> float | None:
        """None while under the limit; else the seconds until the window turns."""
        now = self.clock()
        window = int(now // WINDOW)
        count = await self._count(f"ratelimit:{identity}:{window}", window)
        if count <= self.limit:
            return None
        return WINDOW - now % WINDOW

    async def _count(self, key: str, window: int) -> int:
        if self.backend is None:
            return self._count_here(key, window)
        try:
            count = int(await self.backend.increment(key, 1))
            if count == 1:
                await self.backend.expire(key, WINDOW + 1)
        except Exception:
            log.warning("rate-limit backend failed; counting in this process", exc_info=True)
            return self._count_here(key, window)
        return count

    def _count_here(self, key: str, window: int) -> int:
        if window != self._window:  # a new minute: last minute's counts are over
            self._window = window
            self.local.clear()
        count = self.local[key] = self.local.get(key, 0) + 1
        return count


def identity_of(request: web.Request, principal: Principal) -> str:
    if isinstance(principal, CustomerPrincipal):
        return f"customer:{principal.merchant_customer_id}"
    if isinstance(principal, ServicePrincipal):
        return f"service:{principal.name}"
    return f"address:{request.remote}"


def rate_limiting(
    limiter: Callable[[], RateLimiter],
) -> Callable[..., Awaitable[web.StreamResponse]]:
    @web.middleware
    async def limit(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path not in GUARDED_PATHS:
            return await handler(request)
        wait = await limiter().retry_after(identity_of(request, principal_of(request)))
        if wait is None:
            return await handler(request)
        return web.json_response(
            {
                "errors": [
                    {
                        "message": "Too many requests; retry later.",
                        "extensions": {"code": "RATE_LIMITED"},
                    }
                ]
            },
            status=429,
            headers={"Retry-After": str(max(1, int(wait + 0.999)))},
        )

    return limit
