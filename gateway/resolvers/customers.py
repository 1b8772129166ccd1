"""Customers: read by Yuno id or the merchant's id, create, update (and forget cached copies)."""

from gateway.auth import CustomerPrincipal, Scope
from gateway.loaders.loaders import customer_by_merchant_id_key, customer_key
from gateway.resolvers import access
from gateway.resolvers.context import Context
from gateway.resolvers.lookups import or_none
from gateway.resolvers.outcomes import Outcome, problem_from_yuno
from gateway.yuno.errors import YunoRequestError
from gateway.yuno.models import Customer, CustomerCreate, CustomerUpdate, PaymentMethod


async def viewer(ctx: Context) -> Customer | None:
    """The customer behind the bearer token; with no customer principal there is none."""
    return await access.viewer(ctx)


async def customer(ctx: Context, customer_id: str) -> Customer | None:
    if not await access.may_read_customer(ctx, customer_id):
        return None
    return await or_none(ctx.loaders.customer_by_id.load(customer_id))


async def customer_by_merchant_id(ctx: Context, merchant_customer_id: str) -> Customer | None:
    found = await or_none(ctx.loaders.customer_by_merchant_id.load(merchant_customer_id))
    if found is None or not await access.may_read_customer(ctx, found.id):
        return None
    return found


async def enrolled_payment_methods(ctx: Context, customer_id: str) -> list[PaymentMethod]:
    if not await access.may_read_customer(ctx, customer_id):
        return []
    methods = await ctx.loaders.payment_methods_by_customer_id.load(customer_id)
    return [m for m in methods if m.status in (None, "ENROLLED")]


async def create_customer(ctx: Context, data: CustomerCreate) -> Outcome[Customer]:
    principal = ctx.principal
    own = isinstance(principal, CustomerPrincipal) and (
        principal.merchant_customer_id == data.merchant_customer_id
    )
    if not (own or principal.can(Scope.CUSTOMERS_WRITE)):
        return Outcome.failed(
            "NOT_ALLOWED",
            "Shoppers may create only their own customer (merchantCustomerId = token subject).",
            ("input", "merchantCustomerId"),
        )
    try:
        created = await ctx.upstream.client.create_customer(data)
    except YunoRequestError as error:
        return Outcome(problems=(problem_from_yuno(error),))
    # An answer may have said there was no such customer.
    await ctx.upstream.cache.invalidate(customer_by_merchant_id_key(created.merchant_customer_id))
    ctx.loaders.customer_by_id.prime(created.id, created)
    return Outcome(created)


async def update_customer(
    ctx: Context, customer_id: str, changes: CustomerUpdate
) -> Outcome[Customer]:
    if not await access.may_change_customer(ctx, customer_id):
        return Outcome.failed("CUSTOMER_NOT_FOUND", "No such customer.", ("input", "id"))
    try:
        updated = await ctx.upstream.client.update_customer(customer_id, changes)
    except YunoRequestError as error:
        return Outcome(problems=(problem_from_yuno(error, {"CUSTOMER_NOT_FOUND": ("id",)}),))
    await ctx.upstream.cache.invalidate(
        customer_key(customer_id), customer_by_merchant_id_key(updated.merchant_customer_id)
    )
    ctx.loaders.customer_by_id.replace(customer_id, updated)
    return Outcome(updated)


async def delete_customer(ctx: Context, customer_id: str) -> Outcome[str]:
    """The customer itself (a shopper leaving) or a service with customers:write. Yuno
    deletes the customer at its providers too; every cached copy is forgotten here."""
    if not await access.may_change_customer(ctx, customer_id):
        return Outcome.failed("CUSTOMER_NOT_FOUND", "No such customer.", ("input", "id"))
    found = await or_none(ctx.loaders.customer_by_id.load(customer_id))
    if found is None:
        return Outcome.failed("CUSTOMER_NOT_FOUND", "No such customer.", ("input", "id"))
    try:
        await ctx.upstream.client.delete_customer(customer_id)
    except YunoRequestError as error:
        return Outcome(problems=(problem_from_yuno(error, {"CUSTOMER_NOT_FOUND": ("id",)}),))
    await ctx.upstream.cache.invalidate(
        customer_key(customer_id), customer_by_merchant_id_key(found.merchant_customer_id)
    )
    await ctx.upstream.forget_methods_of(customer_id)
    ctx.loaders.customer_by_id.forget(customer_id)
    ctx.loaders.customer_by_merchant_id.forget(found.merchant_customer_id)
    return Outcome(customer_id)
