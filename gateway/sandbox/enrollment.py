"""Vaulting payment methods through a customer session (Yuno's checkout enrollment flow).

The merchant opens an enrollment (READY_TO_ENROLL); the shopper's SDK then posts the card
to ``/v1/sdk/enrollments/{id}``, which Yuno does inside its SDK and the emulator exposes
as one call. Enrolling the same card again for a customer retires the older enrollment.
"""

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
#: What can be enrolled: type → (name, category, icon file).
CATALOG: dict[str, tuple[str, str, str]] = {
    "CARD": ("Card", "CARD", "card_logosimbolo.png"),
    "MERCADO_PAGO_WALLET": ("Mercado Pago Wallet", "WALLET", "mercadopago_logosimbolo.png"),
}


def enrollment_json(sandbox: Sandbox, item: Enrollment) -> JsonObject:
    """The payment-method object, in whichever status the enrollment is."""
    name, _, icon = CATALOG[item.type]
    if item.card is not None:
        name = item.card.display_name
    used_at = item.last_used_at
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
        "sub_status": None,
        "vaulted_token": item.vaulted_token,
        "workflow": "CHECKOUT",
        "callback_url": None,
        "action": None,
        "redirect_url": None,
        "created_at": timestamp(item.created_at),
        "updated_at": timestamp(item.updated_at),
        "enrollment": {
            "session": item.session,
            "sdk_required_action": item.status == "READY_TO_ENROLL",
        },
        "provider": {"id": "YUNO", "type": "YUNO", "provider_status": None},
        "card_data": None if item.card is None else item.card.public_data(),
        "verify": {"vault_on_success": False, "payment": None},
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


def complete(sandbox: Sandbox, item: Enrollment, card: Card | None) -> None:
    """Mark an enrollment ENROLLED, retiring older enrollments of the same card."""
    now = sandbox.now()
    if card is not None:
        for older in enrolled_for(sandbox, item.customer_id):
            if older.card is not None and older.card.fingerprint == card.fingerprint:
                _retire(sandbox, older)
    item.card, item.status, item.updated_at = card, "ENROLLED", now
    item.vaulted_token = new_id()
    _notify(sandbox, item, "enrollment.enroll")


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
    )
    sandbox.store.enrollments[item.id] = item
    document = enrollment_json(sandbox, item)
    customer = find_customer(sandbox, session.customer_id).data
    payer_fields = (
        "first_name",
        "last_name",
        "email",
        "gender",
        "date_of_birth",
        "document",
        "phone",
        "billing_address",
    )
    document["customer_payer"] = {name: customer.get(name) for name in payer_fields}
    return json_response(document, status=201)


async def sdk_enroll(request: web.Request) -> web.Response:
    """What Yuno's SDK does with the shopper's card: collect it and enroll."""
    sandbox = request.app[SANDBOX]
    item = sandbox.store.enrollments.get(request.match_info["payment_method_id"])
    if item is None:
        raise not_found("Payment method")
    if item.status != "READY_TO_ENROLL":
        raise SandboxError(400, "INVALID_STATUS", f"Payment method is {item.status}")
    body = load_object(await request.read())
    card = parse_card(body.get("card"), sandbox.now()) if item.type == "CARD" else None
    complete(sandbox, item, card)
    return json_response(enrollment_json(sandbox, item))


async def list_enrolled(request: web.Request) -> web.Response:
    sandbox = request.app[SANDBOX]
    customer = find_customer(sandbox, request.match_info["customer_id"])
    methods = [enrollment_json(sandbox, e) for e in enrolled_for(sandbox, customer.id)]
    return json_response({"payment_methods": methods})


async def get_enrollment(request: web.Request) -> web.Response:
    sandbox = request.app[SANDBOX]
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
        web.get("/v1/payment-methods/{payment_method_id}", get_enrollment),
        web.post(
            "/v1/customers/{customer_id}/payment-methods/{payment_method_id}/unenroll", unenroll
        ),
    ]
