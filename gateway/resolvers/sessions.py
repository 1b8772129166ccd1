"""Customer sessions (to enroll) and checkout sessions (to pay), and what each can offer."""

from pydantic import TypeAdapter

from gateway.auth import Scope
from gateway.loaders import CheckoutSessionRef
from gateway.loaders.cache import cache_key
from gateway.loaders.loaders import checkout_session_key
from gateway.resolvers import access
from gateway.resolvers.context import Context
from gateway.resolvers.lookups import or_none
from gateway.resolvers.outcomes import Outcome, problem_from_yuno
from gateway.yuno.errors import YunoRequestError
from gateway.yuno.models import (
    CheckoutSession,
    CheckoutSessionChanges,
    CheckoutSessionCreate,
    CustomerSession,
    CustomerSessionCreate,
    PaymentMethod,
)

CUSTOMER_SESSION = TypeAdapter(CustomerSession)

#: Yuno cannot read a customer session back; the gateway remembers whose it is this long.
CUSTOMER_SESSION_MEMORY = 24 * 3600.0


def customer_session_key(session_id: str) -> str:
    return cache_key("customer-session", session_id)


async def create_customer_session(
    ctx: Context, data: CustomerSessionCreate
) -> Outcome[CustomerSession]:
    if not await access.may_change_customer(ctx, data.customer_id):
        return Outcome.failed("CUSTOMER_NOT_FOUND", "No such customer.", ("input", "customerId"))
    try:
        session = await ctx.upstream.client.create_customer_session(data)
    except YunoRequestError as error:
        return Outcome(problems=(problem_from_yuno(error),))
    await ctx.upstream.cache.remember(
        customer_session_key(session.id), CUSTOMER_SESSION_MEMORY, CUSTOMER_SESSION, session
    )
    return Outcome(session)


async def known_customer_session(ctx: Context, session_id: str) -> CustomerSession | None:
    """The customer session as it was created through this gateway, if it was."""
    return await ctx.upstream.cache.recall(customer_session_key(session_id), CUSTOMER_SESSION)


async def enrollable_payment_methods(ctx: Context, session_id: str) -> list[PaymentMethod]:
    return await ctx.loaders.enrollable_methods_by_customer_session_id.load(session_id)


async def create_checkout_session(
    ctx: Context, data: CheckoutSessionCreate
) -> Outcome[CheckoutSession]:
    if not ctx.principal.can(Scope.CHECKOUT_SESSIONS_WRITE):
        return Outcome.failed(
            "NOT_ALLOWED",
            "Creating checkout sessions (setting the amount) needs the "
            f"{Scope.CHECKOUT_SESSIONS_WRITE} scope.",
            None,
        )
    try:
        session = await ctx.upstream.client.create_checkout_session(data)
    except YunoRequestError as error:
        return Outcome(problems=(problem_from_yuno(error),))
    ctx.loaders.checkout_session_by_id.prime(session.id, session)
    return Outcome(session)


async def update_checkout_session(
    ctx: Context, session_id: str, changes: CheckoutSessionChanges
) -> Outcome[CheckoutSession]:
    """Only a caller that may set amounts changes a session, and only before it is paid."""
    if not ctx.principal.can(Scope.CHECKOUT_SESSIONS_WRITE):
        return Outcome.failed(
            "NOT_ALLOWED",
            f"Changing checkout sessions needs the {Scope.CHECKOUT_SESSIONS_WRITE} scope.",
            None,
        )
    try:
        current = await ctx.upstream.client.get_checkout_session(session_id)
    except YunoRequestError:
        return Outcome.failed(
            "CHECKOUT_SESSION_NOT_FOUND",
            "No such checkout session, or it has expired.",
            ("input", "id"),
        )
    if current.used:
        return Outcome.failed(
            "CHECKOUT_SESSION_USED",
            "This checkout session already has its payment; create a new session.",
            ("input", "id"),
        )
    try:
        updated = await ctx.upstream.client.update_checkout_session(
            session_id, changes.over(current)
        )
    except YunoRequestError as error:
        return Outcome(
            problems=(problem_from_yuno(error, {"CHECKOUT_SESSION_NOT_FOUND": ("id",)}),)
        )
    await ctx.upstream.cache.invalidate(checkout_session_key(session_id))
    ctx.loaders.checkout_session_by_id.replace(session_id, updated)
    return Outcome(updated)


async def checkout_session(ctx: Context, session_id: str) -> CheckoutSession | None:
    found = await or_none(ctx.loaders.checkout_session_by_id.load(session_id))
    if found is None or not await access.may_read_session(ctx, found):
        return None
    return found


async def checkout_payment_methods(ctx: Context, session: CheckoutSession) -> list[PaymentMethod]:
    ref = CheckoutSessionRef(session.id, session.customer_id)
    return await ctx.loaders.payment_methods_by_checkout_session.load(ref)
