"""The bus over Redis pub/sub, so a webhook received by one replica reaches subscribers on
every replica.

Each process keeps one pub/sub connection, subscribed to the topics its own subscribers
want, and fans messages out locally. If Redis fails, publishing falls back to this process's
own subscribers (logged), and the reader reconnects by itself and subscribes again.
"""

import asyncio
import contextlib
import logging

import redis.asyncio as aioredis
from redis.asyncio.client import PubSub

from gateway.events.bus import LocalBus, LocalSubscription

log = logging.getLogger(__name__)

RECONNECT_AFTER = 1.0


class RedisSubscription(LocalSubscription):
    def __init__(self, bus: "RedisBus", topic: str) -> None:
        super().__init__(bus.local, topic)
        self._redis_bus = bus

    async def close(self) -> None:
        await super().close()
        await self._redis_bus.release(self._topic)


class RedisBus:
    def __init__(self, url: str, namespace: str) -> None:
        self.local = LocalBus()
        self._redis = aioredis.from_url(url, socket_timeout=5, socket_connect_timeout=2)
        self._prefix = f"{namespace}:events:"
        self._pubsub: PubSub | None = None
        self._topics: set[str] = set()
        self._reader: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()

    async def publish(self, topic: str, message: bytes) -> None:
        try:
            try:
                await self._redis.publish(self._prefix + topic, message)
            except aioredis.ConnectionError:  # a pooled connection from before a restart
                await self._redis.publish(self._prefix + topic, message)
        except Exception:
            log.warning("event bus publish failed; delivering on this replica only", exc_info=True)
            await self.local.publish(topic, message)

    async def subscribe(self, topic: str) -> RedisSubscription:
        subscription = RedisSubscription(self, topic)
        self.local.add(topic, subscription)
        async with self._lock:
            if topic not in self._topics:
                self._topics.add(topic)
                with contextlib.suppress(Exception):
                    await self._connected().subscribe(self._prefix + topic)
            self._start_reader()
        return subscription

    async def release(self, topic: str) -> None:
        if self.local.has_subscribers(topic):
            return
        async with self._lock:
            self._topics.discard(topic)
            if self._pubsub is not None:
                with contextlib.suppress(Exception):
                    await self._pubsub.unsubscribe(self._prefix + topic)

    def subscriber_count(self) -> int:
        return self.local.subscriber_count()

    async def close(self) -> None:
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._reader
        await _close(self._pubsub)
        await self._redis.aclose()
        await self.local.close()

    def _connected(self) -> PubSub:
        if self._pubsub is None:
            self._pubsub = self._redis.pubsub()
        return self._pubsub

    def _start_reader(self) -> None:
        if self._reader is None or self._reader.done():
            self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        while True:
            try:
                await self._deliver_forever()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("event bus connection lost; reconnecting", exc_info=True)
                await asyncio.sleep(RECONNECT_AFTER)
                try:
                    await self._resubscribe()
                except Exception:
                    log.warning("event bus still unreachable; will retry", exc_info=True)

    async def _deliver_forever(self) -> None:
        pubsub = self._connected()
        while True:
            if not pubsub.subscribed:
                if self._topics:  # we should be subscribed: the connection lost them
                    raise aioredis.ConnectionError("pub/sub lost its subscriptions")
                await asyncio.sleep(0.05)
                continue
            message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=1.0)
            if message is not None and message.get("type") == "message":
                topic = message["channel"].decode().removeprefix(self._prefix)
                await self.local.publish(topic, message["data"])

    async def _resubscribe(self) -> None:
        async with self._lock:
            await _close(self._pubsub)
            self._pubsub = None
            channels = [self._prefix + topic for topic in self._topics]
            if channels:  # a failure here goes back to _read, which waits and tries again
                await self._connected().subscribe(*channels)


async def _close(pubsub: PubSub | None) -> None:
    if pubsub is not None:
        with contextlib.suppress(Exception):
            await pubsub.aclose()
