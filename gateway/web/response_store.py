"""Where the response cache keeps answers: this process's memory, or Redis for replicas.

An entry is kept under the tags of what it was built from (``customer:<id>``,
``payment:<id>``...) and dropped the moment one of them is invalidated. One race remains
for any cache filled by reads: a read that began before a write may finish after the write
invalidated, and keep what it read before. So each invalidation takes a sequence number,
each tag remembers its last one for a while (``RECENT``), a read notes the sequence when it
begins (``begin``), and ``put`` keeps nothing tagged with what was invalidated since. A
read slower than ``RECENT`` keeps nothing either, so the record can forget.

Redis holds the entries, tag sets, sequence and recent invalidations of every replica, and
two scripts make ``put`` and ``invalidate`` atomic there, so a webhook that one replica
receives ends the entries all of them serve. Redis failing fails nothing: a lookup misses,
a store is skipped, and the failure is logged and counted.
"""

import asyncio
import logging
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import NamedTuple, Protocol

import orjson
import redis.asyncio as aioredis

log = logging.getLogger(__name__)

#: Seconds an invalidation is remembered: reads slower than this keep nothing.
RECENT = 60.0


@dataclass(frozen=True)
class Entry:
    body: bytes
    content_type: str
    etag: str
    #: Epoch seconds (replicas share entries, so not a monotonic clock).
    expires_at: float


class Since(NamedTuple):
    """When a read began: the invalidation sequence then, and the time."""

    sequence: int
    at: float


class ResponseStore(Protocol):
    failures: int

    async def get(self, key: str) -> Entry | None: ...

    async def begin(self) -> Since: ...

    async def put(self, key: str, entry: Entry, tags: frozenset[str], since: Since) -> bool:
        """Kept unless a tag was invalidated since the read began (False then)."""
        ...

    async def invalidate(self, tags: tuple[str, ...]) -> int:
        """Drop every entry under these tags; how many were dropped."""
        ...


@dataclass
class _Kept:
    entry: Entry
    tags: frozenset[str]
    weight: int


@dataclass
class MemoryResponses:
    """Within ``budget`` bytes of bodies, least recently used out first."""

    budget: int
    failures: int = 0
    held: int = 0
    _entries: OrderedDict[str, _Kept] = field(default_factory=OrderedDict)
    _tagged: dict[str, set[str]] = field(default_factory=dict)
    _sequence: int = 0
    #: tag -> (sequence, monotonic time) of its last invalidation, oldest first.
    _recent: OrderedDict[str, tuple[int, float]] = field(default_factory=OrderedDict)

    async def get(self, key: str) -> Entry | None:
        kept = self._entries.get(key)
        if kept is None:
            return None
        if kept.entry.expires_at <= time.time():
            self._drop(key)
            return None
        self._entries.move_to_end(key)
        return kept.entry

    async def begin(self) -> Since:
        return Since(self._sequence, time.monotonic())

    async def put(self, key: str, entry: Entry, tags: frozenset[str], since: Since) -> bool:
        now = time.monotonic()
        self._forget_before(now - RECENT)
        if now - since.at >= RECENT or any(
            self._recent.get(tag, (0, 0.0))[0] > since.sequence for tag in tags
        ):
            return False
        weight = len(entry.body) + len(key) + 256
        if weight * 8 > self.budget:
            return False
        self._drop(key)
        self._entries[key] = _Kept(entry, tags, weight)
        self.held += weight
        for tag in tags:
            self._tagged.setdefault(tag, set()).add(key)
        while self.held > self.budget:
            self._drop(next(iter(self._entries)))
        return True

    async def invalidate(self, tags: tuple[str, ...]) -> int:
        self._sequence += 1
        now = time.monotonic()
        dropped = 0
        for tag in tags:
            self._recent.pop(tag, None)
            self._recent[tag] = (self._sequence, now)
            for key in self._tagged.pop(tag, set()):
                dropped += self._drop(key)
        return dropped

    def __len__(self) -> int:
        return len(self._entries)

    def _drop(self, key: str) -> int:
        kept = self._entries.pop(key, None)
        if kept is None:
            return 0
        self.held -= kept.weight
        for tag in kept.tags:
            keys = self._tagged.get(tag)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._tagged[tag]
        return 1

    def _forget_before(self, moment: float) -> None:
        while self._recent:
            tag, (_, at) = next(iter(self._recent.items()))
            if at >= moment:
                return
            del self._recent[tag]


#: KEYS: the entry, the sequence, then each tag's set and its last invalidation, paired.
#: ARGV: the value, its TTL in ms, the read's sequence.
_PUT = """
local since = tonumber(ARGV[3])
for i = 3, #KEYS, 2 do
  local last = redis.call('GET', KEYS[i + 1])
  if last and tonumber(last) > since then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
for i = 3, #KEYS, 2 do
  redis.call('SADD', KEYS[i], KEYS[1])
  if redis.call('PTTL', KEYS[i]) < tonumber(ARGV[2]) then
    redis.call('PEXPIRE', KEYS[i], ARGV[2])
  end
end
return 1
"""

#: KEYS: the sequence, then each tag's set and its last invalidation, paired. ARGV: RECENT
#: in ms. Returns the entries dropped.
_INVALIDATE = """
local sequence = redis.call('INCR', KEYS[1])
local dropped = 0
for i = 2, #KEYS, 2 do
  redis.call('SET', KEYS[i + 1], sequence, 'PX', ARGV[1])
  local members = redis.call('SMEMBERS', KEYS[i])
  for j = 1, #members, 500 do
    dropped = dropped + redis.call('DEL', unpack(members, j, math.min(j + 499, #members)))
  end
  redis.call('DEL', KEYS[i])
end
return dropped
"""

#: A Redis call slower than this counts as a failure.
REDIS_TIMEOUT = 0.5


class RedisResponses:
    """Entries in Redis, shared by every replica (see the module docstring)."""

    def __init__(self, client: aioredis.Redis, namespace: str) -> None:
        self.client = client
        self.prefix = f"{namespace}:responses:"
        self.failures = 0
        self._put = client.register_script(_PUT)
        self._invalidate = client.register_script(_INVALIDATE)

    async def get(self, key: str) -> Entry | None:
        try:
            async with asyncio.timeout(REDIS_TIMEOUT):
                raw = await self.client.get(self.prefix + "entry:" + key)
        except Exception:
            self._failed("get")
            return None
        if not isinstance(raw, bytes):
            return None
        head, _, body = raw.partition(b"\n")
        content_type, etag, expires_at = orjson.loads(head)
        return Entry(body, content_type, etag, expires_at)

    async def begin(self) -> Since:
        try:
            async with asyncio.timeout(REDIS_TIMEOUT):
                sequence = await self.client.get(self.prefix + "sequence")
        except Exception:
            self._failed("begin")
            return Since(-1, time.monotonic())  # nothing will be kept
        return Since(int(sequence or 0), time.monotonic())

    async def put(self, key: str, entry: Entry, tags: frozenset[str], since: Since) -> bool:
        ttl_ms = int((entry.expires_at - time.time()) * 1000)
        if since.sequence < 0 or ttl_ms <= 0 or time.monotonic() - since.at >= RECENT:
            return False
        head = orjson.dumps([entry.content_type, entry.etag, entry.expires_at])
        keys = [self.prefix + "entry:" + key, self.prefix + "sequence"]
        for tag in sorted(tags):
            keys += [self.prefix + "tag:" + tag, self.prefix + "invalidated:" + tag]
        try:
            async with asyncio.timeout(REDIS_TIMEOUT):
                kept = await self._put(keys, [head + b"\n" + entry.body, ttl_ms, since.sequence])
        except Exception:
            self._failed("put")
            return False
        return bool(kept)

    async def invalidate(self, tags: tuple[str, ...]) -> int:
        keys = [self.prefix + "sequence"]
        for tag in tags:
            keys += [self.prefix + "tag:" + tag, self.prefix + "invalidated:" + tag]
        try:
            async with asyncio.timeout(REDIS_TIMEOUT):
                dropped = await self._invalidate(keys, [int(RECENT * 1000)])
        except Exception:
            self._failed("invalidate")
            return 0
        return int(dropped)

    def _failed(self, operation: str) -> None:
        self.failures += 1
        log.warning("response cache %s failed in Redis; bypassed", operation, exc_info=True)


def store_for(client: object | None, namespace: str, budget: int) -> ResponseStore:
    """In Redis beside the lookup cache when ``client`` is its Redis client, else here."""
    if isinstance(client, aioredis.Redis):
        return RedisResponses(client, namespace)
    return MemoryResponses(budget)
