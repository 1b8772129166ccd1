"""Ownership: what the caller may see and change.

A shopper sees its own customer and what hangs off it (sessions, methods, payments); a
service sees what its scopes allow. Whatever a caller may not see is answered exactly as if
it did not exist, so the API is no oracle for other shoppers' ids.
"""

from gateway.auth import CustomerPrincipal, Scope
from gateway.resolvers.context import Context
from gateway.resolvers.lookups import or_none
from gateway.yuno.models import CheckoutSession, Customer, Payment


async def viewer(ctx: Context) -> Customer | None:
    """The shopper's Yuno customer (by the token's ``sub``), or None for anyone else."""
    principal = ctx.principal
    if not isinstance(principal, CustomerPrincipal):
        return None
    return await or_none(ctx.loaders.customer_by_merchant_id.load(principal.merchant_customer_id))


async def owns(ctx: Context, customer_id: str | None) -> bool:
    if customer_id is None or not isinstance(ctx.principal, CustomerPrincipal):
        return False
    mine = await viewer(ctx)
    return mine is not None and mine.id == customer_id


async def may_read_customer(ctx: Context, customer_id: str | None) -> bool:
    return ctx.principal.can(Scope.CUSTOMERS_READ) or await owns(ctx, customer_id)


async def may_change_customer(ctx: Context, customer_id: str | None) -> bool:
    return ctx.principal.can(Scope.CUSTOMERS_WRITE) or await owns(ctx, customer_id)


async def may_read_session(ctx: Context, session: CheckoutSession) -> bool:
    if ctx.principal.can(Scope.CHECKOUT_SESSIONS_WRITE):
        return True
    return await may_read_customer(ctx, session.customer_id)


async def may_read_payment(ctx: Context, payment: Payment) -> bool:
    payer = payment.customer_payer.id if payment.customer_payer else None
    return await may_read_customer(ctx, payer)
