"""Vaulting payment methods: through a customer session (Yuno's checkout flow, the SDK
collects the card) or straight on the customer (the direct flow, for PCI merchants).

Checkout flow: the merchant opens an enrollment (READY_TO_ENROLL); the shopper's SDK posts
the card to ``/v1/sdk/enrollments/{id}`` (Yuno does this inside its SDK; the emulator
exposes it as one call), or, for a wallet, approves on the wallet's page
(``/sandbox/enroll/{id}``). The Testing Gateway's card outcomes apply: a decline card ends
DECLINED, the error card ERROR; an enrollment nobody completes before its customer session
ends is EXPIRED. With ``verify``, a zero-amount VERIFY payment runs first, and with
``vault_on_success`` a failed verify keeps the card out of the vault. Enrolling the same
card again through the checkout flow retires the older enrollment; the direct flow makes a
new vaulted token each time (yuno-api.md §3.4, §3.7).
"""

from datetime import datetime
from decimal import Decimal

from aiohttp import web

from gateway.sandbox import validation as check
from gateway.sandbox.cards import Card, parse_card
from gateway.sandbox.customers import find_customer
from gateway.sandbox.errors import SandboxError, invalid, not_found
from gateway.sandbox.sessions import find_customer_session
from gateway.sandbox.state import SANDBOX, Sandbox
from gateway.sandbox.store import Enrollment
from gateway.sandbox.wire import JsonObject, json_response, load_object, new_id, timestamp

ICONS = "https://icons.prod.y.uno"
#: What can be enrolled through a customer session: type → (name, category, icon file).
#: Every type but CARD is a wallet or account the shopper approves on its provider's page.
CATALOG: dict[str, tuple[str, str, str]] = {
    "CARD": ("Card", "CARD", "card_logosimbolo.png"),
    "MERCADO_PAGO_WALLET": ("Mercado Pago Wallet", "WALLET", "mercadopago_logosimbolo.png"),
    "NEQUI": ("Nequi", "WALLET", "nequi_logosimbolo.png"),
    "BANCOLOMBIA_TOKENBOX": ("Bancolombia", "WALLET", "bancolombia_logosimbolo.png"),
    "NU_PAY_ENROLLMENT": ("NuPay", "WALLET", "nupay_logosimbolo.png"),
    "PAYPAL_ENROLLMENT": ("PayPal", "WALLET", "paypal_logosimbolo.png"),
    "DAVIPLATA_ENROLLMENT": ("Daviplata", "WALLET", "daviplata_logosimbolo.png"),
    "YAPE_ENROLLMENT": ("Yape", "WALLET", "yape_logosimbolo.png"),
}
#: What the direct flow enrolls (Yuno's OpenAPI enum).
DIRECT_TYPES: dict[str, tuple[str, str, str]] = {
    "CARD": CATALOG["CARD"],
    "ACH_ENROLLMENT": ("ACH", "BANK_TRANSFER", "ach_logosimbolo.png"),
    "NU_PAY_ENROLLMENT": CATALOG["NU_PAY_ENROLLMENT"],
}
#: Test-card outcomes that keep a card out of the vault.
_ERROR_CODES = frozenset({"ERROR"})


def enrollment_json(sandbox: Sandbox, item: Enrollment) -> JsonObject:
    """The payment-method object, in whichever status the enrollment is."""
    name, _, icon = CATALOG.get(item.type) or DIRECT_TYPES[item.type]
    if item.card is not None:
        name = item.card.display_name
    used_at = item.last_used_at
    waiting = item.status == "READY_TO_ENROLL"
    return {
        "id": item.id,
        "idempotency_key": item.idempotency_key,
        "account_id": sandbox.config.account_id,
        "name": name,
        "description": name,
        "icon": f"{ICONS}/{icon}",
        "type": item.type,
        "category": item.category,
        "country": item.country,
        "status": item.status,
        "sub_status": item.sub_status,
        "vaulted_token": item.vaulted_token,
        "workflow": item.workflow,
        "callback_url": item.callback_url,
        "action": "REDIRECT_URL" if waiting and item.redirect_url else None,
        "redirect_url": item.redirect_url if waiting else None,
        "created_at": timestamp(item.created_at),
        "updated_at": timestamp(item.updated_at),
        "enrollment": {"session": item.session, "sdk_required_action": waiting},
        "provider": {"id": "YUNO", "type": "YUNO", "provider_status": None},
        "card_data": None if item.card is None else item.card.public_data(),
        "verify": {**(item.verify or {"vault_on_success": False}), "payment": item.verify_payment},
        "last_successfully_used": used_at is not None,
        "last_successfully_used_at": "" if used_at is None else timestamp(used_at),
        "preferred": False,
    }


def enrolled_for(sandbox: Sandbox, customer_id: str) -> list[Enrollment]:
    """A customer's ENROLLED methods, oldest first."""
    return [
        e
        for e in sandbox.store.enrollments.values()
        if e.customer_id == customer_id and e.status == "ENROLLED"
    ]


def complete(sandbox: Sandbox, item: Enrollment, card: Card | None, *, retire: bool = True) -> None:
    """End an enrollment as the card (or the wallet's approval) decides, and announce it:
    ENROLLED with a vaulted token, or DECLINED/ERROR with the response code as sub-status."""
    now = sandbox.now()
    item.card, item.updated_at = card, now
    code = _card_code(card)
    if code == "SUCCEEDED" and item.verify is not None:
        item.verify_payment = _verify_payment(sandbox, item, card)
        if item.verify.get("vault_on_success") and _verify_code(card) != "SUCCEEDED":
            code = _verify_code(card)
    if code != "SUCCEEDED":
        item.status = "ERROR" if code in _ERROR_CODES else "DECLINED"
        item.sub_status = code
        _notify(sandbox, item, "enrollment.enroll")
        return
    if card is not None and retire:
        for older in enrolled_for(sandbox, item.customer_id):
            if older.card is not None and older.card.fingerprint == card.fingerprint:
                _retire(sandbox, older)
    item.status, item.vaulted_token = "ENROLLED", new_id()
    _notify(sandbox, item, "enrollment.enroll")


def decline(sandbox: Sandbox, item: Enrollment) -> None:
    """The shopper refused on the wallet's page."""
    item.status, item.sub_status, item.updated_at = "DECLINED", "DECLINED", sandbox.now()
    _notify(sandbox, item, "enrollment.enroll")


def _card_code(card: Card | None) -> str:
    return (card.outcome() if card is not None else None) or "SUCCEEDED"


def _verify_code(card: Card | None) -> str:
    return _card_code(card)


def _verify_payment(sandbox: Sandbox, item: Enrollment, card: Card | None) -> JsonObject:
    """The zero-amount VERIFY payment Yuno embeds in ``verify.payment`` (its enroll
    example "With Verify": SUCCEEDED/VERIFIED, transactions as an array)."""
    now, code = timestamp(sandbox.now()), _verify_code(card)
    ok = code == "SUCCEEDED"
    reference = f"VERIFY_CARD_{item.id}"
    currency = (item.verify or {}).get("currency")
    return {
        "id": new_id(),
        "account_id": sandbox.config.account_id,
        "description": "VERIFY CARD",
        "country": item.country,
        "status": "SUCCEEDED" if ok else "DECLINED",
        "sub_status": "VERIFIED" if ok else "DECLINED",
        "merchant_order_id": reference,
        "created_at": now,
        "updated_at": now,
        "amount": {"currency": currency, "value": Decimal(0), "refunded": 0, "captured": 0},
        "transactions": [
            {
                "id": new_id(),
                "type": "VERIFY",
                "status": "SUCCEEDED" if ok else "DECLINED",
                "response_code": code,
                "category": "CARD",
                "merchant_reference": reference,
                "created_at": now,
                "updated_at": now,
            }
        ],
    }


def vault_card(sandbox: Sandbox, customer_id: str, country: str, card: Card) -> Enrollment:
    """Enroll a card straight away (a payment with ``vault_on_success``)."""
    now = sandbox.now()
    item = Enrollment(
        new_id(), customer_id, country, "CARD", "CARD", "", "READY_TO_ENROLL", now, now
    )
    sandbox.store.enrollments[item.id] = item
    complete(sandbox, item, card)
    return item


def _retire(sandbox: Sandbox, item: Enrollment) -> None:
    item.status, item.updated_at = "UNENROLLED", sandbox.now()
    _notify(sandbox, item, "enrollment.unenroll")


def _notify(sandbox: Sandbox, item: Enrollment, type_event: str) -> None:
    document = enrollment_json(sandbox, item)
    document["customer_id"] = item.customer_id
    sandbox.webhooks.emit("enrollment", type_event, {"payment_method": document})


def expire_due(sandbox: Sandbox, now: datetime | None = None) -> int:
    """Enrollments nobody completed before their customer session ended: EXPIRED."""
    moment = now or sandbox.now()
    due = [
        e
        for e in sandbox.store.enrollments.values()
        if e.status == "READY_TO_ENROLL" and e.expires_at is not None and e.expires_at <= moment
    ]
    for item in due:
        item.status, item.sub_status, item.updated_at = "EXPIRED", "EXPIRED", moment
        _notify(sandbox, item, "enrollment.expiration")
    return len(due)


def _verify_option(body: JsonObject) -> JsonObject | None:
    verify = check.obj(body, "verify")
    if verify is None:
        return None
    check.require(verify, "vault_on_success", prefix="verify.")
    vault = check.boolean(verify, "vault_on_success", label="verify.vault_on_success")
    currency = check.text(verify, "currency", 3, 3, label="verify.currency")
    return {"vault_on_success": bool(vault), "currency": currency}


def _base_url(request: web.Request) -> str:
    return request.app[SANDBOX].config.public_url or str(request.url.origin())


async def list_enrollable(request: web.Request) -> web.Response:
    session = find_customer_session(request.app[SANDBOX], request.match_info["customer_session"])
    methods = [
        {
            "name": name,
            "description": name,
            "type": kind,
            "category": category,
            "icon": f"{ICONS}/{icon}",
            "enrollment": {"session": session.id, "sdk_required_action": True},
        }
        for kind, (name, category, icon) in CATALOG.items()
    ]
    return json_response({"payment_methods": methods})


async def enroll(request: web.Request) -> web.Response:
    sandbox = request.app[SANDBOX]
    session = find_customer_session(sandbox, request.match_info["customer_session"])
    body = load_object(await request.read())
    check.require(body, "account_id", "payment_method_type", "country")
    check.account(body, sandbox.config.account_id)
    kind = check.choice(body, "payment_method_type", CATALOG) or "CARD"
    country = check.payment_country(body)
    now = sandbox.now()
    item = Enrollment(
        new_id(),
        session.customer_id,
        country,
        kind,
        CATALOG[kind][1],
        session.id,
        "READY_TO_ENROLL",
        now,
        now,
        idempotency_key=request.headers.get("X-Idempotency-Key"),
        callback_url=session.callback_url,
        verify=_verify_option(body),
        expires_at=session.created_at + sandbox.config.session_ttl,
    )
    if kind != "CARD":
        item.redirect_url = f"{_base_url(request)}/sandbox/enroll/{item.id}"
    sandbox.store.enrollments[item.id] = item
    document = enrollment_json(sandbox, item)
    document["customer_payer"] = _payer(sandbox, session.customer_id)
    return json_response(document, status=201)


def _payer(sandbox: Sandbox, customer_id: str) -> JsonObject:
    customer = find_customer(sandbox, customer_id).data
    fields = (
        "first_name",
        "last_name",
        "email",
        "gender",
        "date_of_birth",
        "document",
        "phone",
        "billing_address",
    )
    return {name: customer.get(name) for name in fields}


async def sdk_enroll(request: web.Request) -> web.Response:
    """What Yuno's SDK does with the shopper's card: collect it and enroll."""
    sandbox = request.app[SANDBOX]
    expire_due(sandbox)
    item = sandbox.store.enrollments.get(request.match_info["payment_method_id"])
    if item is None:
        raise not_found("Payment method")
    if item.status != "READY_TO_ENROLL":
        raise SandboxError(400, "INVALID_STATUS", f"Payment method is {item.status}")
    if item.type != "CARD":
        raise invalid("a wallet is enrolled on its own page (redirect_url), not with a card")
    body = load_object(await request.read())
    complete(sandbox, item, parse_card(body.get("card"), sandbox.now()))
    return json_response(enrollment_json(sandbox, item))


async def enroll_direct(request: web.Request) -> web.Response:
    """``POST /v1/customers/{id}/payment-methods``: the direct (PCI) flow, card data in the
    request, an answer at once; other types wait on their provider's page."""
    sandbox = request.app[SANDBOX]
    customer = find_customer(sandbox, request.match_info["customer_id"])
    body = load_object(await request.read())
    check.require(body, "account_id", "country", "type")
    check.account(body, sandbox.config.account_id)
    kind = check.choice(body, "type", DIRECT_TYPES) or "CARD"
    if check.choice(body, "workflow", ("DIRECT",)) is None and "workflow" in body:
        raise invalid("workflow must be DIRECT")
    country = check.payment_country(body)
    now = sandbox.now()
    item = Enrollment(
        new_id(),
        customer.id,
        country,
        kind,
        DIRECT_TYPES[kind][1],
        "",
        "READY_TO_ENROLL",
        now,
        now,
        idempotency_key=request.headers.get("X-Idempotency-Key"),
        workflow="DIRECT",
        callback_url=check.text(body, "callback_url", 3, 526),
        verify=_verify_option(body),
        expires_at=now + sandbox.config.session_ttl,
    )
    sandbox.store.enrollments[item.id] = item
    if kind == "CARD":
        complete(sandbox, item, _direct_card(sandbox, body), retire=False)
    else:
        item.redirect_url = f"{_base_url(request)}/sandbox/enroll/{item.id}"
    return json_response(enrollment_json(sandbox, item), status=201)


def _direct_card(sandbox: Sandbox, body: JsonObject) -> Card:
    """The card of a direct enrollment: ``card_data`` (PCI merchants), or a one-time
    ``token`` the SDK minted, which the enrollment spends."""
    if body.get("token") is not None:
        token = sandbox.store.tokens.get(str(body["token"]))
        if token is None or token.used or token.card is None:
            raise invalid("token is not an unused card token")
        token.used = True
        return token.card
    check.require(body, "card_data")
    return parse_card(body["card_data"], sandbox.now(), "card_data")


async def list_enrolled(request: web.Request) -> web.Response:
    sandbox = request.app[SANDBOX]
    customer = find_customer(sandbox, request.match_info["customer_id"])
    methods = [enrollment_json(sandbox, e) for e in enrolled_for(sandbox, customer.id)]
    return json_response({"payment_methods": methods})


async def get_enrolled(request: web.Request) -> web.Response:
    """One of a customer's methods by its vaulted token (or enrollment id), any status."""
    sandbox = request.app[SANDBOX]
    customer = find_customer(sandbox, request.match_info["customer_id"])
    wanted = request.match_info["payment_method_id"]
    item = next(
        (
            e
            for e in sandbox.store.enrollments.values()
            if e.customer_id == customer.id and wanted in (e.vaulted_token, e.id)
        ),
        None,
    )
    if item is None:
        raise not_found("Payment method")
    return json_response(enrollment_json(sandbox, item))


async def get_enrollment(request: web.Request) -> web.Response:
    sandbox = request.app[SANDBOX]
    expire_due(sandbox)
    item = sandbox.store.enrollments.get(request.match_info["payment_method_id"])
    if item is None:
        raise not_found("Payment method")
    return json_response(enrollment_json(sandbox, item))


async def unenroll(request: web.Request) -> web.Response:
    sandbox = request.app[SANDBOX]
    customer = find_customer(sandbox, request.match_info["customer_id"])
    wanted = request.match_info["payment_method_id"]
    item = next(
        (e for e in enrolled_for(sandbox, customer.id) if wanted in (e.vaulted_token, e.id)), None
    )
    if item is None:
        raise not_found("Payment method")
    _retire(sandbox, item)
    return json_response(enrollment_json(sandbox, item))


async def unenroll_checkout(request: web.Request) -> web.Response:
    """The checkout flow's unenroll, by the enrollment's id (no customer in the path and,
    per Yuno's OpenAPI, no idempotency key)."""
    sandbox = request.app[SANDBOX]
    item = sandbox.store.enrollments.get(request.match_info["payment_method_id"])
    if item is None or item.status != "ENROLLED":
        raise not_found("Payment method")
    _retire(sandbox, item)
    return json_response(enrollment_json(sandbox, item))


def find_vaulted(sandbox: Sandbox, vaulted_token: object) -> Enrollment:
    """An ENROLLED method by vaulted token; Yuno calls an unknown token invalid."""
    item = (
        sandbox.store.enrollment_by_token(vaulted_token) if isinstance(vaulted_token, str) else None
    )
    if item is None or item.status != "ENROLLED":
        raise invalid("payment_method.vaulted_token is not an enrolled payment method")
    return item


def routes() -> list[web.RouteDef]:
    return [
        web.get(
            "/v1/checkout/customers/sessions/{customer_session}/payment-methods", list_enrollable
        ),
        web.post("/v1/customers/sessions/{customer_session}/payment-methods", enroll),
        web.post("/v1/sdk/enrollments/{payment_method_id}", sdk_enroll),
        web.get("/v1/customers/{customer_id}/payment-methods", list_enrolled),
        web.post("/v1/customers/{customer_id}/payment-methods", enroll_direct),
        web.get("/v1/customers/{customer_id}/payment-methods/{payment_method_id}", get_enrolled),
        web.get("/v1/payment-methods/{payment_method_id}", get_enrollment),
        web.post(
            "/v1/customers/{customer_id}/payment-methods/{payment_method_id}/unenroll", unenroll
        ),
        web.post("/v1/customers/payment-methods/{payment_method_id}/unenroll", unenroll_checkout),
    ]
