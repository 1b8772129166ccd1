"""``POST /webhooks/yuno``: where Yuno (or the emulator) reports payment and enrollment
changes. The handler only moves bytes; verification and effects are the receiver's."""

from collections.abc import Awaitable, Callable

from aiohttp import web

Receiver = Callable[[bytes, str | None], Awaitable[int]]
RECEIVER: web.AppKey[Receiver] = web.AppKey("webhook_receiver")
MAX_WEBHOOK_BYTES = 1024**2


async def receive(request: web.Request) -> web.Response:
    raw = await request.read()
    if len(raw) > MAX_WEBHOOK_BYTES:
        return web.json_response({"status": "too large"}, status=413)
    status = await request.app[RECEIVER](raw, request.headers.get("x-hmac-signature"))
    return web.json_response({"status": "ok" if status == 200 else "refused"}, status=status)
