"""What the shopper's SDK does inside a checkout session: list methods, mint a token.

The list is a top-level JSON array (Yuno's OpenAPI, unlike the enrollment list); the
one-time token is bound to its session and spent by the first payment that uses it.
"""

from aiohttp import web

from gateway.sandbox import validation as check
from gateway.sandbox.cards import parse_card
from gateway.sandbox.enrollment import ICONS, enrolled_for
from gateway.sandbox.errors import invalid
from gateway.sandbox.methods import Method, offered_in
from gateway.sandbox.sessions import find_checkout_session, open_checkout_session
from gateway.sandbox.state import SANDBOX, Sandbox
from gateway.sandbox.store import CheckoutSession, Enrollment, OneTimeToken
from gateway.sandbox.wire import JsonObject, json_response, load_object, new_id, timestamp

_CARD_DATA_FIELDS = (
    "iin",
    "lfd",
    "expiration_month",
    "expiration_year",
    "number_length",
    "security_code_length",
    "brand",
    "issuer",
    "issuer_code",
    "category",
    "type",
    "fingerprint",
    "holder_name",
)


def _checkout_block(session: CheckoutSession, sdk_action: bool) -> JsonObject:
    return {
        "session": session.id,
        "sdk_required_action": sdk_action,
        "conditions": {"enabled": True, "rules": None},
    }


def _generic_card(session: CheckoutSession) -> JsonObject:
    return {
        "name": "Card",
        "vaulted_token": None,
        "description": "Card",
        "type": "CARD",
        "category": "CARD",
        "icon": f"{ICONS}/card_logosimbolo.png",
        "last_successfully_used": None,
        "last_successfully_used_at": None,
        "checkout": _checkout_block(session, True),
        "preferred": False,
    }


def _enrolled_method(session: CheckoutSession, item: Enrollment) -> JsonObject:
    name = item.card.display_name if item.card else item.type
    card = item.card.public_data() if item.card else None
    return {
        "name": name,
        "vaulted_token": item.vaulted_token,
        "description": name,
        "type": item.type,
        "category": item.category,
        "icon": f"{ICONS}/card_logosimbolo.png",
        "last_successfully_used": item.last_used_at is not None,
        "last_successfully_used_at": ""
        if item.last_used_at is None
        else timestamp(item.last_used_at),
        "checkout": _checkout_block(session, False),
        "card_data": None if card is None else {k: card[k] for k in _CARD_DATA_FIELDS},
        "preferred": False,
    }


def _alternative(session: CheckoutSession, method: Method) -> JsonObject:
    return {
        "name": method.name,
        "vaulted_token": None,
        "description": method.name,
        "type": method.type,
        "category": method.category,
        "icon": f"{ICONS}/{method.icon}",
        "last_successfully_used": None,
        "last_successfully_used_at": None,
        "checkout": _checkout_block(session, True),
        "preferred": False,
    }


def session_methods(sandbox: Sandbox, session: CheckoutSession) -> list[JsonObject]:
    """The generic card method, the alternative methods of the session's country, then
    the session customer's enrolled methods."""
    methods = [_generic_card(session)]
    methods += [_alternative(session, m) for m in offered_in(session.country)]
    if session.customer_id is not None:
        methods += [
            _enrolled_method(session, e) for e in enrolled_for(sandbox, session.customer_id)
        ]
    return methods


async def list_session_methods(request: web.Request) -> web.Response:
    sandbox = request.app[SANDBOX]
    session = find_checkout_session(sandbox, request.match_info["checkout_session"])
    return json_response(session_methods(sandbox, session))


async def create_token(request: web.Request) -> web.Response:
    sandbox = request.app[SANDBOX]
    session = open_checkout_session(sandbox, request.match_info["checkout_session"])
    body = load_object(await request.read())
    check.require(body, "payment_method")
    method = check.obj(body, "payment_method") or {}
    kind = method.get("type", "CARD")
    offered = {m.type for m in offered_in(session.country)}
    if kind != "CARD" and kind not in offered:
        raise invalid("payment_method.type is not a method this checkout session offers")
    vault = bool(check.boolean(method, "vault_on_success", label="payment_method.vault_on_success"))
    card = None
    card_data: JsonObject | None = None
    if kind == "CARD":
        card = parse_card(method.get("card"), sandbox.now(), "payment_method.card")
        card_data = card.public_data()
        for private in ("expiration_month", "expiration_year", "issuer"):
            card_data.pop(private)
    token = OneTimeToken(new_id(), session.id, card, vault, type=str(kind))
    sandbox.store.tokens[token.token] = token
    document = {
        "token": token.token,
        "vaulted_token": None,
        "vault_on_success": vault,
        "type": kind,
        "card_data": card_data,
        "customer": None,
        "installment": None,
        "country": session.country,
        "customer_session": None,
    }
    return json_response(document, status=201)


async def create_direct_token(request: web.Request) -> web.Response:
    """``POST /v1/tokens``: a PCI merchant tokenizes card data itself (no checkout session);
    the token pays a DIRECT payment or a direct enrollment, once."""
    sandbox = request.app[SANDBOX]
    body = load_object(await request.read())
    check.require(body, "account_id", "card_data")
    check.account(body, sandbox.config.account_id)
    country = check.country(body)
    card = parse_card(body["card_data"], sandbox.now(), "card_data")
    token = OneTimeToken(new_id(), "", card, False)
    sandbox.store.tokens[token.token] = token
    card_data = card.public_data()
    for private in ("expiration_month", "expiration_year", "issuer"):
        card_data.pop(private)
    document = {
        "token": token.token,
        "vaulted_token": None,
        "vault_on_success": False,
        "type": "CARD",
        "card_data": card_data,
        "customer": None,
        "installment": None,
        "country": country,
        "customer_session": None,
    }
    return json_response(document, status=201)


def routes() -> list[web.RouteDef]:
    return [
        web.get("/v1/checkout/sessions/{checkout_session}/payment-methods", list_session_methods),
        web.post("/v1/checkout/sessions/{checkout_session}/token", create_token),
        web.post("/v1/tokens", create_direct_token),
    ]
