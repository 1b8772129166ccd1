"""``/sandbox``: a checkout page that plays the shopper's app, in sandbox mode only.

It is the living example of a single-page app on this gateway: it makes a shopper (a JWT
from the development secret), opens a checkout session as the merchant's back office would
(the development API key), lists the session's payment methods, has Yuno's SDK role played
by the embedded emulator (a card becomes a one-time token there, never here), pays through
``createPayment``, follows ``nextAction`` (the 3-D Secure challenge and the bank pages in a
frame, the QR code, the voucher) and watches ``paymentUpdated`` over a WebSocket.

Plain HTML, one script and one style sheet from the package: no CDN, no inline code, under
a Content-Security-Policy as strict as GraphiQL's, widened only to the emulator's origin
(its SDK endpoints, its QR images and the pages it shows in the frame). It is served only
when the gateway runs with its development credentials: they are the sandbox's, printed at
start, and the page hands them to the browser.
"""

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from aiohttp import web

from gateway.web.errors import error_response

STATIC = Path(__file__).parent / "static" / "sandbox"
CONTENT_TYPES: Mapping[str, str] = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
}
#: The longest shopper token the page asks for.
TOKEN_SECONDS = 3600
MAX_SUBJECT = 128

#: Mints a shopper JWT for a merchant customer id.
Mint = Callable[[str], str]


@dataclass(frozen=True)
class SandboxPage:
    """What the page needs from the running gateway, read when a request comes: the
    emulator listens on a port known only once the gateway has started."""

    api_key: str
    mint: Mint
    sdk: Callable[[], tuple[str, str]]  # (public API key, Yuno base URL) of the emulator
    test_cards: tuple[Mapping[str, str], ...]


SANDBOX_PAGE = web.AppKey("sandbox_page", SandboxPage)


def add_sandbox_page(app: web.Application, page: SandboxPage) -> None:
    app[SANDBOX_PAGE] = page
    app.router.add_get("/sandbox", checkout_page)
    app.router.add_get("/sandbox/config", config)
    app.router.add_post("/sandbox/shopper-token", shopper_token)
    app.router.add_get("/sandbox/return", returned)
    app.router.add_get("/sandbox/static/{name}", asset)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def policy(emulator: str, *, framed: bool = False) -> str:
    """GraphiQL's policy, plus the emulator: its API (the SDK's calls), its QR images and
    its pages in the page's frame."""
    return "; ".join(
        (
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src 'self' {emulator}",
            f"connect-src 'self' {emulator}",
            f"frame-src {emulator} 'self'",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'self'" if framed else "frame-ancestors 'none'",
        )
    )


def _headers(emulator: str, *, framed: bool = False) -> dict[str, str]:
    return {
        "Content-Security-Policy": policy(emulator, framed=framed),
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Cache-Control": "no-cache",
    }


async def checkout_page(request: web.Request) -> web.Response:
    _, base_url = request.app[SANDBOX_PAGE].sdk()
    return web.Response(
        body=(STATIC / "index.html").read_bytes(),
        content_type="text/html",
        charset="utf-8",
        headers=_headers(_origin(base_url)),
    )


async def returned(request: web.Request) -> web.Response:
    """Where the shopper comes back from a challenge or a bank (the session's
    ``callbackUrl``): inside the page's frame, so framing by the page is allowed here."""
    _, base_url = request.app[SANDBOX_PAGE].sdk()
    body = (
        "<!doctype html><html lang=en><meta charset=utf-8><title>Back at the shop</title>"
        '<link rel=stylesheet href="/sandbox/static/checkout.css">'
        "<p class=returned>Back at the shop: the payment's status follows above.</p></html>"
    )
    return web.Response(
        text=body, content_type="text/html", headers=_headers(_origin(base_url), framed=True)
    )


async def config(request: web.Request) -> web.Response:
    page = request.app[SANDBOX_PAGE]
    public_key, base_url = page.sdk()
    document = {
        "apiKey": page.api_key,
        "publicApiKey": public_key,
        "apiBaseUrl": base_url,
        "testCards": list(page.test_cards),
    }
    return web.json_response(document, headers={"Cache-Control": "no-store"})


async def shopper_token(request: web.Request) -> web.Response:
    """A development shopper token for ``{"sub": merchant customer id}``."""
    try:
        body = json.loads(await request.text())
    except ValueError:
        body = None
    sub = body.get("sub") if isinstance(body, dict) else None
    if not isinstance(sub, str) or not 1 <= len(sub) <= MAX_SUBJECT:
        message = f'Send {{"sub": "<merchant customer id>"}}, 1 to {MAX_SUBJECT} characters.'
        return error_response(request, 400, message, "BAD_REQUEST")
    return web.json_response(
        {"token": request.app[SANDBOX_PAGE].mint(sub), "expiresIn": TOKEN_SECONDS},
        headers={"Cache-Control": "no-store"},
    )


async def asset(request: web.Request) -> web.FileResponse:
    name = request.match_info["name"]
    path = STATIC / name
    if name not in {p.name for p in STATIC.iterdir()} or path.suffix not in CONTENT_TYPES:
        raise web.HTTPNotFound()
    return web.FileResponse(
        path,
        headers={
            "Content-Type": CONTENT_TYPES[path.suffix],
            "Cache-Control": "no-cache",
            "X-Content-Type-Options": "nosniff",
        },
    )
