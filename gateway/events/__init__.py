"""The bus that carries payment updates from Yuno's webhooks to GraphQL subscriptions.

In one process by default; over Redis pub/sub when configured, so a webhook received by one
replica reaches a subscriber on another.
"""

from gateway.events.bus import EventBus, LocalBus, Subscription

__all__ = ["EventBus", "LocalBus", "Subscription"]
