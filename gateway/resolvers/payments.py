"""Taking a payment, and moving it on: capture, cancel, refund.

A payment of a checkout session takes its amount, country, order and customer from the
session as Yuno holds it, never from the client. Every write carries an idempotency key to
Yuno, the client's when it sends one, so a client retry never moves money twice.
"""

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from decimal import Decimal

from gateway.auth import Scope
from gateway.loaders import CheckoutSessionRef
from gateway.loaders.loaders import checkout_session_key, order_payments_key
from gateway.resolvers import access
from gateway.resolvers.context import Context
from gateway.resolvers.idempotency import key_or_new, yuno_key
from gateway.resolvers.lookups import or_none
from gateway.resolvers.outcomes import Field, Outcome, problem_from_yuno
from gateway.resolvers.payment_methods import forget_methods_of
from gateway.resolvers.webhooks import payment_topic
from gateway.yuno.documents import PAYER_DOCUMENTS, document_problem
from gateway.yuno.errors import (
    YunoConnectFailed,
    YunoNotFound,
    YunoRequestError,
    YunoRequestInProcess,
    YunoUnavailable,
)
from gateway.yuno.models import (
    CheckoutSession,
    Payment,
    PaymentCreate,
)
from gateway.yuno.models.common import MoneyRequest
from gateway.yuno.models.customers import DocumentRequest
from gateway.yuno.models.payments import (
    CardPaymentDetail,
    CheckoutRequest,
    CustomerPayerRequest,
    PaymentAmountRequest,
    PaymentDetail,
    PaymentMethodRequest,
)

log = logging.getLogger(__name__)

#: How long a double submit waits for its twin, in steps (seconds).
TWIN_WAITS = (0.05, 0.1, 0.2, 0.4, 0.8, 1.6)


@dataclass(frozen=True)
class NewPayment:
    """``createPayment``'s input, as the use case sees it."""

    checkout_session_id: str | None = None
    token: str | None = None
    vaulted_token: str | None = None
    method_type: str | None = None
    vault_on_success: bool | None = None
    idempotency_key: str | None = None
    capture: bool | None = None
    amount: MoneyRequest | None = None
    merchant_order_id: str | None = None
    description: str | None = None
    country: str | None = None
    customer_id: str | None = None
    payer_document: DocumentRequest | None = None
    installments: int | None = None

    @property
    def alternative(self) -> bool:
        """Paid with an alternative method (PIX, OXXO, PSE...), not a card."""
        return self.method_type is not None and self.method_type != "CARD"

    def session_fields(self) -> dict[str, object]:
        """The fields a checkout session decides, by their input names."""
        return {
            "amount": self.amount,
            "merchantOrderId": self.merchant_order_id,
            "description": self.description,
            "country": self.country,
            "customerId": self.customer_id,
        }


async def payment(ctx: Context, payment_id: str) -> Payment | None:
    found = await or_none(ctx.loaders.payment_by_id.load(payment_id))
    if found is None or not await access.may_read_payment(ctx, found):
        return None
    return found


async def payments_by_merchant_order_id(ctx: Context, merchant_order_id: str) -> list[Payment]:
    payments = await or_none(ctx.loaders.payments_by_merchant_order_id.load(merchant_order_id))
    visible = [p for p in payments or [] if await access.may_read_payment(ctx, p)]
    for found in visible:
        ctx.loaders.payment_by_id.prime(found.id, found)
    return visible


async def payment_updates(ctx: Context, payment_id: str) -> AsyncIterator[Payment]:
    """The payment now, then each change Yuno reports by webhook, until the client leaves.

    It subscribes before reading the current state, so no change falls in between."""
    subscription = await ctx.bus.subscribe(payment_topic(payment_id))
    try:
        try:
            current = await ctx.upstream.client.get_payment(payment_id)
        except YunoNotFound:
            raise PaymentNotFound(payment_id) from None
        if not await access.may_read_payment(ctx, current):
            raise PaymentNotFound(payment_id)
        yield current
        last = current
        async for message in subscription:
            update = Payment.model_validate_json(message)
            if _is_change(last, update):
                last = update
                yield update
    finally:
        await subscription.close()


def _is_change(seen: Payment, update: Payment) -> bool:
    """A subscriber hears each change once: not the state it already has (the webhook of
    the create call often arrives after the first read), nor an older one."""
    if (update.status, update.sub_status) == (seen.status, seen.sub_status):
        return False
    if seen.updated_at is None or update.updated_at is None:
        return True
    return update.updated_at >= seen.updated_at


class PaymentNotFound(LookupError):
    """A subscription to a payment that does not exist (or is not the caller's)."""


async def create_payment(ctx: Context, new: NewPayment) -> Outcome[Payment]:
    """``new`` has exactly one of a token and a vaulted token (the edge checked it)."""
    if new.checkout_session_id:
        return await _pay_session(ctx, new, new.checkout_session_id)
    return await _pay_direct(ctx, new)


async def _pay_session(ctx: Context, new: NewPayment, session_id: str) -> Outcome[Payment]:
    if given := [name for name, value in new.session_fields().items() if value]:
        return Outcome.failed(
            "FIELD_SET_BY_SESSION",
            "A checkout session's payment takes this from the session; leave it out.",
            ("input", given[0]),
        )
    not_found = Outcome[Payment].failed(
        "CHECKOUT_SESSION_NOT_FOUND",
        "No such checkout session, or it has expired.",
        ("input", "checkoutSessionId"),
    )
    try:
        session = await ctx.upstream.client.get_checkout_session(session_id)
    except YunoRequestError:
        return not_found
    if not (
        ctx.principal.can(Scope.PAYMENTS_CREATE) or await access.owns(ctx, session.customer_id)
    ):
        return not_found
    if session.used:
        retried = new.idempotency_key and yuno_key(
            ctx.principal, "payment", f"session:{session.id}", new.idempotency_key
        )
        if retried and (earlier := await _created_with(ctx, session.merchant_order_id, retried)):
            return Outcome(earlier)  # a retry of the request that used the session
        return Outcome.failed(
            "CHECKOUT_SESSION_USED",
            "This checkout session already has its payment; create a new session.",
            ("input", "checkoutSessionId"),
        )
    if session.amount is None:
        return Outcome.failed(
            "CHECKOUT_SESSION_WITHOUT_AMOUNT",
            "This checkout session has no amount to pay.",
            ("input", "checkoutSessionId"),
        )
    if new.alternative and (refused := await _not_offered(ctx, session, new)):
        return refused
    if refused := await _payer_document_problem(ctx, new, session.customer_id):
        return refused
    body = PaymentCreate(
        description=session.payment_description,
        country=session.country,
        merchant_order_id=session.merchant_order_id,
        amount=PaymentAmountRequest(value=session.amount.value, currency=session.amount.currency),
        checkout=CheckoutRequest(session=session.id),
        customer_payer=CustomerPayerRequest(id=session.customer_id, document=new.payer_document)
        if session.customer_id
        else None,
        payment_method=_method(new),
    )
    outcome = await _send(ctx, body, new)
    await _after_session_payment(ctx, session, new, outcome)
    return outcome


async def _after_session_payment(
    ctx: Context, session: CheckoutSession, new: NewPayment, outcome: Outcome[Payment]
) -> None:
    await ctx.upstream.cache.invalidate(checkout_session_key(session.id))
    ctx.loaders.checkout_session_by_id.forget(session.id)
    if outcome.value is not None and new.vault_on_success and session.customer_id:
        await forget_methods_of(ctx, session.customer_id)


async def _pay_direct(ctx: Context, new: NewPayment) -> Outcome[Payment]:
    if not ctx.principal.can(Scope.PAYMENTS_DIRECT):
        return Outcome.failed(
            "NOT_ALLOWED",
            f"Paying without a checkout session needs the {Scope.PAYMENTS_DIRECT} scope.",
            ("input", "checkoutSessionId"),
        )
    missing = [name for name, value in new.session_fields().items() if not value]
    if missing or not (new.amount and new.merchant_order_id and new.description and new.country):
        return Outcome.failed(
            "MISSING_FIELD",
            "A payment without a checkout session needs this field.",
            ("input", missing[0] if missing else "amount"),
        )
    if refused := await _payer_document_problem(ctx, new, new.customer_id):
        return refused
    body = PaymentCreate(
        description=new.description,
        country=new.country,
        merchant_order_id=new.merchant_order_id,
        amount=PaymentAmountRequest(value=new.amount.value, currency=new.amount.currency),
        customer_payer=CustomerPayerRequest(id=new.customer_id or "", document=new.payer_document),
        payment_method=_method(new, default_type="CARD"),
        workflow="DIRECT",
    )
    outcome = await _send(ctx, body, new)
    if outcome.value is not None and new.vault_on_success and new.customer_id:
        await forget_methods_of(ctx, new.customer_id)
    return outcome


def _method(new: NewPayment, default_type: str | None = None) -> PaymentMethodRequest:
    card = (
        None
        if new.alternative or (new.capture is None and new.installments is None)
        else PaymentDetail(
            card=CardPaymentDetail(capture=new.capture, installments=new.installments)
        )
    )
    return PaymentMethodRequest(
        type=new.method_type or (default_type if new.vaulted_token else None),
        token=new.token,
        vaulted_token=new.vaulted_token,
        vault_on_success=new.vault_on_success,
        detail=card,
    )


async def _not_offered(
    ctx: Context, session: CheckoutSession, new: NewPayment
) -> Outcome[Payment] | None:
    """An alternative method must be one the session offers (its cached catalog)."""
    ref = CheckoutSessionRef(session.id, session.customer_id)
    catalog = await ctx.loaders.payment_methods_by_checkout_session.load(ref)
    if any(m.type == new.method_type for m in catalog):
        return None
    return Outcome.failed(
        "PAYMENT_METHOD_NOT_OFFERED",
        "This checkout session does not offer this payment method (see its paymentMethods).",
        ("input", "paymentMethod", "type"),
    )


async def _payer_document_problem(
    ctx: Context, new: NewPayment, customer_id: str | None
) -> Outcome[Payment] | None:
    """PIX, boleto and PSE identify the payer by a document: the input's (checked at the
    edge) or the one on the customer's record."""
    if not new.method_type or new.method_type not in PAYER_DOCUMENTS or new.payer_document:
        return None
    found = await or_none(ctx.loaders.customer_by_id.load(customer_id)) if customer_id else None
    document = found.document if found else None
    problem = document_problem(
        new.method_type,
        document.document_type if document else None,
        document.document_number if document else None,
    )
    if problem is None:
        return None
    return Outcome.failed("PAYER_DOCUMENT_REQUIRED", problem, ("input", "payerDocument"))


async def verify_payment_method(
    ctx: Context, customer_id: str, vaulted_token: str, currency: str, idempotency_key: str | None
) -> Outcome[Payment]:
    """A zero-amount verify of an enrolled card: Yuno checks it with the issuer and moves
    no money, so the card's owner may ask too, not only a service."""
    not_found = Outcome[Payment].failed(
        "PAYMENT_METHOD_NOT_FOUND",
        "The customer has no enrolled payment method with this vaulted token.",
        ("input", "vaultedToken"),
    )
    if not await access.may_change_customer(ctx, customer_id):
        return not_found
    methods = await or_none(ctx.loaders.payment_methods_by_customer_id.load(customer_id)) or []
    method = next((m for m in methods if m.vaulted_token == vaulted_token), None)
    if method is None or not method.country:
        return not_found
    body = PaymentCreate(
        description="VERIFY CARD",
        country=method.country,
        merchant_order_id=f"VERIFY_CARD_{vaulted_token}",
        amount=PaymentAmountRequest(value=Decimal(0), currency=currency),
        customer_payer=CustomerPayerRequest(id=customer_id),
        payment_method=PaymentMethodRequest(
            type="CARD",
            vaulted_token=vaulted_token,
            detail=PaymentDetail(card=CardPaymentDetail(verify=True)),
        ),
        workflow="DIRECT",
    )
    new = NewPayment(vaulted_token=vaulted_token, idempotency_key=idempotency_key)
    return await _send(ctx, body, new)


def _target(body: PaymentCreate) -> str:
    """What a payment's idempotency key is scoped to: its session, or its order."""
    if body.checkout is not None:
        return f"session:{body.checkout.session}"
    return f"order:{body.merchant_order_id}"


async def _send(ctx: Context, body: PaymentCreate, new: NewPayment) -> Outcome[Payment]:
    """Create the payment; when Yuno's answer is lost, find out what Yuno did before
    answering, so a client is never told "failed" about a payment that exists."""
    payer = body.customer_payer.id if body.customer_payer else None
    if new.vaulted_token and not await _enrolled(ctx, payer, new.vaulted_token):
        return UNKNOWN_VAULTED_TOKEN
    client_key = key_or_new(new.idempotency_key)
    key = yuno_key(ctx.principal, "payment", _target(body), client_key)
    try:
        created = await ctx.upstream.client.create_payment(body, key)
    except YunoRequestInProcess:
        twin = await _settle_twin(ctx, body.merchant_order_id, key)
        if twin is None:
            return _outcome_unknown(body.merchant_order_id, client_key)
        created = twin
    except YunoRequestError as error:
        fields: dict[str, Field] = {"INVALID_PARAMETERS": ("paymentMethod",)}
        return Outcome(problems=(problem_from_yuno(error, fields),))
    except YunoConnectFailed:
        raise  # never sent: no payment exists, the caller may simply try again
    except YunoUnavailable:
        found = await _created_with(ctx, body.merchant_order_id, key)
        if found is None:
            return _outcome_unknown(body.merchant_order_id, client_key)
        created = found
    ctx.loaders.payment_by_id.prime(created.id, created)
    await ctx.upstream.cache.invalidate(order_payments_key(created.merchant_order_id))
    return Outcome(created)


#: Another customer's vaulted token reads exactly as one that does not exist: Yuno's
#: INVALID_CUSTOMER_FOR_TOKEN would tell a caller that the token is real.
UNKNOWN_VAULTED_TOKEN = Outcome[Payment].failed(
    "PAYMENT_METHOD_NOT_FOUND",
    "The customer has no enrolled payment method with this vaulted token.",
    ("input", "paymentMethod", "vaultedToken"),
)


async def _enrolled(ctx: Context, customer_id: str | None, vaulted_token: str) -> bool:
    if not customer_id:
        return False
    methods = await or_none(ctx.loaders.payment_methods_by_customer_id.load(customer_id)) or []
    return any(m.vaulted_token == vaulted_token for m in methods)


def _outcome_unknown(merchant_order_id: str, key: str) -> Outcome[Payment]:
    log.warning("payment outcome unknown", extra={"order": merchant_order_id})
    return Outcome.failed(
        "PAYMENT_OUTCOME_UNKNOWN",
        "The payments provider did not confirm this payment in time and it may still "
        f"complete. Retry with idempotencyKey {key!r} (never a new key), or look it "
        "up with paymentsByMerchantOrderId.",
        ("input", "idempotencyKey"),
    )


async def _settle_twin(ctx: Context, merchant_order_id: str, key: str) -> Payment | None:
    """A request with the same key is still running (a client's double submit): wait a
    little for it to finish, then answer with the payment it created."""
    for delay in TWIN_WAITS:
        await asyncio.sleep(delay)
        if found := await _created_with(ctx, merchant_order_id, key):
            return found
    return None


async def _created_with(ctx: Context, merchant_order_id: str, key: str) -> Payment | None:
    """The payment Yuno created for this order under this idempotency key, if any."""
    try:
        payments = await ctx.upstream.client.list_payments_by_merchant_order_id(merchant_order_id)
    except (YunoUnavailable, YunoRequestError):
        return None
    return next((p for p in payments if p.idempotency_key == key), None)
