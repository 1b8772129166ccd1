"""Moving an existing payment on: capture an authorization (in parts, too), cancel it,
refund a charge, or let Yuno pick between cancel and refund.

Each reads the payment fresh from Yuno to find the transaction the action applies to, and
refuses early, as a userError, what Yuno would refuse anyway.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from gateway.auth import Scope
from gateway.loaders.loaders import order_payments_key, payment_key
from gateway.resolvers.context import Context
from gateway.resolvers.idempotency import key_or_new, yuno_key
from gateway.resolvers.outcomes import Outcome, problem_from_yuno
from gateway.yuno.errors import YunoConnectFailed, YunoRequestError, YunoUnavailable
from gateway.yuno.models import (
    CancelOrRefundRequest,
    CancelRequest,
    CaptureRequest,
    Payment,
    RefundRequest,
)
from gateway.yuno.models.common import MoneyRequest
from gateway.yuno.models.payments import AUTHORIZE, MONEY_MOVING_TRANSACTIONS, PaymentMove

AUTHORIZED = ("PENDING", "AUTHORIZED")
#: An authorization captured in part can be captured again, up to its amount.
CAPTURABLE = frozenset({AUTHORIZED, ("SUCCEEDED", "PARTIALLY_CAPTURED")})
REFUNDABLE_STATUSES = frozenset({"SUCCEEDED"})

#: The request to send, made from the payment as Yuno has it now.
Request = Callable[[Payment], PaymentMove]
CancelOrRefundReason = Literal["DUPLICATE", "FRAUDULENT", "REQUESTED_BY_CUSTOMER", "REVERSE"]


def _authorization(current: Payment, strict: bool) -> str | None:
    found = current.transaction_of(frozenset({AUTHORIZE}))
    ok = (current.status, current.sub_status) == AUTHORIZED or not strict
    return found.id if found and ok else None


def _capturable(current: Payment, strict: bool) -> str | None:
    found = current.transaction_of(frozenset({AUTHORIZE}))
    ok = (current.status, current.sub_status) in CAPTURABLE or not strict
    return found.id if found and ok else None


def _either(current: Payment, strict: bool) -> str | None:
    """Cancel-or-refund names the payment, not a transaction: "" when one of the two fits."""
    fits = _authorization(current, strict) or _charge(current, strict)
    return "" if fits is not None else None


def _cancel_or_refund_scope(current: Payment) -> Scope:
    authorized = (current.status, current.sub_status) == AUTHORIZED
    return Scope.PAYMENTS_CANCEL if authorized else Scope.PAYMENTS_REFUND


def _charge(current: Payment, strict: bool) -> str | None:
    found = current.transaction_of(MONEY_MOVING_TRANSACTIONS)
    ok = current.status in REFUNDABLE_STATUSES or not strict
    return found.id if found and ok else None


@dataclass(frozen=True)
class Move:
    """One way to move a payment on: who may (any of ``scopes`` before the lookup; then,
    when the payment decides which, ``scope_for`` it), which transaction it acts on
    (``strict``: only while the payment's status allows it), and the code when it cannot."""

    scopes: tuple[Scope, ...]
    transaction_for: Callable[[Payment, bool], str | None]
    refused_code: str
    scope_for: Callable[[Payment], Scope] | None = None


CAPTURE = Move((Scope.PAYMENTS_CAPTURE,), _capturable, "PAYMENT_NOT_CAPTURABLE")
CANCEL = Move((Scope.PAYMENTS_CANCEL,), _authorization, "PAYMENT_NOT_CANCELABLE")
REFUND = Move((Scope.PAYMENTS_REFUND,), _charge, "PAYMENT_NOT_REFUNDABLE")
CANCEL_OR_REFUND = Move(
    (Scope.PAYMENTS_CANCEL, Scope.PAYMENTS_REFUND),
    _either,
    "PAYMENT_NOT_CANCELABLE_OR_REFUNDABLE",
    _cancel_or_refund_scope,
)


async def capture_payment(
    ctx: Context, payment_id: str, amount: MoneyRequest | None, idempotency_key: str | None
) -> Outcome[Payment]:
    def request(current: Payment) -> PaymentMove:
        # What is left to capture; nothing left means a keyed retry of a capture Yuno
        # already made, which it answers with the first outcome whatever the body says.
        rest = current.amount.value - current.captured
        value = rest if rest > 0 else current.amount.value
        left = MoneyRequest(value=value, currency=current.amount.currency)
        return CaptureRequest(merchant_reference=current.merchant_order_id, amount=amount or left)

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


async def cancel_or_refund_payment(
    ctx: Context,
    payment_id: str,
    amount: MoneyRequest | None,
    reason: CancelOrRefundReason | None,
    idempotency_key: str | None,
) -> Outcome[Payment]:
    """An authorization is canceled, a charge refunded (in part with an amount): Yuno
    picks by the payment's status, and the caller needs the scope of what it picks."""

    def request(current: Payment) -> PaymentMove:
        return CancelOrRefundRequest(
            merchant_reference=current.merchant_order_id,
            amount=amount,
            reason=reason or "REQUESTED_BY_CUSTOMER",
        )

    return await _act(ctx, CANCEL_OR_REFUND, payment_id, amount, request, idempotency_key)


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
    if not any(ctx.principal.can(scope) for scope in move.scopes):
        return _not_allowed(move.scopes)
    try:
        current = await ctx.upstream.client.get_payment(payment_id)
    except YunoRequestError:
        return Outcome.failed("PAYMENT_NOT_FOUND", "No such payment.", ("input", "paymentId"))
    if move.scope_for is not None and not ctx.principal.can(needed := move.scope_for(current)):
        return _not_allowed((needed,))
    transaction_id = move.transaction_for(current, idempotency_key is None)
    if transaction_id is None:
        message = f"A payment that is {current.status} does not allow this."
        return Outcome.failed(move.refused_code, message, ("input", "paymentId"))
    if amount is not None and amount.currency != current.amount.currency:
        message = f"The payment is in {current.amount.currency}."
        return Outcome.failed("CURRENCY_MISMATCH", message, ("input", "amount", "currency"))
    client_key = key_or_new(idempotency_key)
    key = yuno_key(ctx.principal, move.refused_code, payment_id, client_key)
    client = ctx.upstream.client
    try:
        if transaction_id:
            moved = await client.move_payment(current.id, transaction_id, request(current), key)
        else:
            moved = await client.cancel_or_refund(current.id, request(current), key)
    except YunoRequestError as error:
        return Outcome(problems=(problem_from_yuno(error),))
    except YunoConnectFailed:
        raise  # never sent: nothing moved, the caller may simply try again
    except YunoUnavailable:
        await _changed(ctx, current)  # it may have moved: no answer may say it did not
        return Outcome.failed(
            "PAYMENT_OUTCOME_UNKNOWN",
            "The payments provider did not confirm this in time and it may still happen. "
            f"Retry with idempotencyKey {client_key!r} (never a new key).",
            ("input", "idempotencyKey"),
        )
    await _changed(ctx, current)
    return Outcome(moved)


async def _changed(ctx: Context, payment: Payment) -> None:
    """Answers that showed this payment, or listed its order's, are out of date."""
    await ctx.upstream.cache.invalidate(
        payment_key(payment.id), order_payments_key(payment.merchant_order_id)
    )
    ctx.loaders.payment_by_id.forget(payment.id)


def _not_allowed(scopes: tuple[Scope, ...]) -> Outcome[Payment]:
    names = " or ".join(str(scope) for scope in scopes)
    return Outcome.failed("NOT_ALLOWED", f"This needs the {names} scope.", None)
