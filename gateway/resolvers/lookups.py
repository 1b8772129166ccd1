"""Reading through a loader where "no such thing" is an answer, not an error."""

from collections.abc import Awaitable
from typing import TypeVar

from gateway.yuno.errors import YunoRequestError

T = TypeVar("T")


async def or_none(lookup: Awaitable[T]) -> T | None:
    """Yuno's refusal of a read (unknown id, malformed id) reads as null; outages still raise."""
    try:
        return await lookup
    except YunoRequestError:
        return None
