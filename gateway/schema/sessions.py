"""The ``Session`` interface and its two kinds: customer sessions and checkout sessions."""

from datetime import datetime
from enum import Enum
from typing import Self

import strawberry
from strawberry.types import Info

from gateway.resolvers import customers, sessions
from gateway.resolvers.context import Context
from gateway.schema.cache_control import SESSION_SECONDS, max_age
from gateway.schema.customers import Customer, KeyValue
from gateway.schema.fields import costed, io_field
from gateway.schema.money import Money
from gateway.schema.payment_methods import PaymentMethod
from gateway.schema.scalars import CountryCode
from gateway.yuno import models as yuno


@strawberry.enum
class SessionKind(Enum):
    CUSTOMER = "CUSTOMER"
    CHECKOUT = "CHECKOUT"


@strawberry.interface(
    description="A Yuno session: a customer session enrolls payment methods, a checkout "
    "session takes one payment."
)
class Session:
    id: strawberry.ID
    kind: SessionKind
    country: CountryCode
    created_at: datetime
    customer_id: strawberry.Private[str | None]

    @io_field(calls=None)
    async def customer(self, info: Info[Context, None]) -> Customer | None:
        if self.customer_id is None:
            return None
        found = await customers.customer(info.context, self.customer_id)
        return None if found is None else Customer.from_yuno(found)

    @io_field(
        calls=None,
        description="Payment methods the front-end SDK can offer in this session (cached lookup).",
    )
    async def payment_methods(self, info: Info[Context, None]) -> list[PaymentMethod]:
        raise NotImplementedError  # each kind of session answers this itself


@strawberry.type(directives=max_age(SESSION_SECONDS))
class CustomerSession(Session):
    callback_url: str | None
    customer: Customer | None = costed(Session.customer)

    @io_field(description="Payment methods the front-end SDK can offer to enroll.")
    async def payment_methods(self, info: Info[Context, None]) -> list[PaymentMethod]:
        methods = await sessions.enrollable_payment_methods(info.context, self.id)
        return [PaymentMethod.from_yuno(m) for m in methods]

    @classmethod
    def from_yuno(cls, session: yuno.CustomerSession) -> Self:
        return cls(
            id=strawberry.ID(session.id),
            kind=SessionKind.CUSTOMER,
            country=CountryCode(session.country),
            created_at=session.created_at,
            customer_id=session.customer_id,
            callback_url=session.callback_url,
        )


@strawberry.federation.type(keys=["id"], directives=max_age(SESSION_SECONDS))
class CheckoutSession(Session):
    merchant_order_id: str
    payment_description: str
    amount: Money | None
    callback_url: str | None
    metadata: list[KeyValue]
    source: strawberry.Private[yuno.CheckoutSession]
    customer: Customer | None = costed(Session.customer)

    @io_field(description="Payment methods the front-end SDK can offer (cached lookup).")
    async def payment_methods(self, info: Info[Context, None]) -> list[PaymentMethod]:
        methods = await sessions.checkout_payment_methods(info.context, self.source)
        return [PaymentMethod.from_yuno(m) for m in methods]

    @classmethod
    async def resolve_reference(cls, info: Info[Context, None], id: strawberry.ID) -> Self | None:
        found = await sessions.checkout_session(info.context, id)
        return None if found is None else cls.from_yuno(found)

    @classmethod
    def from_yuno(cls, session: yuno.CheckoutSession) -> Self:
        amount = session.amount
        return cls(
            id=strawberry.ID(session.id),
            kind=SessionKind.CHECKOUT,
            country=CountryCode(session.country),
            created_at=session.created_at,
            customer_id=session.customer_id,
            merchant_order_id=session.merchant_order_id,
            payment_description=session.payment_description,
            amount=Money.of(amount.value, amount.currency) if amount else None,
            callback_url=session.callback_url,
            metadata=[KeyValue(key=m.key, value=m.value) for m in session.metadata or []],
            source=session,
        )
