"""Yuno has no batch endpoints, so a DataLoader batch becomes concurrent single calls.

Keys are deduplicated by the DataLoader before they get here; this runs one call per key,
at most ``limit`` at a time, and returns one result per key in key order, with the exception
in place of a key that failed, so one miss does not fail its neighbours.
"""

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


async def fan_out(
    keys: Sequence[K], fetch: Callable[[K], Awaitable[V]], limit: int
) -> list[V | BaseException]:
    if len(keys) == 1:
        return [await _settle(fetch(keys[0]))]
    gate = asyncio.Semaphore(limit)

    async def bounded(key: K) -> V | BaseException:
        async with gate:
            return await _settle(fetch(key))

    return list(await asyncio.gather(*(bounded(key) for key in keys)))


async def _settle(call: Awaitable[V]) -> V | BaseException:
    try:
        return await call
    except Exception as exc:
        return exc
