"""The root ``Subscription``: payment updates, pushed as Yuno reports them."""

from collections.abc import AsyncGenerator

import strawberry
from strawberry.types import Info

from gateway.resolvers import payments as payment_cases
from gateway.resolvers.context import Context
from gateway.schema.errors import PublicError
from gateway.schema.fields import yuno_calls
from gateway.schema.payments import Payment


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="Emits the payment each time Yuno reports a change (webhook), starting "
        "with its current state.",
        directives=yuno_calls(1),  # its first state; each update after is one more
    )
    async def payment_updated(
        self, info: Info[Context, None], id: strawberry.ID
    ) -> AsyncGenerator[Payment, None]:
        try:
            async for payment in payment_cases.payment_updates(info.context, id):
                yield Payment.from_yuno(payment)
        except payment_cases.PaymentNotFound:
            raise PublicError("No such payment.", "NOT_FOUND") from None
