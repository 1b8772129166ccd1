"""Per-principal request rate, counted in the cache backend so that, with Redis, every
replica shares one count. Fixed one-minute windows: cheap, and exact enough for abuse.
The same limiter counts failed authentications per client address (see ``web.auth``).

If the backend fails, each process counts on its own for a while (the limit then holds per
replica instead of overall) rather than letting everything through or refusing everything.
"""

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler

from gateway.auth import Principal
from gateway.web.auth import GUARDED_PATHS, principal_of, rate_limited

log = logging.getLogger(__name__)

WINDOW = 60


class RateLimiter:
    """``backend`` is the shared (Redis) cache backend, or None to count in this process."""

    def __init__(
        self,
        backend: Any | None,
        limit: int,
        clock: Callable[[], float] = time.time,
        *,
        prefix: str = "ratelimit",
    ) -> None:
        self.backend = backend
        self.limit = limit
        self.prefix = prefix
        self.clock = clock
        self.local: dict[str, int] = {}
        self._window = -1

    async def retry_after(self, identity: str, limit: int | None = None) -> float | None:
        """Counts one; None while the count is within ``limit`` (by default the limiter's
        own), else the seconds until the window turns."""
        now = self.clock()
        window = int(now // WINDOW)
        count = await self._count(self._key(identity, window), window)
        if count <= (self.limit if limit is None else limit):
            return None
        return WINDOW - now % WINDOW

    async def exhausted(self, identity: str, limit: int) -> float | None:
        """Counts nothing: None while fewer than ``limit`` were counted in this window,
        else the seconds until it turns."""
        now = self.clock()
        window = int(now // WINDOW)
        if await self._read(self._key(identity, window), window) < limit:
            return None
        return WINDOW - now % WINDOW

    def _key(self, identity: str, window: int) -> str:
        return f"{self.prefix}:{identity}:{window}"

    async def _read(self, key: str, window: int) -> int:
        if self.backend is None:
            return self._read_here(key, window)
        try:
            return int(await self.backend.get(key) or 0)
        except Exception:
            log.warning("rate-limit backend failed; counting in this process", exc_info=True)
            return self._read_here(key, window)

    def _read_here(self, key: str, window: int) -> int:
        return self.local.get(key, 0) if window == self._window else 0

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
    """The principal's identity; callers without credentials are told apart by address."""
    return principal.identity if principal.authenticated else f"address:{request.remote}"


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
        return rate_limited(request, wait)

    return limit
