"""The root ``Query``."""

import strawberry
from strawberry.types import Info

from gateway.resolvers import customers, sessions
from gateway.resolvers import payments as payment_cases
from gateway.resolvers.context import Context
from gateway.schema.cache_control import SDK_CONFIG_SECONDS, max_age
from gateway.schema.customers import Customer
from gateway.schema.fields import io_field
from gateway.schema.payments import Payment
from gateway.schema.sessions import CheckoutSession


@strawberry.type(directives=max_age(SDK_CONFIG_SECONDS))
class SdkConfig:
    public_api_key: str
    environment: str = strawberry.field(description="SANDBOX or PRODUCTION.")
    api_base_url: str = strawberry.field(
        description="Base URL of the Yuno API the gateway talks to (the embedded emulator in "
        "sandbox mode)."
    )


#: Payments one order is assumed to have (attempts after declines), for its query's cost.
PAYMENTS_PER_ORDER = 10


@strawberry.type
class Query:
    @io_field(description="The customer the bearer token belongs to; null for service credentials.")
    async def viewer(self, info: Info[Context, None]) -> Customer | None:
        found = await customers.viewer(info.context)
        return None if found is None else Customer.from_yuno(found)

    @io_field()
    async def customer(self, info: Info[Context, None], id: strawberry.ID) -> Customer | None:
        found = await customers.customer(info.context, id)
        return None if found is None else Customer.from_yuno(found)

    @io_field()
    async def customer_by_merchant_id(
        self, info: Info[Context, None], merchant_customer_id: str
    ) -> Customer | None:
        found = await customers.customer_by_merchant_id(info.context, merchant_customer_id)
        return None if found is None else Customer.from_yuno(found)

    @io_field()
    async def checkout_session(
        self, info: Info[Context, None], id: strawberry.ID
    ) -> CheckoutSession | None:
        found = await sessions.checkout_session(info.context, id)
        return None if found is None else CheckoutSession.from_yuno(found)

    @io_field()
    async def payment(self, info: Info[Context, None], id: strawberry.ID) -> Payment | None:
        found = await payment_cases.payment(info.context, id)
        return None if found is None else Payment.from_yuno(found)

    @io_field(assumed_size=PAYMENTS_PER_ORDER)
    async def payments_by_merchant_order_id(
        self, info: Info[Context, None], merchant_order_id: str
    ) -> list[Payment]:
        found = await payment_cases.payments_by_merchant_order_id(info.context, merchant_order_id)
        return [Payment.from_yuno(p) for p in found]

    @strawberry.field(
        description="What a front-end SDK needs to start: Yuno's public API key and environment."
    )
    def sdk_config(self, info: Info[Context, None]) -> SdkConfig:
        config = info.context.sdk
        return SdkConfig(
            public_api_key=config.public_api_key,
            environment=config.environment,
            api_base_url=config.api_base_url,
        )
