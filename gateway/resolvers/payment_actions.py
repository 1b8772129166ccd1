"""Moving an existing payment on: capture an authorization, cancel it, or refund a charge.

Each reads the payment fresh from Yuno to find the transaction the action applies to, and
refuses early, as a userError, what Yuno would refuse anyway.
"""

from collections.abc import Awaitable, Callable

from gateway.auth import Scope
from gateway.resolvers.context import Context
from gateway.resolvers.idempotency import key_or_new, yuno_key
from gateway.resolvers.outcomes import Outcome, problem_from_yuno
from gateway.yuno.errors import YunoConnectFailed, YunoRequestError, YunoUnavailable
from gateway.yuno.models import CancelRequest, CaptureRequest, Payment, RefundRequest
from gateway.yuno.models.common import MoneyRequest
from gateway.yuno.models.payments import AUTHORIZE, MONEY_MOVING_TRANSACTIONS

#: Sends the action for (payment, transaction id, the idempotency key Yuno sees).
Action = Callable[[Payment, str, str], Awaitable[Payment]]

AUTHORIZED = ("PENDING", "AUTHORIZED")
REFUNDABLE_STATUSES = frozenset({"SUCCEEDED"})


async def capture_payment(
    ctx: Context, payment_id: str, amount: MoneyRequest | None, idempotency_key: str | None
) -> Outcome[Payment]:
    async def capture(current: Payment, transaction_id: str, key: str) -> Payment:
        full = MoneyRequest(value=current.amount.value, currency=current.amount.currency)
        body = CaptureRequest(merchant_reference=current.merchant_order_id, amount=amount or full)
        return await ctx.upstream.client.capture_payment(current.id, transaction_id, body, key)

    if not ctx.principal.can(Scope.PAYMENTS_CAPTURE):
        return _not_allowed(Scope.PAYMENTS_CAPTURE)
    return await _act(
        ctx, payment_id, amount, _authorization, "PAYMENT_NOT_CAPTURABLE", capture, idempotency_key
    )


async def cancel_payment(
    ctx: Context, payment_id: str, reason: str | None, idempotency_key: str | None
) -> Outcome[Payment]:
    async def cancel(current: Payment, transaction_id: str, key: str) -> Payment:
        body = CancelRequest(merchant_reference=current.merchant_order_id, description=reason)
        return await ctx.upstream.client.cancel_payment(current.id, transaction_id, body, key)

    if not ctx.principal.can(Scope.PAYMENTS_CANCEL):
        return _not_allowed(Scope.PAYMENTS_CANCEL)
    return await _act(
        ctx, payment_id, None, _authorization, "PAYMENT_NOT_CANCELABLE", cancel, idempotency_key
    )


async def refund_payment(
    ctx: Context,
    payment_id: str,
    amount: MoneyRequest | None,
    reason: str | None,
    idempotency_key: str | None,
) -> Outcome[Payment]:
    async def refund(current: Payment, transaction_id: str, key: str) -> Payment:
        body = RefundRequest(
            merchant_reference=current.merchant_order_id, amount=amount, description=reason
        )
        return await ctx.upstream.client.refund_payment(current.id, transaction_id, body, key)

    if not ctx.principal.can(Scope.PAYMENTS_REFUND):
        return _not_allowed(Scope.PAYMENTS_REFUND)
    return await _act(
        ctx, payment_id, amount, _charge, "PAYMENT_NOT_REFUNDABLE", refund, idempotency_key
    )


def _not_allowed(scope: Scope) -> Outcome[Payment]:
    """Decided before any lookup, so the answer says nothing about the payment id."""
    return Outcome.failed("NOT_ALLOWED", f"This needs the {scope} scope.", None)


def _authorization(current: Payment, strict: bool) -> str | None:
    found = current.transaction_of(frozenset({AUTHORIZE}))
    ok = (current.status, current.sub_status) == AUTHORIZED or not strict
    return found.id if found and ok else None


def _charge(current: Payment, strict: bool) -> str | None:
    found = current.transaction_of(MONEY_MOVING_TRANSACTIONS)
    ok = current.status in REFUNDABLE_STATUSES or not strict
    return found.id if found and ok else None


async def _act(
    ctx: Context,
    payment_id: str,
    amount: MoneyRequest | None,
    transaction_for: Callable[[Payment, bool], str | None],
    refused_code: str,
    action: Action,
    idempotency_key: str | None,
) -> Outcome[Payment]:
    """A keyed request goes to Yuno even when the status no longer fits: it may be the
    client's retry of an action that already happened, and Yuno answers that with the
    first outcome. Without a key, a status that does not fit is refused here."""
    try:
        current = await ctx.upstream.client.get_payment(payment_id)
    except YunoRequestError:
        return Outcome.failed("PAYMENT_NOT_FOUND", "No such payment.", ("input", "paymentId"))
    transaction_id = transaction_for(current, idempotency_key is None)
    if transaction_id is None:
        message = f"A payment that is {current.status} does not allow this."
        return Outcome.failed(refused_code, message, ("input", "paymentId"))
    if amount is not None and amount.currency != current.amount.currency:
        message = f"The payment is in {current.amount.currency}."
        return Outcome.failed("CURRENCY_MISMATCH", message, ("input", "amount", "currency"))
    client_key = key_or_new(idempotency_key)
    key = yuno_key(ctx.principal, refused_code, payment_id, client_key)
    try:
        moved = await action(current, transaction_id, key)
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
