"""The lookup cache's own promises: single flight, and a write never undone by a slow read."""

import asyncio

from pydantic import TypeAdapter

from gateway.loaders import LookupCache, backend_from_settings
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
