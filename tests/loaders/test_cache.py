"""The lookup cache's own promises: single flight, and a write never undone by a slow read."""

import asyncio

from pydantic import TypeAdapter

from gateway.loaders import LookupCache, backend_from_settings
from gateway.loaders.cache import BoundedMemoryCache
from gateway.settings import Settings

TEXT = TypeAdapter(str)


def memory_cache() -> LookupCache:
    return LookupCache(backend_from_settings(Settings(cache_url="memory://")))


async def test_concurrent_misses_for_one_key_load_once() -> None:
    cache, loads = memory_cache(), 0
    release = asyncio.Event()

    async def load() -> str:
        nonlocal loads
        loads += 1
        await release.wait()
        return "value"

    waiting = [asyncio.create_task(cache.fetch("k", 60, TEXT, load)) for _ in range(50)]
    await asyncio.sleep(0)
    release.set()
    assert await asyncio.gather(*waiting) == ["value"] * 50
    assert loads == 1


async def test_an_invalidation_during_a_load_keeps_the_loaded_value_out() -> None:
    """A card enrolled while its owner's list was being read: the list read before the
    change must not be cached after it."""
    cache, answers = memory_cache(), iter(["before the write", "after the write"])
    loading = asyncio.Event()
    release = asyncio.Event()

    async def load() -> str:
        loading.set()
        await release.wait()
        return next(answers)

    slow_read = asyncio.create_task(cache.fetch("methods", 60, TEXT, load))
    await loading.wait()
    await cache.invalidate("methods")  # the write lands while the read is in flight
    release.set()
    assert await slow_read == "before the write"

    assert await cache.fetch("methods", 60, TEXT, load) == "after the write"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def bounded(max_entries: int, clock: Clock) -> LookupCache:
    return LookupCache(BoundedMemoryCache(max_entries, clock, namespace="test", timeout=None))


async def test_the_memory_cache_keeps_at_most_its_bound_dropping_the_oldest() -> None:
    cache = bounded(3, Clock())
    for key in "abcd":
        await cache.remember(key, 60, TEXT, key.upper())

    assert await cache.recall("a", TEXT) is None
    for key in "bcd":
        assert await cache.recall(key, TEXT) == key.upper()


async def test_memory_entries_expire_after_their_ttl() -> None:
    clock = Clock()
    cache = bounded(10, clock)
    await cache.remember("k", 5, TEXT, "value")
    clock.now += 4.9
    assert await cache.recall("k", TEXT) == "value"
    clock.now += 0.2
    assert await cache.recall("k", TEXT) is None


async def test_a_claim_holds_until_its_ttl_passes() -> None:
    clock = Clock()
    cache = bounded(10, clock)
    assert await cache.claim("event", 10)
    assert not await cache.claim("event", 10)
    clock.now += 11
    assert await cache.claim("event", 10)
