"""Follow-up operations on a payment: capture (partial captures too, up to the authorized
amount), cancel, refund, and cancel-or-refund (Yuno picks the one the status allows).

Each checks the body as Yuno's OpenAPI files require (capture: ``merchant_reference``,
``reason``, ``amount``; cancel and refund: ``merchant_reference``; cancel-or-refund by
payment: ``reason``), then the payment's status and the transaction it names the way Yuno
does (INVALID_STATUS, TRANSACTION_NOT_FOUND, INVALID_AMOUNT), appends one transaction and
announces it by webhook. Capture, cancel and cancel-or-refund answer with the new
transaction and the payment embedded; refund answers with the payment.
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
CANCEL_REASONS = REFUND_REASONS[:3]
_REFUNDABLE_TYPES = ("PURCHASE", "CAPTURE")
#: Statuses from which an authorization can still be captured.
_CAPTURABLE = (("PENDING", "AUTHORIZED"), ("SUCCEEDED", "PARTIALLY_CAPTURED"))


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


async def _body(request: web.Request, *required: str) -> JsonObject:
    body = load_object(await request.read())
    check.require(body, *required)
    check.text(body, "merchant_reference", 3, 255)
    check.text(body, "description", 3, 255)
    return body


def _append(
    sandbox: Sandbox, payment: Payment, kind: str, amount: Decimal, body: JsonObject
) -> Transaction:
    now = sandbox.now()
    reference = check.text(body, "merchant_reference", 3, 255) or payment.merchant_order_id
    tx = Transaction(
        new_id(),
        kind,
        "SUCCEEDED",
        amount,
        "SUCCEEDED",
        now,
        merchant_reference=reference,
        reason=check.text(body, "reason", 1, 64),
        description=check.text(body, "description", 3, 255),
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


def _refuse_status(payment: Payment) -> SandboxError:
    return SandboxError(400, "INVALID_STATUS", f"Payment is {payment.status}/{payment.sub_status}")


def _authorized(payment: Payment) -> bool:
    return (payment.status, payment.sub_status) == ("PENDING", "AUTHORIZED")


def _cancel(sandbox: Sandbox, payment: Payment, body: JsonObject) -> Transaction:
    if not _authorized(payment):
        raise _refuse_status(payment)
    check.choice(body, "reason", CANCEL_REASONS)
    canceled = _append(sandbox, payment, "CANCEL", payment.value, body)
    payment.status, payment.sub_status = "CANCELED", "CANCELED"
    return canceled


def _refund(sandbox: Sandbox, payment: Payment, tx: Transaction, body: JsonObject) -> Transaction:
    if payment.status != "SUCCEEDED":
        raise _refuse_status(payment)
    if tx.type not in _REFUNDABLE_TYPES or tx.status != "SUCCEEDED":
        raise SandboxError(
            400, "TRANSACTION_NOT_FOUND", "Only a purchase or capture can be refunded"
        )
    check.choice(body, "reason", REFUND_REASONS)
    amount = _requested_amount(body, payment, payment.captured - payment.refunded)
    refunded = _append(sandbox, payment, "REFUND", amount, body)
    payment.refunded += amount
    if payment.refunded == payment.captured:
        payment.status, payment.sub_status = "REFUNDED", "REFUNDED"
    else:
        payment.sub_status = "PARTIALLY_REFUNDED"
    return refunded


async def capture(request: web.Request) -> web.Response:
    sandbox, payment = _payment(request)
    body = await _body(request, "merchant_reference", "reason", "amount")
    tx = _transaction(payment, request.match_info["transaction_id"])
    if (payment.status, payment.sub_status) not in _CAPTURABLE:
        raise _refuse_status(payment)
    if tx.type != "AUTHORIZE":
        raise SandboxError(400, "TRANSACTION_NOT_FOUND", "Only the authorization can be captured")
    check.text(body, "reason", 1, 64)
    amount = _requested_amount(body, payment, payment.value - payment.captured)
    captured = _append(sandbox, payment, "CAPTURE", amount, body)
    payment.captured += amount
    payment.status = "SUCCEEDED"
    payment.sub_status = "CAPTURED" if payment.captured == payment.value else "PARTIALLY_CAPTURED"
    _emit(sandbox, payment, "payment.capture", request)
    return json_response(operation_json(sandbox, payment, captured))


async def cancel(request: web.Request) -> web.Response:
    sandbox, payment = _payment(request)
    body = await _body(request, "merchant_reference")
    _transaction(payment, request.match_info["transaction_id"])
    canceled = _cancel(sandbox, payment, body)
    _emit(sandbox, payment, "payment.cancel", request)
    return json_response(operation_json(sandbox, payment, canceled))


async def refund(request: web.Request) -> web.Response:
    sandbox, payment = _payment(request)
    body = await _body(request, "merchant_reference")
    tx = _transaction(payment, request.match_info["transaction_id"])
    _refund(sandbox, payment, tx, body)
    _emit(sandbox, payment, "payment.refund", request)
    return json_response(payment_json(sandbox, payment))


async def cancel_or_refund(request: web.Request) -> web.Response:
    """An authorization is canceled, a charge refunded; anything else is INVALID_STATUS.
    By payment ``reason`` is required; by transaction it is optional (Yuno's two files)."""
    sandbox, payment = _payment(request)
    by_transaction = "transaction_id" in request.match_info
    body = await _body(request, *(() if by_transaction else ("reason",)))
    check.choice(body, "reason", REFUND_REASONS)
    named = _transaction(payment, request.match_info["transaction_id"]) if by_transaction else None
    if _authorized(payment):
        done, event = _cancel(sandbox, payment, body), "payment.cancel"
    elif payment.status == "SUCCEEDED":
        charges = [t for t in payment.transactions if t.type in _REFUNDABLE_TYPES]
        target = named or (charges[-1] if charges else None)
        if target is None:
            raise _refuse_status(payment)
        done, event = _refund(sandbox, payment, target, body), "payment.refund"
    else:
        raise _refuse_status(payment)
    _emit(sandbox, payment, event, request)
    return json_response(operation_json(sandbox, payment, done), status=201)


def _payment(request: web.Request) -> tuple[Sandbox, Payment]:
    sandbox = request.app[SANDBOX]
    return sandbox, find_payment(sandbox, request.match_info["payment_id"])


def routes() -> list[web.RouteDef]:
    base = "/v1/payments/{payment_id}/transactions/{transaction_id}"
    return [
        web.post(f"{base}/capture", capture),
        web.post(f"{base}/cancel", cancel),
        web.post(f"{base}/refund", refund),
        web.post(f"{base}/cancel-or-refund", cancel_or_refund),
        web.post("/v1/payments/{payment_id}/cancel-or-refund", cancel_or_refund),
    ]
