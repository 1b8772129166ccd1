"""Webhook deliveries (yuno-api.md §7): POSTs sent in the background, retried on Yuno's
schedule until acknowledged.

Yuno tries a delivery 7 times: at once, then 5 min, 50 min, 6 h, 24 h, 48 h and 96 h after
the first try; a 2xx acknowledges it, a 404 stops it. ``time_scale`` compresses that
schedule (tests and demos use 1/10000: the last retry comes after 35 s). A delivery carries
what the merchant configured: an HMAC signature (``x-hmac-signature`` =
Base64(HMAC-SHA256(secret, raw body))), static ``x-api-key``/``x-secret`` headers, or both;
its body is the v2 envelope, or Yuno's legacy v1 shape (the payment at the top level).
Deliveries never hold up the API response that caused them; each runs as a tracked task
on one shared :class:`aiohttp.ClientSession`, and the app's cleanup cancels what is left.
Every attempt is logged (``sent``), so tests can replay what Yuno would have sent.
"""

import asyncio
import base64
import hashlib
import hmac
from dataclasses import dataclass

import aiohttp

from gateway.sandbox.wire import JsonObject, dumps

#: Seconds after the first try at which Yuno tries again (7 attempts in all).
YUNO_SCHEDULE: tuple[float, ...] = (0, 5 * 60, 50 * 60, 6 * 3600, 24 * 3600, 48 * 3600, 96 * 3600)


def sign(secret: str, body: bytes) -> str:
    """``x-hmac-signature``: Base64(HMAC-SHA256(key=secret, msg=raw body))."""
    digest = hmac.new(secret.encode(), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


@dataclass(frozen=True)
class Target:
    """Where events go and how the receiver checks they come from Yuno."""

    url: str
    hmac_secret: str | None = None
    api_key: str | None = None
    secret: str | None = None
    version: int = 2

    @property
    def authenticated(self) -> bool:
        return bool(self.hmac_secret or (self.api_key and self.secret))


@dataclass(frozen=True)
class Sent:
    """One delivery attempt, as the receiver saw it (or did not: ``status`` None)."""

    body: bytes
    headers: dict[str, str]
    status: int | None


class Webhooks:
    """Where events go, and the tasks delivering them."""

    def __init__(
        self,
        target: Target | None,
        account_id: str,
        attempts: int = len(YUNO_SCHEDULE),
        time_scale: float = 1.0,
    ) -> None:
        self.target = target
        self.account_id = account_id
        self.attempts = max(1, min(attempts, len(YUNO_SCHEDULE)))
        self.time_scale = time_scale
        self.session: aiohttp.ClientSession | None = None
        self.sent: list[Sent] = []
        self._tasks: set[asyncio.Task[None]] = set()

    def configure(self, target: Target | None) -> None:
        self.target = target

    def emit(self, kind: str, type_event: str, data: JsonObject) -> None:
        """Queue one event if an authenticated target is configured; returns at once."""
        target = self.target
        if target is None or not target.authenticated or self.session is None:
            return
        task = asyncio.create_task(self._deliver(self.session, target, kind, type_event, data))
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

    def body(
        self, target: Target, kind: str, type_event: str, data: JsonObject, retry: int
    ) -> bytes:
        if target.version == 1:
            return dumps({kind: data.get(kind)})  # legacy: the object alone, no envelope
        envelope: JsonObject = {
            "type": kind,
            "type_event": type_event,
            "account_id": self.account_id,
            "retry": retry,
            "version": 2,
            "data": data,
        }
        return dumps(envelope)

    async def _deliver(
        self,
        session: aiohttp.ClientSession,
        target: Target,
        kind: str,
        type_event: str,
        data: JsonObject,
    ) -> None:
        started = asyncio.get_running_loop().time()
        for attempt in range(self.attempts):
            due = started + YUNO_SCHEDULE[attempt] * self.time_scale
            await asyncio.sleep(max(0.0, due - asyncio.get_running_loop().time()))
            body = self.body(target, kind, type_event, data, attempt)
            headers = _headers(target, body)
            status = await _post(session, target.url, body, headers)
            self.sent.append(Sent(body, headers, status))
            if status is not None and (200 <= status < 300 or status == 404):
                return


def _headers(target: Target, body: bytes) -> dict[str, str]:
    headers = {"content-type": "application/json"}
    if target.hmac_secret:
        headers["x-hmac-signature"] = sign(target.hmac_secret, body)
    if target.api_key and target.secret:
        headers["x-api-key"], headers["x-secret"] = target.api_key, target.secret
    return headers


async def _post(
    session: aiohttp.ClientSession, url: str, body: bytes, headers: dict[str, str]
) -> int | None:
    try:
        async with session.post(url, data=body, headers=headers) as response:
            return response.status
    except (aiohttp.ClientError, TimeoutError):
        return None
