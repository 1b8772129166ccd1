"""Follow-up operations on a payment's transactions: capture, cancel and refund.

Each checks the payment's status and the transaction it names the way Yuno does
(INVALID_STATUS, TRANSACTION_NOT_FOUND, INVALID_AMOUNT), then appends one transaction
and announces it by webhook.
"""

from decimal import Decimal

from aiohttp import web

from gateway.sandbox import validation as check
from gateway.sandbox.errors import SandboxError, invalid
from gateway.sandbox.payments import find_payment
from gateway.sandbox.state import SANDBOX, Sandbox
from gateway.sandbox.store import Payment, Transaction
from gateway.sandbox.views import operation_json, payment_json
from gateway.sandbox.wire import JsonObject, json_response, load_object, new_id

REFUND_REASONS = ("DUPLICATE", "FRAUDULENT", "REQUESTED_BY_CUSTOMER", "REVERSE")
_REFUNDABLE_TYPES = ("PURCHASE", "CAPTURE")


def _transaction(payment: Payment, transaction_id: str) -> Transaction:
    found = next((tx for tx in payment.transactions if tx.id == transaction_id), None)
    if found is None:
        raise SandboxError(400, "TRANSACTION_NOT_FOUND", "Transaction not found")
    return found


def _requested_amount(body: JsonObject, payment: Payment, limit: Decimal) -> Decimal:
    """The optional ``amount`` (default: ``limit``), in the payment's currency, ≤ limit."""
    requested = check.amount(body, None)
    if requested is None:
        return limit
    value, currency = requested
    if currency != payment.currency:
        raise invalid("amount.currency must be the payment's currency")
    if value > limit:
        raise SandboxError(400, "INVALID_AMOUNT", f"amount exceeds the available {limit}")
    return value


async def _target(request: web.Request) -> tuple[Sandbox, Payment, Transaction, JsonObject]:
    sandbox = request.app[SANDBOX]
    payment = find_payment(sandbox, request.match_info["payment_id"])
    tx = _transaction(payment, request.match_info["transaction_id"])
    body = load_object(await request.read())
    check.text(body, "merchant_reference", 1, 255)
    check.text(body, "description", 1, 255)
    return sandbox, payment, tx, body


def _append(
    sandbox: Sandbox, payment: Payment, kind: str, amount: Decimal, body: JsonObject
) -> Transaction:
    now = sandbox.now()
    tx = Transaction(
        new_id(),
        kind,
        "SUCCEEDED",
        amount,
        "SUCCEEDED",
        now,
        merchant_reference=check.text(body, "merchant_reference", 1, 255),
        reason=check.text(body, "reason", 1, 64),
        description=check.text(body, "description", 1, 255),
    )
    payment.transactions.append(tx)
    payment.updated_at = now
    return tx


def _emit(sandbox: Sandbox, payment: Payment, type_event: str, request: web.Request) -> None:
    data: JsonObject = {
        "payment": payment_json(sandbox, payment),
        "idempotency_key": request.headers.get("X-Idempotency-Key"),
    }
    sandbox.webhooks.emit("payment", type_event, data)


def _require_authorized(payment: Payment) -> None:
    if (payment.status, payment.sub_status) != ("PENDING", "AUTHORIZED"):
        raise SandboxError(
            400, "INVALID_STATUS", f"Payment is {payment.status}/{payment.sub_status}"
        )


async def capture(request: web.Request) -> web.Response:
    sandbox, payment, tx, body = await _target(request)
    _require_authorized(payment)
    if tx.type != "AUTHORIZE":
        raise SandboxError(400, "TRANSACTION_NOT_FOUND", "Only the authorization can be captured")
    amount = _requested_amount(body, payment, payment.value)
    captured = _append(sandbox, payment, "CAPTURE", amount, body)
    payment.captured = amount
    payment.status = "SUCCEEDED"
    payment.sub_status = "CAPTURED" if amount == payment.value else "PARTIALLY_CAPTURED"
    _emit(sandbox, payment, "payment.capture", request)
    return json_response(operation_json(sandbox, payment, captured))


async def cancel(request: web.Request) -> web.Response:
    sandbox, payment, _, body = await _target(request)
    _require_authorized(payment)
    check.choice(body, "reason", REFUND_REASONS[:3])
    canceled = _append(sandbox, payment, "CANCEL", payment.value, body)
    payment.status, payment.sub_status = "CANCELED", "CANCELED"
    _emit(sandbox, payment, "payment.cancel", request)
    return json_response(operation_json(sandbox, payment, canceled))


async def refund(request: web.Request) -> web.Response:
    sandbox, payment, tx, body = await _target(request)
    if payment.status != "SUCCEEDED":
        raise SandboxError(
            400, "INVALID_STATUS", f"Payment is {payment.status}/{payment.sub_status}"
        )
    if tx.type not in _REFUNDABLE_TYPES or tx.status != "SUCCEEDED":
        raise SandboxError(
            400, "TRANSACTION_NOT_FOUND", "Only a purchase or capture can be refunded"
        )
    check.choice(body, "reason", REFUND_REASONS)
    amount = _requested_amount(body, payment, payment.captured - payment.refunded)
    _append(sandbox, payment, "REFUND", amount, body)
    payment.refunded += amount
    if payment.refunded == payment.captured:
        payment.status, payment.sub_status = "REFUNDED", "REFUNDED"
    else:
        payment.sub_status = "PARTIALLY_REFUNDED"
    _emit(sandbox, payment, "payment.refund", request)
    return json_response(payment_json(sandbox, payment))


def routes() -> list[web.RouteDef]:
    base = "/v1/payments/{payment_id}/transactions/{transaction_id}"
    return [
        web.post(f"{base}/capture", capture),
        web.post(f"{base}/cancel", cancel),
        web.post(f"{base}/refund", refund),
    ]
