"""The bus that carries payment updates from Yuno's webhooks to GraphQL subscriptions.

In one process by default; over Redis pub/sub when configured, so a webhook received by one
replica reaches a subscriber on another.
"""

from gateway.events.bus import EventBus, LocalBus, Subscription
from gateway.events.redis import RedisBus


def bus_for(url: str, namespace: str) -> EventBus:
    """Redis pub/sub when the cache is Redis (replicas share events), else in-process."""
    if url.startswith(("redis://", "rediss://")):
        return RedisBus(url, namespace)
    return LocalBus()


__all__ = ["EventBus", "LocalBus", "RedisBus", "Subscription", "bus_for"]
