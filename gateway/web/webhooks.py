"""``POST /webhooks/yuno``: where Yuno (or the emulator) reports payment and enrollment
changes. The handler only moves bytes and turns the receiver's verdict into HTTP; checks
and effects are the receiver's.

Yuno retries anything but a 2xx for days, so every verified delivery is acknowledged,
including duplicates, stale and expired events (applied or not, a retry cannot change
that); only bad credentials (401), a malformed body (400) and an order that Yuno could not
settle for now (503, so the retry comes) are not.
"""

from collections.abc import Awaitable, Callable, Mapping

from aiohttp import web

from gateway.events.ledger import Delivery

#: Verifies a delivery by its body and headers (HMAC, x-api-key/x-secret), then applies it.
Receiver = Callable[[bytes, Mapping[str, str]], Awaitable[Delivery]]
RECEIVER: web.AppKey[Receiver] = web.AppKey("webhook_receiver")
MAX_WEBHOOK_BYTES = 1024**2

STATUS_OF: dict[Delivery, int] = {
    Delivery.REFUSED_SIGNATURE: 401,
    Delivery.MALFORMED: 400,
    Delivery.UNAVAILABLE: 503,
}


async def receive(request: web.Request) -> web.Response:
    raw = await request.read()
    if len(raw) > MAX_WEBHOOK_BYTES:
        return web.json_response({"status": "too large"}, status=413)
    delivery = await request.app[RECEIVER](raw, request.headers)
    status = STATUS_OF.get(delivery, 200)
    if delivery is Delivery.REFUSED_SIGNATURE:  # an unverified caller learns nothing more
        return web.json_response({"status": "refused"}, status=status)
    body = {"status": "ok" if status == 200 else "refused", "delivery": delivery.value}
    return web.json_response(body, status=status)
