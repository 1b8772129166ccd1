"""Publish/subscribe by topic, with a bounded queue per subscriber.

A subscriber that does not keep up loses its oldest messages rather than growing memory
without bound; a subscription removes itself from its topic when it ends, so clients that
disconnect leave nothing behind.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Protocol

#: Messages one subscriber may have waiting before the oldest is dropped.
QUEUE_LIMIT = 100


class Subscription(Protocol):
    def __aiter__(self) -> AsyncIterator[bytes]: ...

    async def close(self) -> None: ...


class EventBus(Protocol):
    async def publish(self, topic: str, message: bytes) -> None: ...

    async def subscribe(self, topic: str) -> Subscription:
        """Subscribed when this returns: nothing published afterwards is missed."""
        ...

    def subscriber_count(self) -> int:
        """Subscriptions alive in this process (a disconnected client leaves none)."""
        ...

    async def close(self) -> None: ...


class LocalSubscription:
    def __init__(self, bus: "LocalBus", topic: str) -> None:
        self._bus = bus
        self._topic = topic
        self.queue: asyncio.Queue[bytes] = asyncio.Queue(QUEUE_LIMIT)

    def offer(self, message: bytes) -> None:
        if self.queue.full():
            self.queue.get_nowait()
        self.queue.put_nowait(message)

    async def __aiter__(self) -> AsyncIterator[bytes]:
        try:
            while True:
                yield await self.queue.get()
        finally:
            await self.close()

    async def close(self) -> None:
        self._bus.drop(self._topic, self)


class LocalBus:
    """The in-process bus: enough for one replica."""

    def __init__(self) -> None:
        self._topics: dict[str, set[LocalSubscription]] = {}

    async def publish(self, topic: str, message: bytes) -> None:
        for subscription in self._topics.get(topic, ()):
            subscription.offer(message)

    async def subscribe(self, topic: str) -> LocalSubscription:
        subscription = LocalSubscription(self, topic)
        self.add(topic, subscription)
        return subscription

    def add(self, topic: str, subscription: LocalSubscription) -> None:
        self._topics.setdefault(topic, set()).add(subscription)

    def has_subscribers(self, topic: str) -> bool:
        return bool(self._topics.get(topic))

    def drop(self, topic: str, subscription: LocalSubscription) -> None:
        subscribers = self._topics.get(topic)
        if subscribers is None:
            return
        subscribers.discard(subscription)
        if not subscribers:
            with contextlib.suppress(KeyError):
                del self._topics[topic]

    def subscriber_count(self) -> int:
        return sum(len(s) for s in self._topics.values())

    async def close(self) -> None:
        self._topics.clear()
