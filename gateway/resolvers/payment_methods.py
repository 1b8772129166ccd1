"""Enrolling (vaulting) and unenrolling a customer's payment methods."""

from gateway.auth import Scope
from gateway.loaders.loaders import customer_methods_key
from gateway.resolvers import access
from gateway.resolvers.context import Context
from gateway.resolvers.idempotency import key_or_new, yuno_key
from gateway.resolvers.lookups import or_none
from gateway.resolvers.outcomes import Field, Outcome, problem_from_yuno
from gateway.resolvers.sessions import known_customer_session
from gateway.yuno.errors import YunoRequestError
from gateway.yuno.models import PaymentMethod
from gateway.yuno.models.payment_methods import DirectEnrollment


async def enroll_payment_method(
    ctx: Context,
    customer_session_id: str,
    payment_method_type: str,
    country: str,
    idempotency_key: str | None,
) -> Outcome[PaymentMethod]:
    """Starts an enrollment; Yuno's SDK collects the card in the shopper's app and Yuno
    reports the result (``enrollment.enroll`` webhook), so the answer is READY_TO_ENROLL."""
    session = await known_customer_session(ctx, customer_session_id)
    owner = session.customer_id if session else None
    if not await access.may_change_customer(ctx, owner) and not ctx.principal.can(
        Scope.CUSTOMERS_WRITE
    ):
        return Outcome.failed(
            "NOT_FOUND", "No such customer session.", ("input", "customerSessionId")
        )
    key = yuno_key(ctx.principal, "enroll", customer_session_id, key_or_new(idempotency_key))
    try:
        enrollment = await ctx.upstream.client.enroll_payment_method(
            customer_session_id, payment_method_type, country, key
        )
    except YunoRequestError as error:
        fields: dict[str, Field] = {"NOT_FOUND": ("customerSessionId",), "INVALID_PARAMETERS": ()}
        return Outcome(problems=(problem_from_yuno(error, fields),))
    if session is not None:
        await forget_methods_of(ctx, session.customer_id)
    return Outcome(enrollment)


async def vault_payment_method(
    ctx: Context,
    customer_id: str,
    enrollment: DirectEnrollment,
    idempotency_key: str | None,
) -> Outcome[PaymentMethod]:
    """Yuno's direct enrollment with a one-time token the SDK minted: the answer says at
    once whether the card was vaulted (ENROLLED) or not (DECLINED, ERROR)."""
    if not await access.may_change_customer(ctx, customer_id):
        return Outcome.failed("CUSTOMER_NOT_FOUND", "No such customer.", ("input", "customerId"))
    key = yuno_key(ctx.principal, "vault", customer_id, key_or_new(idempotency_key))
    try:
        method = await ctx.upstream.client.enroll_payment_method_directly(
            customer_id, enrollment, key
        )
    except YunoRequestError as error:
        fields: dict[str, Field] = {"INVALID_PARAMETERS": ("token",)}
        return Outcome(problems=(problem_from_yuno(error, fields),))
    await forget_methods_of(ctx, customer_id)
    return Outcome(method)


async def enrolled_payment_method(
    ctx: Context, customer_id: str, payment_method_id: str
) -> PaymentMethod | None:
    """One of the customer's methods, whatever its status (a wallet still being linked, a
    declined card), read from Yuno."""
    if not await access.may_read_customer(ctx, customer_id):
        return None
    ctx.loaders.tags.add(customer_methods_key(customer_id))  # read past the loaders
    return await or_none(
        ctx.upstream.client.get_enrolled_payment_method(customer_id, payment_method_id)
    )


async def unenroll_payment_method(
    ctx: Context, customer_id: str, payment_method_id: str, idempotency_key: str | None
) -> Outcome[PaymentMethod]:
    if not await access.may_change_customer(ctx, customer_id):
        enrolled = []
    else:
        enrolled = await or_none(ctx.loaders.payment_methods_by_customer_id.load(customer_id)) or []
    match = next(
        (m for m in enrolled if payment_method_id in (m.vaulted_token, m.id) and m.vaulted_token),
        None,
    )
    if match is None or match.vaulted_token is None:
        return Outcome.failed(
            "PAYMENT_METHOD_NOT_FOUND",
            "This customer has no enrolled payment method with this id.",
            ("input", "paymentMethodId"),
        )
    target = f"{customer_id}:{match.vaulted_token}"
    key = yuno_key(ctx.principal, "unenroll", target, key_or_new(idempotency_key))
    try:
        result = await ctx.upstream.client.unenroll_payment_method(
            customer_id, match.vaulted_token, key
        )
    except YunoRequestError as error:
        return Outcome(problems=(problem_from_yuno(error, {"NOT_FOUND": ("paymentMethodId",)}),))
    await forget_methods_of(ctx, customer_id)
    return Outcome(result)


async def forget_methods_of(ctx: Context, customer_id: str) -> None:
    """The customer's methods changed: drop every cached list that contains them, and this
    request's copy."""
    await ctx.upstream.forget_methods_of(customer_id)
    ctx.loaders.payment_methods_by_customer_id.forget(customer_id)
