"""``/v1/payments``: create (SDK checkout or direct), retrieve, and list by order id.

Creating a payment spends its checkout session and one-time token whatever the outcome;
missing order fields are taken from the session and conflicting ones are refused.
"""

from dataclasses import dataclass
from decimal import Decimal

from aiohttp import web

from gateway.sandbox import validation as check
from gateway.sandbox.cards import Card, parse_card
from gateway.sandbox.customers import find_customer
from gateway.sandbox.enrollment import find_vaulted, vault_card
from gateway.sandbox.errors import SandboxError, invalid, missing
from gateway.sandbox.outcomes import outcome, response_code
from gateway.sandbox.sessions import open_checkout_session
from gateway.sandbox.state import SANDBOX, Sandbox
from gateway.sandbox.store import CheckoutSession, Enrollment, OneTimeToken, Payment, Transaction
from gateway.sandbox.views import payment_json
from gateway.sandbox.wire import JsonObject, json_response, load_object, new_id

WORKFLOWS = ("SDK_CHECKOUT", "CHECKOUT", "DIRECT", "REDIRECT", "SDK_SEAMLESS")
_FROM_SESSION = (
    ("country", "country"),
    ("merchant_order_id", "merchant_order_id"),
    ("description", "payment_description"),
)


@dataclass(frozen=True)
class Source:
    """Where the money comes from: a one-time token, a vaulted method, or raw card data."""

    card: Card | None
    token: OneTimeToken | None = None
    enrollment: Enrollment | None = None


def _require(body: JsonObject, direct: bool) -> None:
    names = ["account_id", "payment_method"]
    if direct:
        names += ["description", "country", "merchant_order_id", "amount"]
    absent = [name for name in names if body.get(name) is None]
    checkout = body.get("checkout")
    if not direct and (not isinstance(checkout, dict) or checkout.get("session") is None):
        absent.append("checkout.session")
    if absent:
        raise missing(*absent)


def _merge_session(body: JsonObject, session: CheckoutSession) -> JsonObject:
    """Fill order fields from the session; a given value must agree with it."""
    merged = dict(body)
    for field, session_field in _FROM_SESSION:
        expected = session.country if field == "country" else session.data[session_field]
        if merged.get(field) is None:
            merged[field] = expected
        elif merged[field] != expected:
            raise invalid(f"{field} does not match the checkout session")
    if session.amount is not None:
        value, currency = session.amount
        given = check.amount(merged, None)
        if given is None:
            merged["amount"] = {"currency": currency, "value": value}
        elif given != (value, currency):
            raise invalid("amount does not match the checkout session")
    if merged.get("amount") is None:
        raise missing("amount")
    return merged


def _customer(sandbox: Sandbox, body: JsonObject, session: CheckoutSession | None) -> str | None:
    payer = check.obj(body, "customer_payer") or {}
    customer_id = payer.get("id")
    if customer_id is not None:
        customer_id = find_customer(sandbox, customer_id).id
    if session is None or session.customer_id is None:
        return customer_id
    if customer_id is not None and customer_id != session.customer_id:
        raise invalid("customer_payer.id does not match the checkout session's customer")
    return session.customer_id


def _source(
    sandbox: Sandbox, method: JsonObject, session: CheckoutSession | None, customer_id: str | None
) -> Source:
    if method.get("vaulted_token") is not None:
        item = find_vaulted(sandbox, method["vaulted_token"])
        if customer_id is None:
            raise missing("customer_payer.id")
        if item.customer_id != customer_id:
            raise SandboxError(
                400, "INVALID_CUSTOMER_FOR_TOKEN", "vaulted_token belongs to another customer"
            )
        if session is None and method.get("type") != "CARD":
            raise invalid("payment_method.type must be CARD")
        return Source(item.card, enrollment=item)
    if session is not None:
        token = sandbox.store.tokens.get(str(method.get("token")))
        if token is None or token.used or token.session_id != session.id:
            raise invalid("payment_method.token is not an unused token of this checkout session")
        return Source(token.card, token=token)
    detail = check.obj(method, "detail") or {}
    card = check.obj(detail, "card") or {}
    if card.get("card_data") is None:
        raise missing("payment_method.vaulted_token")
    return Source(
        parse_card(card["card_data"], sandbox.now(), "payment_method.detail.card.card_data")
    )


def _capture_flag(method: JsonObject) -> bool:
    detail = check.obj(method, "detail", label="payment_method.detail") or {}
    card = check.obj(detail, "card", label="payment_method.detail.card") or {}
    return check.boolean(card, "capture", label="payment_method.detail.card.capture") is not False


def _validated(sandbox: Sandbox, body: JsonObject) -> tuple[JsonObject, CheckoutSession | None]:
    workflow = check.choice(body, "workflow", WORKFLOWS) or "SDK_CHECKOUT"
    direct = workflow in ("DIRECT", "REDIRECT")
    _require(body, direct)
    check.account(body, sandbox.config.account_id)
    session = None
    if not direct:
        checkout = check.obj(body, "checkout") or {}
        session = open_checkout_session(sandbox, checkout.get("session"))
        body = _merge_session(body, session)
    body["workflow"] = workflow
    country = check.payment_country(body)
    check.amount(body, country)
    check.required_text(body, "description", 3, 255)
    check.required_text(body, "merchant_order_id", 3, 255)
    check.text(body, "merchant_reference", 3, 255)
    check.text(body, "callback_url", 3, 526)
    check.metadata(body, 120)
    return body, session


async def create_payment(request: web.Request) -> web.Response:
    sandbox = request.app[SANDBOX]
    body, session = _validated(sandbox, load_object(await request.read()))
    method = check.obj(body, "payment_method") or {}
    customer_id = _customer(sandbox, body, session)
    source = _source(sandbox, method, session, customer_id)
    vault = bool(method.get("vault_on_success")) or (
        source.token is not None and source.token.vault_on_success
    )
    if vault and customer_id is None:
        raise missing("customer_payer.id")
    payment = _record(sandbox, body, session, customer_id, source, _capture_flag(method))
    payment.vault_on_success = vault
    payment.idempotency_key = request.headers.get("X-Idempotency-Key", "")
    _settle(sandbox, payment, source)
    event = "payment.purchase" if payment.capture else "payment.authorize"
    document = payment_json(sandbox, payment)
    sandbox.webhooks.emit(
        "payment", event, {"payment": document, "idempotency_key": payment.idempotency_key}
    )
    return json_response(document, status=201)


def _record(
    sandbox: Sandbox,
    body: JsonObject,
    session: CheckoutSession | None,
    customer_id: str | None,
    source: Source,
    capture: bool,
) -> Payment:
    """Store the payment with its first transaction and spend the checkout session."""
    now = sandbox.now()
    value, currency = check.amount(body, None) or (Decimal(0), "")
    payment = Payment(
        id=new_id(),
        request=body,
        country=str(body["country"]),
        description=str(body["description"]),
        merchant_order_id=str(body["merchant_order_id"]),
        value=value,
        currency=currency,
        status="CREATED",
        sub_status="CREATED",
        created_at=now,
        updated_at=now,
        idempotency_key="",
        session_id=session.id if session else None,
        customer_id=customer_id,
        card=source.card,
        token=source.token.token if source.token else None,
        vaulted_token=source.enrollment.vaulted_token if source.enrollment else None,
        capture=capture,
        workflow=str(body["workflow"]),
    )
    _decide(payment, check.text(body, "merchant_reference", 3, 255))
    sandbox.store.payments[payment.id] = payment
    if session is not None:
        session.used = True
    return payment


def _decide(payment: Payment, merchant_reference: str | None) -> None:
    """Let the testing gateway answer the first transaction and set the payment's status."""
    code = response_code(payment.card, payment.description)
    result = outcome(code, payment.capture)
    payment.status, payment.sub_status = result.status, result.sub_status
    kind = "PURCHASE" if payment.capture else "AUTHORIZE"
    first = Transaction(
        new_id(),
        kind,
        result.transaction_status,
        payment.value,
        code,
        payment.created_at,
        merchant_reference=merchant_reference,
        description=payment.description,
    )
    payment.transactions.append(first)
    if payment.status == "SUCCEEDED":
        payment.captured = payment.value


def _settle(sandbox: Sandbox, payment: Payment, source: Source) -> None:
    """Spend the token; on success vault the card or mark the vaulted method used."""
    if source.token is not None:
        source.token.used = True
    if payment.status not in ("SUCCEEDED", "PENDING"):
        return
    if source.enrollment is not None:
        source.enrollment.last_used_at = payment.created_at
    elif payment.vault_on_success and payment.customer_id and source.card is not None:
        item = vault_card(sandbox, payment.customer_id, payment.country, source.card)
        item.last_used_at = payment.created_at
        payment.vaulted_token = item.vaulted_token


def find_payment(sandbox: Sandbox, payment_id: str) -> Payment:
    payment = sandbox.store.payments.get(payment_id)
    if payment is None:
        raise SandboxError(400, "PAYMENT_NOT_FOUND", "Payment not found")
    return payment


async def get_payment(request: web.Request) -> web.Response:
    sandbox = request.app[SANDBOX]
    payment = find_payment(sandbox, request.match_info["payment_id"])
    return json_response(payment_json(sandbox, payment, listed=True))


async def list_payments(request: web.Request) -> web.Response:
    sandbox = request.app[SANDBOX]
    order_id = request.query.get("merchant_order_id")
    if not order_id:
        raise missing("merchant_order_id")
    found = [p for p in sandbox.store.payments.values() if p.merchant_order_id == order_id]
    return json_response([payment_json(sandbox, p, listed=True) for p in found])


def routes() -> list[web.RouteDef]:
    return [
        web.post("/v1/payments", create_payment),
        web.get("/v1/payments", list_payments),
        web.get("/v1/payments/{payment_id}", get_payment),
    ]
