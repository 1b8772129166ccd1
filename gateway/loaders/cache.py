"""Cached Yuno lookups behind the DataLoaders: aiocache, in memory or in Redis.

DataLoaders cache for one request; this cache spans requests (and, with Redis, replicas).
Entries are JSON text of the Yuno models (never pickle), under one namespace, with TTLs from
settings. Concurrent misses for one key in this process make one Yuno call (single flight).
If the backend fails, the lookup goes to Yuno and the failure is logged and counted: a cache
outage slows the gateway down, it never fails a request.
"""

import asyncio
import logging
import time
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import urlsplit

from aiocache import RedisCache
from aiocache.base import BaseCache
from aiocache.serializers import NullSerializer, StringSerializer
from pydantic import TypeAdapter

from gateway.settings import Settings

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Operations on the backend that take longer than this count as a backend failure.
BACKEND_TIMEOUT = 0.5
#: After a backend failure, lookups skip the backend this long, then try it again.
BACKEND_RETRY_AFTER = 1.0


class BoundedMemoryCache(BaseCache):  # type: ignore[misc]  # aiocache is untyped
    """An aiocache backend in this process's memory, bounded: past ``max_entries`` the
    oldest entries go (aiocache's own memory backend grows without bound). It implements
    aiocache's backend methods (``_get``, ``_set``, ...) on a dict of its own; expired
    entries are dropped when read or pushed out."""

    def __init__(
        self, max_entries: int, clock: Callable[[], float] = time.monotonic, **kwargs: Any
    ) -> None:
        super().__init__(**{"serializer": NullSerializer(), **kwargs})  # keeps objects
        self.max_entries = max_entries
        self.clock = clock
        self.entries: OrderedDict[str, tuple[object, float | None]] = OrderedDict()

    def peek(self, key: str) -> object | None:
        """A synchronous read, without aiocache's per-call wrappers (an environment
        lookup, a timeout, plugins): a hit on the hot path is one dictionary lookup."""
        return self._live(self.build_key(key))

    def _live(self, key: str) -> object | None:
        entry = self.entries.get(key)
        if entry is None:
            return None
        value, expires_at = entry
        if expires_at is not None and self.clock() >= expires_at:
            del self.entries[key]
            return None
        return value

    async def _get(self, key: str, encoding: str | None = "utf-8", _conn: object = None) -> object:
        return self._live(key)

    async def _set(
        self,
        key: str,
        value: object,
        ttl: float | None = None,
        _cas_token: object = None,
        _conn: object = None,
    ) -> bool:
        if _cas_token is not None:
            raise NotImplementedError("compare-and-set is not used by the gateway")
        self.entries[key] = (value, None if not ttl else self.clock() + ttl)
        self.entries.move_to_end(key)
        while len(self.entries) > self.max_entries:
            self.entries.popitem(last=False)
        return True

    async def _add(
        self, key: str, value: object, ttl: float | None = None, _conn: object = None
    ) -> bool:
        if self._live(key) is not None:
            raise ValueError(f"key {key!r} already exists, use set() instead")
        return await self._set(key, value, ttl)

    async def _exists(self, key: str, _conn: object = None) -> bool:
        return self._live(key) is not None

    async def _delete(self, key: str, _conn: object = None) -> int:
        return 0 if self.entries.pop(key, None) is None else 1

    async def _clear(self, namespace: str | None = None, _conn: object = None) -> bool:
        if namespace is None:
            self.entries.clear()
        else:
            for key in [k for k in self.entries if k.startswith(namespace)]:
                del self.entries[key]
        return True

    async def _close(self, *args: object, _conn: object = None, **kwargs: object) -> None:
        """Nothing to release."""


class Redis8Cache(RedisCache):  # type: ignore[misc]  # aiocache is untyped
    """aiocache 0.12's Redis backend calls ``setex`` and ``close``, which redis-py 8
    deprecates; its ``_set`` and ``_close`` are replaced here with ``set(px=)`` and
    ``aclose`` on its public ``client``."""

    async def _set(
        self,
        key: str,
        value: object,
        ttl: float | None = None,
        _cas_token: object = None,
        _conn: object = None,
    ) -> bool:
        if _cas_token is not None:
            raise NotImplementedError("compare-and-set is not used by the gateway")
        milliseconds = None if not ttl else max(1, int(ttl * 1000))
        return bool(await self.client.set(key, value, px=milliseconds))

    async def _close(self, *args: object, _conn: object = None, **kwargs: object) -> None:
        await self.client.aclose()


def backend_from_settings(settings: Settings) -> BaseCache:
    url = urlsplit(settings.cache_url)
    common = {
        "namespace": settings.cache_namespace,
        "serializer": StringSerializer(),
        "timeout": BACKEND_TIMEOUT,
    }
    if url.scheme == "memory":
        # No per-operation timeout in memory: it cannot hang, and asyncio.wait_for costs.
        in_memory = {**common, "timeout": None, "serializer": NullSerializer()}
        return BoundedMemoryCache(settings.cache_max_entries, **in_memory)
    if url.scheme in ("redis", "rediss"):
        return Redis8Cache(
            endpoint=url.hostname or "127.0.0.1",
            port=url.port or 6379,
            db=int(url.path.strip("/") or 0),
            password=url.password,
            ssl=url.scheme == "rediss",
            **common,
        )
    raise ValueError(f"unsupported cache URL scheme {url.scheme!r}: use memory:// or redis://")


@dataclass(frozen=True)
class _Kept:
    """A value kept as is by the in-process backend (frozen models): no JSON round trip."""

    value: Any


class LookupCache:
    """Typed get-or-load over an aiocache backend, with single flight and fail-open.

    In Redis, values are JSON text; in the process's own memory they are the (immutable)
    models themselves, so a hit costs a dictionary lookup, not a parse and a validation.
    """

    def __init__(self, backend: BaseCache, clock: Callable[[], float] = time.monotonic) -> None:
        self.backend = backend
        self.in_process = isinstance(backend, BoundedMemoryCache)
        self.hits = 0
        self.misses = 0
        self.failures = 0
        self._clock = clock
        self._down_until = 0.0
        self._inflight: dict[str, asyncio.Future[Any]] = {}
        self._invalidated_while_loading: set[str] = set()
        #: Told of every invalidation, by key: the response cache ends the answers built
        #: on what changed (the keys are their tags, see ``loaders``).
        self.listeners: list[Callable[[tuple[str, ...]], Awaitable[None]]] = []

    @property
    def available(self) -> bool:
        """False for a moment after a backend failure: a dead Redis costs one timeout a
        second, not one per lookup."""
        return self._clock() >= self._down_until

    async def fetch(
        self,
        key: str,
        ttl: float,
        adapter: TypeAdapter[T],
        load: Callable[[], Awaitable[T]],
    ) -> T:
        """The cached value for ``key``, or ``load()``'s, stored for ``ttl`` seconds."""
        cached = await self._get_entry(key)
        if cached is not None:
            self.hits += 1
            return self._decode(cached, adapter)
        self.misses += 1
        running = self._inflight.get(key)
        if running is not None:
            shared: T = await asyncio.shield(running)
            return shared
        return await self._load_once(key, ttl, adapter, load)

    def _encode(self, value: T, adapter: TypeAdapter[T]) -> object:
        return _Kept(value) if self.in_process else adapter.dump_json(value).decode()

    @staticmethod
    def _decode(entry: object, adapter: TypeAdapter[T]) -> T:
        if isinstance(entry, _Kept):
            kept: T = entry.value
            return kept
        return adapter.validate_json(entry)  # type: ignore[arg-type]  # str from Redis

    async def _load_once(
        self, key: str, ttl: float, adapter: TypeAdapter[T], load: Callable[[], Awaitable[T]]
    ) -> T:
        flight: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._inflight[key] = flight
        try:
            value = await load()
            flight.set_result(value)
        except BaseException as exc:
            flight.set_exception(exc)
            flight.exception()  # retrieved here, so an unwatched flight logs nothing
            raise
        finally:
            del self._inflight[key]
        overtaken = key in self._invalidated_while_loading
        self._invalidated_while_loading.discard(key)
        if ttl > 0 and not overtaken:  # a write that raced the load wins: do not cache
            await self._set(key, self._encode(value, adapter), ttl)
        return value

    async def remember(self, key: str, ttl: float, adapter: TypeAdapter[T], value: T) -> None:
        """Store a value the gateway learned first-hand (e.g. from a create response)."""
        await self._set(key, self._encode(value, adapter), ttl)

    async def recall(self, key: str, adapter: TypeAdapter[T]) -> T | None:
        """A remembered value, or None when absent, expired or the backend is down."""
        cached = await self._get_entry(key)
        return None if cached is None else self._decode(cached, adapter)

    async def claim(self, key: str, ttl: float) -> bool:
        """True for the first claim of ``key`` within ``ttl`` (across replicas with Redis).
        With the backend down every claim succeeds: better twice than never."""
        if not self.available:
            return True
        try:
            added: bool = await self.backend.add(key, "1", ttl=ttl)
        except ValueError:
            return False
        except Exception:
            self._failed("add", key)
            return True
        return added

    async def get_text(self, key: str) -> str | None:
        return await self._get(key)

    async def set_text(self, key: str, value: str, ttl: float) -> None:
        await self._set(key, value, ttl)

    async def invalidate(self, *keys: str) -> None:
        """Always attempted, even just after a backend failure: a lost invalidation would
        serve a stale value for a whole TTL, a failed one costs one timeout."""
        for key in keys:
            if key in self._inflight:
                self._invalidated_while_loading.add(key)
            try:
                await self.backend.delete(key)
            except Exception:
                self._failed("delete", key)
        for listener in self.listeners:
            await listener(keys)

    async def generation(self, scope: str) -> str:
        """A token that changes whenever ``bump(scope)`` runs: put it in keys derived from
        data of that scope, and one bump invalidates all of them at once."""
        return await self._get(f"generation:{scope}") or "0"

    async def bump(self, scope: str, ttl: float) -> None:
        """``ttl`` is the longest TTL of the keys that use this generation: once it has
        passed, every key made under an older generation has expired too."""
        await self._set(f"generation:{scope}", uuid.uuid4().hex, ttl=ttl)

    async def close(self) -> None:
        try:
            await self.backend.close()
        except Exception:
            self._failed("close", "")

    async def _get(self, key: str) -> str | None:
        value = await self._get_entry(key)
        return value if isinstance(value, str) else None

    async def _get_entry(self, key: str) -> object | None:
        if isinstance(self.backend, BoundedMemoryCache):
            return self.backend.peek(key)
        if not self.available:
            return None
        try:
            value: object | None = await self.backend.get(key)
        except Exception:
            self._failed("get", key)
            return None
        return value if isinstance(value, str | _Kept) else None

    async def _set(self, key: str, text: object, ttl: float | None) -> None:
        if not self.available:
            return
        try:
            await self.backend.set(key, text, ttl=ttl)
        except Exception:
            self._failed("set", key)

    def _failed(self, operation: str, key: str) -> None:
        self.failures += 1
        self._down_until = self._clock() + BACKEND_RETRY_AFTER
        log.warning(
            "cache %s failed; serving from Yuno", operation, exc_info=True, extra={"key": key}
        )


def cache_key(*parts: str) -> str:
    """Keys are built from what determines the value, never from objects (no ``self``)."""
    return ":".join(parts)
