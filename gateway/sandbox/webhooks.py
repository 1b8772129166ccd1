"""Webhook deliveries (yuno-api.md §7): signed POSTs sent in the background, with retries.

Deliveries never hold up the API response that caused them; each runs as a tracked task
on one shared :class:`aiohttp.ClientSession`, and the app's cleanup cancels what is left.
"""

import asyncio
import base64
import hashlib
import hmac

import aiohttp

from gateway.sandbox.wire import JsonObject, dumps

#: Pause before each retry; the last value repeats if more attempts are configured.
RETRY_DELAYS: tuple[float, ...] = (0.2, 0.5, 1.0)


def sign(secret: str, body: bytes) -> str:
    """``x-hmac-signature``: Base64(HMAC-SHA256(key=secret, msg=raw body))."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


class Webhooks:
    """Where events go, and the tasks delivering them."""

    def __init__(self, url: str | None, secret: str | None, attempts: int, account_id: str) -> None:
        self.url = url
        self.secret = secret
        self.attempts = max(1, attempts)
        self.account_id = account_id
        self.session: aiohttp.ClientSession | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    def configure(self, url: str | None, secret: str | None) -> None:
        self.url, self.secret = url, secret

    def emit(self, kind: str, type_event: str, data: JsonObject) -> None:
        """Queue one event if a target is configured; returns at once."""
        if not (self.url and self.secret and self.session):
            return
        envelope: JsonObject = {
            "type": kind,
            "type_event": type_event,
            "account_id": self.account_id,
            "retry": 0,
            "version": 2,
            "data": data,
        }
        task = asyncio.create_task(self._deliver(self.session, self.url, self.secret, envelope))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def drain(self) -> None:
        """Wait for deliveries in flight (tests use this instead of sleeping)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def close(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _deliver(
        self, session: aiohttp.ClientSession, url: str, secret: str, envelope: JsonObject
    ) -> None:
        for attempt in range(self.attempts):
            if attempt:
                await asyncio.sleep(RETRY_DELAYS[min(attempt, len(RETRY_DELAYS)) - 1])
            body = dumps({**envelope, "retry": attempt})
            headers = {"content-type": "application/json", "x-hmac-signature": sign(secret, body)}
            try:
                async with session.post(url, data=body, headers=headers) as response:
                    if 200 <= response.status < 300:
                        return
            except (aiohttp.ClientError, TimeoutError):
                continue
