"""Moving an existing payment on: capture an authorization, cancel it, or refund a charge.

Each reads the payment fresh from Yuno to find the transaction the action applies to, and
refuses early, as a userError, what Yuno would refuse anyway.
"""

from collections.abc import Callable
from dataclasses import dataclass

from gateway.auth import Scope
from gateway.resolvers.context import Context
from gateway.resolvers.idempotency import key_or_new, yuno_key
from gateway.resolvers.outcomes import Outcome, problem_from_yuno
from gateway.yuno.errors import YunoConnectFailed, YunoRequestError, YunoUnavailable
from gateway.yuno.models import CancelRequest, CaptureRequest, Payment, RefundRequest
from gateway.yuno.models.common import MoneyRequest
from gateway.yuno.models.payments import AUTHORIZE, MONEY_MOVING_TRANSACTIONS, PaymentMove

AUTHORIZED = ("PENDING", "AUTHORIZED")
REFUNDABLE_STATUSES = frozenset({"SUCCEEDED"})

#: The request to send, made from the payment as Yuno has it now.
Request = Callable[[Payment], PaymentMove]


def _authorization(current: Payment, strict: bool) -> str | None:
    found = current.transaction_of(frozenset({AUTHORIZE}))
    ok = (current.status, current.sub_status) == AUTHORIZED or not strict
    return found.id if found and ok else None


def _charge(current: Payment, strict: bool) -> str | None:
    found = current.transaction_of(MONEY_MOVING_TRANSACTIONS)
    ok = current.status in REFUNDABLE_STATUSES or not strict
    return found.id if found and ok else None


@dataclass(frozen=True)
class Move:
    """One way to move a payment on: who may, which transaction it acts on (``strict``:
    only while the payment's status allows it), and the code when it cannot."""

    scope: Scope
    transaction_for: Callable[[Payment, bool], str | None]
    refused_code: str


CAPTURE = Move(Scope.PAYMENTS_CAPTURE, _authorization, "PAYMENT_NOT_CAPTURABLE")
CANCEL = Move(Scope.PAYMENTS_CANCEL, _authorization, "PAYMENT_NOT_CANCELABLE")
REFUND = Move(Scope.PAYMENTS_REFUND, _charge, "PAYMENT_NOT_REFUNDABLE")


async def capture_payment(
    ctx: Context, payment_id: str, amount: MoneyRequest | None, idempotency_key: str | None
) -> Outcome[Payment]:
    def request(current: Payment) -> PaymentMove:
        full = MoneyRequest(value=current.amount.value, currency=current.amount.currency)
        return CaptureRequest(merchant_reference=current.merchant_order_id, amount=amount or full)

    return await _act(ctx, CAPTURE, payment_id, amount, request, idempotency_key)


async def cancel_payment(
    ctx: Context, payment_id: str, reason: str | None, idempotency_key: str | None
) -> Outcome[Payment]:
    def request(current: Payment) -> PaymentMove:
        return CancelRequest(merchant_reference=current.merchant_order_id, description=reason)

    return await _act(ctx, CANCEL, payment_id, None, request, idempotency_key)


async def refund_payment(
    ctx: Context,
    payment_id: str,
    amount: MoneyRequest | None,
    reason: str | None,
    idempotency_key: str | None,
) -> Outcome[Payment]:
    def request(current: Payment) -> PaymentMove:
        return RefundRequest(
            merchant_reference=current.merchant_order_id, amount=amount, description=reason
        )

    return await _act(ctx, REFUND, payment_id, amount, request, idempotency_key)


async def _act(
    ctx: Context,
    move: Move,
    payment_id: str,
    amount: MoneyRequest | None,
    request: Request,
    idempotency_key: str | None,
) -> Outcome[Payment]:
    """A keyed request goes to Yuno even when the status no longer fits: it may be the
    client's retry of an action that already happened, and Yuno answers that with the
    first outcome. Without a key, a status that does not fit is refused here. The scope
    is checked before any lookup, so a refusal says nothing about the payment id."""
    if not ctx.principal.can(move.scope):
        return Outcome.failed("NOT_ALLOWED", f"This needs the {move.scope} scope.", None)
    try:
        current = await ctx.upstream.client.get_payment(payment_id)
    except YunoRequestError:
        return Outcome.failed("PAYMENT_NOT_FOUND", "No such payment.", ("input", "paymentId"))
    transaction_id = move.transaction_for(current, idempotency_key is None)
    if transaction_id is None:
        message = f"A payment that is {current.status} does not allow this."
        return Outcome.failed(move.refused_code, message, ("input", "paymentId"))
    if amount is not None and amount.currency != current.amount.currency:
        message = f"The payment is in {current.amount.currency}."
        return Outcome.failed("CURRENCY_MISMATCH", message, ("input", "amount", "currency"))
    client_key = key_or_new(idempotency_key)
    key = yuno_key(ctx.principal, move.refused_code, payment_id, client_key)
    try:
        moved = await ctx.upstream.client.move_payment(
            current.id, transaction_id, request(current), key
        )
    except YunoRequestError as error:
        return Outcome(problems=(problem_from_yuno(error),))
    except YunoConnectFailed:
        raise  # never sent: nothing moved, the caller may simply try again
    except YunoUnavailable:
        return Outcome.failed(
            "PAYMENT_OUTCOME_UNKNOWN",
            "The payments provider did not confirm this in time and it may still happen. "
            f"Retry with idempotencyKey {client_key!r} (never a new key).",
            ("input", "idempotencyKey"),
        )
    ctx.loaders.payment_by_id.forget(payment_id)
    return Outcome(moved)
