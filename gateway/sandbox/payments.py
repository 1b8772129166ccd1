"""``/v1/payments``: create (SDK checkout or direct), retrieve, and list by order id.

A payment pays with a one-time token, a vaulted card, raw card data (PCI merchants) or an
alternative method the session's country offers (``methods.py``). What it becomes is the
Yuno Testing Gateway's verdict (``outcomes.py``), Yuno's 3-D Secure simulator
(``threeds.py``) or, for a pending one, the step it waits for (``steps.py``). Creating a
payment spends its one-time token; a payment that is not declined spends its checkout
session (the shopper may try another card after a decline). Missing order fields are taken
from the session and conflicting ones are refused.
"""

from dataclasses import dataclass
from decimal import Decimal

from aiohttp import web

from gateway.sandbox import steps
from gateway.sandbox import validation as check
from gateway.sandbox.cards import Card, parse_card
from gateway.sandbox.customers import find_customer
from gateway.sandbox.enrollment import find_vaulted, vault_card
from gateway.sandbox.errors import SandboxError, invalid, missing
from gateway.sandbox.methods import METHODS, Method
from gateway.sandbox.outcomes import FRAUD_DECLINE, FRAUD_REVIEW, response_code
from gateway.sandbox.sessions import open_checkout_session
from gateway.sandbox.state import SANDBOX, Sandbox
from gateway.sandbox.store import CheckoutSession, Enrollment, OneTimeToken, Payment, Transaction
from gateway.sandbox.threeds import CHALLENGE, FRICTIONLESS, scenario
from gateway.sandbox.views import payment_json
from gateway.sandbox.wire import JsonObject, json_response, load_object, new_id

WORKFLOWS = ("SDK_CHECKOUT", "CHECKOUT", "DIRECT", "REDIRECT", "SDK_SEAMLESS")
_FROM_SESSION = (
    ("country", "country"),
    ("merchant_order_id", "merchant_order_id"),
    ("description", "payment_description"),
)
#: Outcomes after which the shopper may pay the same checkout session again.
_SESSION_KEPT = frozenset({"DECLINED", "ERROR", "REJECTED"})


@dataclass(frozen=True)
class Source:
    """Where the money comes from: a one-time token, a vaulted method, raw card data, or
    an alternative method."""

    card: Card | None
    token: OneTimeToken | None = None
    enrollment: Enrollment | None = None
    method: Method | None = None


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


def _merge_session(body: JsonObject, session: CheckoutSession, zero: bool) -> JsonObject:
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
        given = check.amount(merged, None, zero=zero)
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
    sandbox: Sandbox,
    body: JsonObject,
    session: CheckoutSession | None,
    customer_id: str | None,
) -> Source:
    method = check.obj(body, "payment_method") or {}
    kind = method.get("type")
    if method.get("vaulted_token") is not None:
        return _vaulted(sandbox, method, session, customer_id)
    if session is not None and method.get("token") is not None:
        token = sandbox.store.tokens.get(str(method.get("token")))
        if token is None or token.used or token.session_id != session.id:
            raise invalid("payment_method.token is not an unused token of this checkout session")
        alternative = METHODS.get(token.type)
        return Source(token.card, token=token, method=alternative)
    if isinstance(kind, str) and kind in METHODS:
        return Source(None, method=_offered(METHODS[kind], str(body["country"])))
    if session is not None:
        raise missing("payment_method.token")
    if method.get("token") is not None:  # a direct token (POST /v1/tokens)
        token = sandbox.store.tokens.get(str(method["token"]))
        if token is None or token.used or token.session_id or token.card is None:
            raise invalid("payment_method.token is not an unused direct token")
        return Source(token.card, token=token)
    detail = check.obj(method, "detail") or {}
    card = check.obj(detail, "card") or {}
    if card.get("card_data") is None:
        raise missing("payment_method.vaulted_token")
    return Source(
        parse_card(card["card_data"], sandbox.now(), "payment_method.detail.card.card_data")
    )


def _vaulted(
    sandbox: Sandbox, method: JsonObject, session: CheckoutSession | None, customer_id: str | None
) -> Source:
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


def _offered(method: Method, country: str) -> Method:
    if country not in method.countries:
        raise SandboxError(
            400, "UNAVAILABLE_PAYMENT_METHOD", "payment_method.type is not offered in this country"
        )
    return method


def _payer_document(sandbox: Sandbox, body: JsonObject, customer_id: str | None) -> None:
    """Methods that identify the payer (PIX, boleto, PSE) need a document of theirs, in the
    payment's ``customer_payer`` or on the customer Yuno holds."""
    method = METHODS.get(str((check.obj(body, "payment_method") or {}).get("type")))
    if method is None or not method.documents:
        return
    payer = check.obj(body, "customer_payer") or {}
    document = check.obj(payer, "document", label="customer_payer.document")
    if document is None and customer_id is not None:
        stored = sandbox.store.customers[customer_id].data.get("document")
        document = stored if isinstance(stored, dict) else None
    if document is None or document.get("document_number") is None:
        raise missing("customer_payer.document")
    if document.get("document_type") not in method.documents:
        allowed = ", ".join(method.documents)
        raise invalid(f"customer_payer.document.document_type must be one of {allowed}")


def _card_detail(body: JsonObject) -> JsonObject:
    method = check.obj(body, "payment_method") or {}
    detail = check.obj(method, "detail", label="payment_method.detail") or {}
    return check.obj(detail, "card", label="payment_method.detail.card") or {}


def _capture_flag(body: JsonObject) -> bool:
    card = _card_detail(body)
    return check.boolean(card, "capture", label="payment_method.detail.card.capture") is not False


def _verify_flag(body: JsonObject) -> bool:
    return bool(
        check.boolean(_card_detail(body), "verify", label="payment_method.detail.card.verify")
    )


def _installments(body: JsonObject) -> int:
    value = _card_detail(body).get("installments", 1)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 50:
        raise invalid("payment_method.detail.card.installments must be 1 to 50")
    return value


def _validated(sandbox: Sandbox, body: JsonObject) -> tuple[JsonObject, CheckoutSession | None]:
    workflow = check.choice(body, "workflow", WORKFLOWS) or "SDK_CHECKOUT"
    direct = workflow in ("DIRECT", "REDIRECT")
    _require(body, direct)
    check.account(body, sandbox.config.account_id)
    verify = _verify_flag(body)
    session = None
    if not direct:
        checkout = check.obj(body, "checkout") or {}
        session = open_checkout_session(sandbox, checkout.get("session"))
        body = _merge_session(body, session, verify)
    body["workflow"] = workflow
    country = check.payment_country(body)
    value, _ = check.amount(body, country, zero=verify) or (Decimal(0), "")
    if verify and value != 0:
        raise SandboxError(400, "INVALID_AMOUNT", "a verify has amount.value 0")
    check.required_text(body, "description", 3, 255)
    check.required_text(body, "merchant_order_id", 3, 255)
    check.text(body, "merchant_reference", 3, 255)
    check.text(body, "callback_url", 3, 526)
    check.metadata(body, 120)
    _installments(body)
    return body, session


def base_url(request: web.Request) -> str:
    """Where the shopper's browser reaches the emulator's pages (3DS, vouchers, banks)."""
    return request.app[SANDBOX].config.public_url or str(request.url.origin())


async def create_payment(request: web.Request) -> web.Response:
    sandbox = request.app[SANDBOX]
    body, session = _validated(sandbox, load_object(await request.read()))
    customer_id = _customer(sandbox, body, session)
    source = _source(sandbox, body, session, customer_id)
    _payer_document(sandbox, body, customer_id)
    method = check.obj(body, "payment_method") or {}
    vault = bool(method.get("vault_on_success")) or (
        source.token is not None and source.token.vault_on_success
    )
    if vault and customer_id is None:
        raise missing("customer_payer.id")
    payment = _record(sandbox, body, session, customer_id, source)
    payment.vault_on_success = vault
    payment.idempotency_key = request.headers.get("X-Idempotency-Key", "")
    _decide(sandbox, payment, source, body, base_url(request))
    merchant_reference = check.text(body, "merchant_reference", 3, 255)
    for transaction in payment.transactions:
        transaction.merchant_reference = merchant_reference
    if session is not None and payment.status not in _SESSION_KEPT:
        session.used = True
    _settle(sandbox, payment, source)
    steps.announce(sandbox, payment)
    return json_response(payment_json(sandbox, payment), status=201)


def _record(
    sandbox: Sandbox,
    body: JsonObject,
    session: CheckoutSession | None,
    customer_id: str | None,
    source: Source,
) -> Payment:
    """Store the new payment, with no transaction yet."""
    now = sandbox.now()
    value, currency = check.amount(body, None, zero=True) or (Decimal(0), "")
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
        capture=_capture_flag(body),
        workflow=str(body["workflow"]),
        method_type=source.method.type if source.method else "CARD",
        installments=_installments(body),
        verify=_verify_flag(body),
        callback_url=check.text(body, "callback_url", 3, 526)
        or (session.data.get("callback_url") if session else None),  # type: ignore[arg-type]
    )
    sandbox.store.payments[payment.id] = payment
    return payment


def _decide(
    sandbox: Sandbox, payment: Payment, source: Source, body: JsonObject, base: str
) -> None:
    """What the payment is after its create call: screened, waiting, or answered."""
    screening = check.obj(body, "fraud_screening") or {}
    if check.boolean(screening, "stand_alone", label="fraud_screening.stand_alone"):
        _stand_alone_screening(sandbox, payment)
    elif payment.description == FRAUD_DECLINE:
        payment.status, payment.sub_status = "DECLINED", "FRAUD_DECLINED"
        moment = payment.created_at.isoformat()
        payment.fraud_screening = {"status": "DECLINED", "stand_alone": False,
                                   "created_at": moment, "updated_at": moment}  # fmt: skip
    elif payment.description == FRAUD_REVIEW:
        steps.review(sandbox, payment)
    elif source.method is not None:
        steps.alternative(sandbox, payment, source.method, base)
    elif payment.verify:
        _verify(payment)
    else:
        _card(sandbox, payment, base)


def _card(sandbox: Sandbox, payment: Payment, base: str) -> None:
    found = scenario(payment.card.number) if payment.card is not None else None
    if found == CHALLENGE:
        steps.challenge(sandbox, payment, base)
        return
    if found == FRICTIONLESS:
        payment.transactions.append(
            Transaction(
                new_id(),
                steps.THREE_DS_TYPE,
                "SUCCEEDED",
                payment.value,
                "SUCCEEDED",
                payment.created_at,
            )
        )
    steps.authorize(payment, three_ds=found == FRICTIONLESS)


def _verify(payment: Payment) -> None:
    """A zero-amount verify: VERIFIED/VERIFIED (Yuno's status table for a verify; the one
    verify example in Yuno's OpenAPI, inside an enrollment, shows SUCCEEDED/VERIFIED)."""
    code = response_code(payment.card, payment.description)
    ok = code == "SUCCEEDED"
    payment.status, payment.sub_status = (
        ("VERIFIED", "VERIFIED") if ok else ("DECLINED", "DECLINED")
    )
    payment.transactions.append(
        Transaction(
            new_id(),
            "VERIFY",
            "SUCCEEDED" if ok else "DECLINED",
            Decimal(0),
            code,
            payment.created_at,
            description=payment.description,
        )
    )


def _stand_alone_screening(sandbox: Sandbox, payment: Payment) -> None:
    moment = payment.created_at.isoformat()
    payment.status, payment.sub_status = "FRAUD", "FRAUD_VERIFIED"
    payment.fraud_screening = {"status": "SUCCEEDED", "stand_alone": True,
                               "created_at": moment, "updated_at": moment}  # fmt: skip
    payment.transactions.append(
        Transaction(
            new_id(), steps.FRAUD_TYPE, "SUCCEEDED", payment.value, "FRAUD_VERIFIED",
            payment.created_at,
        )
    )  # fmt: skip


def _settle(sandbox: Sandbox, payment: Payment, source: Source) -> None:
    """Spend the token; on success vault the card or mark the vaulted method used."""
    if source.token is not None:
        source.token.used = True
    if payment.status not in ("SUCCEEDED", "PENDING", "VERIFIED"):
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
    steps.expire_due(sandbox)
    payment = find_payment(sandbox, request.match_info["payment_id"])
    return json_response(payment_json(sandbox, payment, listed=True))


async def list_payments(request: web.Request) -> web.Response:
    sandbox = request.app[SANDBOX]
    order_id = request.query.get("merchant_order_id")
    if not order_id:
        raise missing("merchant_order_id")
    steps.expire_due(sandbox)
    found = [p for p in sandbox.store.payments.values() if p.merchant_order_id == order_id]
    return json_response([payment_json(sandbox, p, listed=True) for p in found])


def routes() -> list[web.RouteDef]:
    return [
        web.post("/v1/payments", create_payment),
        web.get("/v1/payments", list_payments),
        web.get("/v1/payments/{payment_id}", get_payment),
    ]
