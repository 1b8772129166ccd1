"""Customer sessions (for enrollment) and checkout sessions (for one payment each).

Both expire ``session_ttl`` after creation; an expired checkout session answers exactly
like an unknown one, CHECKOUT_SESSION_NOT_FOUND, as Yuno does.
"""

from aiohttp import web

from gateway.sandbox import validation as check
from gateway.sandbox.customers import find_customer
from gateway.sandbox.errors import SandboxError, not_found
from gateway.sandbox.state import SANDBOX, Sandbox
from gateway.sandbox.store import CheckoutSession, CustomerSession
from gateway.sandbox.wire import JsonObject, json_response, load_object, new_id, timestamp

WORKFLOWS = ("SDK_CHECKOUT", "CHECKOUT", "SDK_SEAMLESS")


async def create_customer_session(request: web.Request) -> web.Response:
    sandbox = request.app[SANDBOX]
    body = load_object(await request.read())
    check.require(body, "account_id", "customer_id", "country")
    check.account(body, sandbox.config.account_id)
    country = check.payment_country(body)
    callback_url = check.text(body, "callback_url", 3, 526)
    checkout_id = check.text(body, "checkout_id", 1, 64)
    customer = find_customer(sandbox, body["customer_id"])
    session = CustomerSession(
        new_id(), customer.id, country, callback_url, checkout_id, sandbox.now()
    )
    sandbox.store.customer_sessions[session.id] = session
    document = {
        "customer_session": session.id,
        "customer_id": session.customer_id,
        "country": session.country,
        "callback_url": session.callback_url,
        "created_at": timestamp(session.created_at),
        "checkout_id": session.checkout_id,
    }
    return json_response(document, status=201)


def find_customer_session(sandbox: Sandbox, session_id: str) -> CustomerSession:
    """A live customer session, or 404 NOT_FOUND (Yuno documents no specific code)."""
    session = sandbox.store.customer_sessions.get(session_id)
    if session is None or session.created_at + sandbox.config.session_ttl <= sandbox.now():
        raise not_found("Customer session")
    return session


def find_checkout_session(sandbox: Sandbox, session_id: object) -> CheckoutSession:
    """A live checkout session (used or not), or CHECKOUT_SESSION_NOT_FOUND."""
    session = (
        sandbox.store.checkout_sessions.get(session_id) if isinstance(session_id, str) else None
    )
    if session is None or session.created_at + sandbox.config.session_ttl <= sandbox.now():
        raise SandboxError(
            400,
            "CHECKOUT_SESSION_NOT_FOUND",
            "Checkout session not found or inactive",
        )
    return session


def open_checkout_session(sandbox: Sandbox, session_id: object) -> CheckoutSession:
    """A live checkout session that has not been paid yet."""
    session = find_checkout_session(sandbox, session_id)
    if session.used:
        raise SandboxError(
            400,
            "CHECKOUT_SESSION_NOT_FOUND",
            "Checkout session not found or inactive: already used",
        )
    return session


def _checkout_fields(sandbox: Sandbox, body: JsonObject) -> CheckoutSession:
    check.require(body, "account_id", "merchant_order_id", "payment_description", "country")
    check.account(body, sandbox.config.account_id)
    country = check.payment_country(body)
    customer_id = body.get("customer_id")
    if customer_id is not None:
        customer_id = find_customer(sandbox, customer_id).id
    amount = check.amount(body, country)
    data: JsonObject = {
        "merchant_order_id": check.required_text(body, "merchant_order_id", 3, 255),
        "payment_description": check.required_text(body, "payment_description", 3, 255),
        "callback_url": check.text(body, "callback_url", 3, 526),
        "metadata": check.metadata(body, 120),
        "workflow": check.choice(body, "workflow", WORKFLOWS) or "SDK_CHECKOUT",
        "installments": check.obj(body, "installments") or {"plan_id": None, "plan": None},
        "checkout_id": check.text(body, "checkout_id", 1, 64),
    }
    return CheckoutSession(new_id(), data, customer_id, country, amount, sandbox.now())


def checkout_session_json(session: CheckoutSession, id_key: str) -> JsonObject:
    """The session object; the id is ``checkout_session`` on create, ``id`` on retrieve."""
    amount = session.amount
    document: JsonObject = {
        id_key: session.id,
        "merchant_order_id": session.data["merchant_order_id"],
        "country": session.country,
        "payment_description": session.data["payment_description"],
        "customer_id": session.customer_id,
        "callback_url": session.data["callback_url"],
        "amount": None if amount is None else {"currency": amount[1], "value": amount[0]},
        "created_at": timestamp(session.created_at),
    }
    document.update(
        {k: session.data[k] for k in ("metadata", "workflow", "installments", "checkout_id")}
    )
    return document


async def create_checkout_session(request: web.Request) -> web.Response:
    sandbox = request.app[SANDBOX]
    session = _checkout_fields(sandbox, load_object(await request.read()))
    sandbox.store.checkout_sessions[session.id] = session
    return json_response(checkout_session_json(session, "checkout_session"))


async def get_checkout_session(request: web.Request) -> web.Response:
    session = find_checkout_session(request.app[SANDBOX], request.match_info["checkout_session"])
    document = checkout_session_json(session, "id")
    document["used"] = session.used
    return json_response(document)


async def update_checkout_session(request: web.Request) -> web.Response:
    """``PATCH``: the create body again (same required fields), for a session not yet paid;
    the answer names the id ``checkout_session`` and says whether it is ``used``."""
    sandbox = request.app[SANDBOX]
    session = find_checkout_session(sandbox, request.match_info["checkout_session"])
    if session.used:
        raise SandboxError(400, "INVALID_STATUS", "Checkout session already has its payment")
    changed = _checkout_fields(sandbox, load_object(await request.read()))
    session.data, session.country, session.amount = changed.data, changed.country, changed.amount
    if changed.customer_id is not None:
        session.customer_id = changed.customer_id
    document = checkout_session_json(session, "checkout_session")
    document["used"] = session.used
    return json_response(document)


def routes() -> list[web.RouteDef]:
    return [
        web.post("/v1/customers/sessions", create_customer_session),
        web.post("/v1/checkout/sessions", create_checkout_session),
        web.get("/v1/checkout/sessions/{checkout_session}", get_checkout_session),
        web.patch("/v1/checkout/sessions/{checkout_session}", update_checkout_session),
    ]
