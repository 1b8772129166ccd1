"""What the gateway remembers of Yuno's webhooks, apart from the lookup cache: the
deliveries it has applied, and per payment the newest state it has published.

Only verified webhooks write here, so no other traffic can push an entry out (the lookup
cache, by contrast, is flushed by any busy read path). Entries live as long as the replay
window: an event older than that is refused by its age, so nothing older needs remembering.
In this process by default (bounded: past the bound the oldest go first); in Redis when the
cache is Redis, under a prefix of their own, so every replica shares them. If Redis fails,
the process falls back to its own memory and logs it, as the cache and the bus do.
"""

import asyncio
import enum
import logging
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Generic, Protocol, TypeVar

import redis.asyncio as aioredis

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Entries of each kind one process keeps at most (about 100 bytes each).
MAX_ENTRIES = 100_000
#: A Redis operation slower than this counts as a failure.
REDIS_TIMEOUT = 0.5


class Delivery(enum.Enum):
    """What one webhook delivery came to; the web layer turns it into an HTTP status."""

    ACCEPTED = "accepted"
    DUPLICATE = "duplicate"  # this delivery (or a retry of it) was applied before
    STALE = "stale"  # older than the payment's known state: nothing published
    EXPIRED = "expired"  # older than the replay window: refused
    IGNORED = "ignored"  # verified, but about nothing the gateway acts on
    UNAVAILABLE = "unavailable"  # Yuno could not settle the order: try again later
    REFUSED_SIGNATURE = "refused-signature"
    MALFORMED = "malformed"


class Order(enum.Enum):
    """How a payment state compares to the newest one known."""

    NEWER = "newer"  # later than what is known, or nothing is known: now the known state
    STALE = "stale"  # earlier than what is known, or the very same state
    TIE = "tie"  # the same moment, another status: the order cannot be told


class WebhookLedger(Protocol):
    async def first_sighting(self, identity: str, ttl: float) -> bool:
        """True once per identity within ``ttl`` seconds (across replicas with Redis)."""
        ...

    async def forget(self, identity: str) -> None:
        """Undo a sighting whose effects failed, so Yuno's retry is applied."""
        ...

    async def advance(self, subject: str, moment: datetime, state: str, ttl: float) -> Order:
        """Compare to the known state of ``subject`` and record this one if it is newer."""
        ...


def microseconds(moment: datetime) -> int:
    """A timestamp as whole microseconds since the epoch: exact, and ordered as integers."""
    utc = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    delta = utc - datetime(1970, 1, 1, tzinfo=UTC)
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def order_of(moment: int, state: str, known_moment: int, known_state: str) -> Order:
    if moment > known_moment:
        return Order.NEWER
    if moment < known_moment or state == known_state:
        return Order.STALE
    return Order.TIE


class _Expiring(Generic[T]):
    """A dict whose entries expire; when full, the oldest written goes first."""

    def __init__(self, max_entries: int, clock: Callable[[], float]) -> None:
        self._entries: dict[str, tuple[float, T]] = {}
        self._max = max_entries
        self._clock = clock

    def get(self, key: str) -> T | None:
        entry = self._entries.get(key)
        if entry is None or entry[0] <= self._clock():
            return None
        return entry[1]

    def put(self, key: str, value: T, ttl: float) -> None:
        self._entries.pop(key, None)  # re-inserted last: the order stays oldest first
        self._entries[key] = (self._clock() + ttl, value)
        while len(self._entries) > self._max:
            del self._entries[next(iter(self._entries))]

    def pop(self, key: str) -> None:
        self._entries.pop(key, None)


class MemoryLedger:
    """The ledger of one process: enough for one replica."""

    def __init__(
        self, max_entries: int = MAX_ENTRIES, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._seen: _Expiring[bool] = _Expiring(max_entries, clock)
        self._known: _Expiring[tuple[int, str]] = _Expiring(max_entries, clock)

    async def first_sighting(self, identity: str, ttl: float) -> bool:
        if self._seen.get(identity):
            return False
        self._seen.put(identity, True, ttl)
        return True

    async def forget(self, identity: str) -> None:
        self._seen.pop(identity)

    async def advance(self, subject: str, moment: datetime, state: str, ttl: float) -> Order:
        at = microseconds(moment)
        known = self._known.get(subject)
        order = Order.NEWER if known is None else order_of(at, state, *known)
        if order is Order.NEWER:
            self._known.put(subject, (at, state), ttl)
        return order


#: KEYS[1] the subject; ARGV: moment (µs), state, ttl (ms). Returns an Order's value.
_ADVANCE = """
local known = redis.call('GET', KEYS[1])
if known then
  local cut = string.find(known, ':', 1, true)
  local known_at = tonumber(string.sub(known, 1, cut - 1))
  local at = tonumber(ARGV[1])
  if at < known_at or (at == known_at and string.sub(known, cut + 1) == ARGV[2]) then
    return 'stale'
  end
  if at == known_at then
    return 'tie'
  end
end
redis.call('SET', KEYS[1], ARGV[1] .. ':' .. ARGV[2], 'PX', ARGV[3])
return 'newer'
"""


class RedisLedger:
    """The ledger in Redis, shared by every replica: ``SET NX PX`` marks a sighting, a
    script compares and records a payment's state in one step."""

    def __init__(self, client: "aioredis.Redis", prefix: str) -> None:
        self._client = client
        self._prefix = prefix
        self._advance = client.register_script(_ADVANCE)
        self.fallback = MemoryLedger()

    async def first_sighting(self, identity: str, ttl: float) -> bool:
        key = f"{self._prefix}seen:{identity}"
        try:
            async with asyncio.timeout(REDIS_TIMEOUT):
                added = await self._client.set(key, b"1", nx=True, px=_ms(ttl))
        except Exception:
            _failed("first_sighting")
            return await self.fallback.first_sighting(identity, ttl)
        return bool(added)

    async def forget(self, identity: str) -> None:
        await self.fallback.forget(identity)
        try:
            async with asyncio.timeout(REDIS_TIMEOUT):
                await self._client.delete(f"{self._prefix}seen:{identity}")
        except Exception:
            _failed("forget")

    async def advance(self, subject: str, moment: datetime, state: str, ttl: float) -> Order:
        key = f"{self._prefix}known:{subject}"
        try:
            async with asyncio.timeout(REDIS_TIMEOUT):
                answer = await self._advance(
                    keys=[key], args=[microseconds(moment), state, _ms(ttl)]
                )
        except Exception:
            _failed("advance")
            return await self.fallback.advance(subject, moment, state, ttl)
        return Order(answer.decode() if isinstance(answer, bytes) else answer)


def ledger_for(client: object | None, namespace: str) -> WebhookLedger:
    """Beside the cache in Redis when ``client`` is the cache's Redis client, else here."""
    if isinstance(client, aioredis.Redis):
        return RedisLedger(client, f"{namespace}:webhooks:")
    return MemoryLedger()


def _ms(seconds: float) -> int:
    return max(1, int(seconds * 1000))


def _failed(operation: str) -> None:
    log.warning(
        "webhook ledger %s failed in Redis; using this process's memory", operation, exc_info=True
    )
