"""The shopper's side of a pending payment, as pages a browser opens on the emulator.

Yuno sends the shopper to its 3-D Secure challenge, shows a PIX QR code or a voucher, or
hands over to a bank or a wallet. Here each of those is one small page (no script, no
external resource): ``/sandbox/3ds/{payment}`` asks for the one-time password (``1234``
authenticates), ``/sandbox/pay/{payment}`` plays the bank, the shop or the wallet (pay,
fail, let it expire). Submitting ends the payment's step (``steps.finish``), which sends
the webhook, and the browser goes back to the merchant's ``callback_url`` when there is one.
Tests and scripts do the same without a browser: ``POST /_sandbox/payments/{payment}``.
"""

import hashlib
from html import escape

from aiohttp import web

from gateway.sandbox import enrollment, steps
from gateway.sandbox.errors import SandboxError, invalid
from gateway.sandbox.state import SANDBOX, Sandbox
from gateway.sandbox.store import Enrollment, Payment
from gateway.sandbox.views import payment_json
from gateway.sandbox.wire import json_response, load_object, timestamp

#: Pages embed nothing from elsewhere; a 3DS page may be framed by the shopper's app.
CSP = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; base-uri 'none'"
_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem}"
    "code{word-break:break-all}button{margin:.25rem .5rem .25rem 0;padding:.5rem 1rem}"
)
_ENDINGS = {
    "QR": ((steps.PAY, "Pay"), (steps.FAIL, "Fail"), (steps.EXPIRE, "Let it expire")),
    "TICKET": ((steps.PAY, "Pay the voucher"), (steps.EXPIRE, "Let it expire")),
    "BANK_TRANSFER": ((steps.PAY, "Transfer"), (steps.EXPIRE, "Let it expire")),
    "REDIRECT": ((steps.PAY, "Approve"), (steps.FAIL, "Decline")),
}


def _page(title: str, body: str, status: int = 200) -> web.Response:
    document = (
        f"<!doctype html><html lang=en><head><meta charset=utf-8>"
        f'<meta name=viewport content="width=device-width,initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><h1>{escape(title)}</h1>{body}"
        f"<p><small>Yuno emulator: nothing here moves real money.</small></p></body></html>"
    )
    response = web.Response(text=document, status=status, content_type="text/html")
    response.headers["Content-Security-Policy"] = CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def _waiting(sandbox: Sandbox, payment_id: str, kind: str | None = None) -> Payment | None:
    steps.expire_due(sandbox)
    payment = sandbox.store.payments.get(payment_id)
    if payment is None or payment.step is None:
        return None
    if kind is not None and payment.step.kind != kind:
        return None
    return payment


def _done(payment: Payment) -> web.Response:
    """Back to the merchant's callback, or a page saying how it ended."""
    if payment.callback_url and payment.callback_url.startswith(("http://", "https://")):
        return web.Response(status=303, headers={"Location": payment.callback_url})
    return _page("Payment " + payment.status.lower(), f"<p>Status: <b>{payment.status}</b></p>")


def _gone() -> web.Response:
    return _page("Nothing to do", "<p>This payment is not waiting for you.</p>", 404)


async def challenge_page(request: web.Request) -> web.Response:
    payment = _waiting(request.app[SANDBOX], request.match_info["payment_id"], "THREE_D_SECURE")
    if payment is None:
        return _gone()
    card = payment.card
    body = (
        f"<p>{escape(payment.currency)} {payment.value} to "
        f"{escape(payment.description)}, card ****{escape(card.lfd if card else '')}.</p>"
        "<form method=post><label>One-time password "
        "<input name=otp autocomplete=one-time-code inputmode=numeric></label>"
        "<button type=submit>Confirm</button></form>"
        "<p><small>1234 authenticates; anything else fails.</small></p>"
    )
    return _page("3-D Secure verification", body)


async def answer_challenge(request: web.Request) -> web.Response:
    payment = _waiting(request.app[SANDBOX], request.match_info["payment_id"], "THREE_D_SECURE")
    if payment is None:
        return _gone()
    form = await request.post()
    otp = form.get("otp")
    steps.finish(request.app[SANDBOX], payment, steps.PAY, otp if isinstance(otp, str) else None)
    return _done(payment)


async def pay_page(request: web.Request) -> web.Response:
    payment = _waiting(request.app[SANDBOX], request.match_info["payment_id"])
    if payment is None or payment.step is None or payment.step.kind not in _ENDINGS:
        return _gone()
    step = payment.step
    facts = [f"<p>{escape(payment.currency)} {payment.value}: {escape(payment.description)}</p>"]
    if step.image_url:
        facts.append(f'<img src="/sandbox/qr/{escape(payment.id)}.svg" width=180 alt="QR code">')
    if step.code:
        facts.append(f"<p>{_label(payment)}: <code>{escape(step.code)}</code></p>")
    if step.expires_at:
        facts.append(f"<p>Expires {escape(timestamp(step.expires_at))}</p>")
    buttons = "".join(
        f"<button name=outcome value={how}>{escape(label)}</button>"
        for how, label in _ENDINGS[step.kind]
    )
    facts.append(f"<form method=post>{buttons}</form>")
    return _page(f"{payment.method_type.replace('_', ' ').title()} payment", "".join(facts))


def _label(payment: Payment) -> str:
    kind = payment.step.kind if payment.step else ""
    return {"QR": "Copy and paste", "BANK_TRANSFER": "CLABE"}.get(kind, "Reference")


async def settle_from_page(request: web.Request) -> web.Response:
    payment = _waiting(request.app[SANDBOX], request.match_info["payment_id"])
    if payment is None or payment.step is None or payment.step.kind not in _ENDINGS:
        return _gone()
    form = await request.post()
    how = form.get("outcome")
    allowed = {h for h, _ in _ENDINGS[payment.step.kind]}
    if how not in allowed:
        return _page("Unknown choice", "<p>Choose one of the buttons.</p>", 400)
    steps.finish(request.app[SANDBOX], payment, str(how))
    return _done(payment)


async def qr_image(request: web.Request) -> web.Response:
    """A stand-in for the QR code (the emulator has no QR encoder): a stable pattern of
    the payment's code. The copy-and-paste code beside it is the real artefact."""
    payment = request.app[SANDBOX].store.payments.get(request.match_info["payment_id"])
    if payment is None or payment.step is None or not payment.step.code:
        raise web.HTTPNotFound()
    bits = "".join(f"{b:08b}" for b in hashlib.sha256(payment.step.code.encode()).digest())
    cells = "".join(
        f'<rect x="{i % 16}" y="{i // 16}" width="1" height="1"/>'
        for i, bit in enumerate(bits)
        if bit == "1"
    )
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="-1 -1 18 18" '
        'shape-rendering="crispEdges">'
        f'<rect x="-1" y="-1" width="18" height="18" fill="#fff"/><g fill="#000">{cells}</g></svg>'
    )
    return web.Response(text=svg, content_type="image/svg+xml")


async def wallet_page(request: web.Request) -> web.Response:
    """The wallet's own page, where the shopper allows the merchant to charge it later."""
    item = _enrolling(request)
    if item is None:
        return _gone()
    body = (
        f"<p>Allow the merchant to charge your {escape(item.type.replace('_', ' ').title())} "
        "account for future purchases?</p><form method=post>"
        "<button name=outcome value=pay>Allow</button>"
        "<button name=outcome value=fail>Refuse</button></form>"
    )
    return _page("Link your account", body)


async def answer_wallet(request: web.Request) -> web.Response:
    item = _enrolling(request)
    if item is None:
        return _gone()
    form = await request.post()
    sandbox = request.app[SANDBOX]
    if form.get("outcome") == steps.PAY:
        enrollment.complete(sandbox, item, None)
    else:
        enrollment.decline(sandbox, item)
    if item.callback_url and item.callback_url.startswith(("http://", "https://")):
        return web.Response(status=303, headers={"Location": item.callback_url})
    return _page("Account " + item.status.lower(), f"<p>Status: <b>{item.status}</b></p>")


def _enrolling(request: web.Request) -> Enrollment | None:
    sandbox = request.app[SANDBOX]
    enrollment.expire_due(sandbox)
    item = sandbox.store.enrollments.get(request.match_info["payment_method_id"])
    waiting = item is not None and item.status == "READY_TO_ENROLL" and item.type != "CARD"
    return item if waiting else None


async def settle_by_call(request: web.Request) -> web.Response:
    """``POST /_sandbox/payments/{id}`` ``{"outcome": "pay"|"fail"|"expire"|"approve"|"reject",
    "otp": "1234"}``: what the pages do, for tests and scripts."""
    sandbox = request.app[SANDBOX]
    payment = sandbox.store.payments.get(request.match_info["payment_id"])
    if payment is None:
        raise SandboxError(400, "PAYMENT_NOT_FOUND", "Payment not found")
    body = load_object(await request.read())
    how, otp = body.get("outcome"), body.get("otp")
    endings = {steps.PAY, steps.FAIL, steps.EXPIRE, steps.APPROVE, steps.REJECT}
    if how not in endings or not isinstance(otp, str | None):
        raise invalid(f"outcome must be one of {sorted(endings)}; otp a string")
    steps.finish(sandbox, payment, str(how), otp)
    return json_response(payment_json(sandbox, payment, listed=True))


def routes() -> list[web.RouteDef]:
    return [
        web.get("/sandbox/3ds/{payment_id}", challenge_page),
        web.post("/sandbox/3ds/{payment_id}", answer_challenge),
        web.get("/sandbox/pay/{payment_id}", pay_page),
        web.post("/sandbox/pay/{payment_id}", settle_from_page),
        web.get("/sandbox/qr/{payment_id}.svg", qr_image),
        web.post("/_sandbox/payments/{payment_id}", settle_by_call),
        web.get("/sandbox/enroll/{payment_method_id}", wallet_page),
        web.post("/sandbox/enroll/{payment_method_id}", answer_wallet),
    ]
