"""The ``Payment`` type: Yuno's payment, its status and its latest response code."""

from datetime import datetime
from enum import Enum
from typing import Self

import strawberry
from strawberry.types import Info

from gateway.resolvers import customers, sessions
from gateway.resolvers import payments as payment_cases
from gateway.resolvers.context import Context
from gateway.schema.customers import Customer
from gateway.schema.money import Money
from gateway.schema.payment_methods import CardDetails, PaymentMethod
from gateway.schema.scalars import CountryCode
from gateway.schema.sessions import CheckoutSession
from gateway.yuno import models as yuno
from gateway.yuno.models.payments import PaymentMethodUsed


@strawberry.enum
class PaymentStatus(Enum):
    CREATED = "CREATED"
    READY_TO_PAY = "READY_TO_PAY"
    PENDING = "PENDING"
    SUCCEEDED = "SUCCEEDED"
    DECLINED = "DECLINED"
    REJECTED = "REJECTED"
    CANCELED = "CANCELED"
    REFUNDED = "REFUNDED"
    PARTIALLY_REFUNDED = "PARTIALLY_REFUNDED"
    EXPIRED = "EXPIRED"
    IN_DISPUTE = "IN_DISPUTE"
    CHARGEBACK = "CHARGEBACK"
    VERIFIED = "VERIFIED"
    ERROR = "ERROR"
    FRAUD = "FRAUD"


@strawberry.federation.type(keys=["id"])
class Payment:
    id: strawberry.ID
    status: PaymentStatus
    sub_status: str | None = strawberry.field(
        description="Yuno's sub_status, e.g. APPROVED, AUTHORIZED, CAPTURED, DECLINED."
    )
    response_code: str | None = strawberry.field(
        description="Yuno's response code of the latest transaction, e.g. SUCCEEDED, "
        "INSUFFICIENT_FUNDS."
    )
    amount: Money
    refunded: Money | None = strawberry.field(description="Amount refunded so far.")
    merchant_order_id: str
    description: str
    country: CountryCode
    payment_method: PaymentMethod | None
    created_at: datetime
    updated_at: datetime | None
    source: strawberry.Private[yuno.Payment]

    @strawberry.field
    async def customer(self, info: Info[Context, None]) -> Customer | None:
        payer = self.source.customer_payer
        if payer is None or not payer.id:
            return None
        found = await customers.customer(info.context, payer.id)
        return None if found is None else Customer.from_yuno(found)

    @strawberry.field
    async def checkout_session(self, info: Info[Context, None]) -> CheckoutSession | None:
        checkout = self.source.checkout
        if checkout is None or not checkout.session:
            return None
        found = await sessions.checkout_session(info.context, checkout.session)
        return None if found is None else CheckoutSession.from_yuno(found)

    @classmethod
    async def resolve_reference(cls, info: Info[Context, None], id: strawberry.ID) -> Self | None:
        found = await payment_cases.payment(info.context, id)
        return None if found is None else cls.from_yuno(found)

    @classmethod
    def from_yuno(cls, payment: yuno.Payment) -> Self:
        amount = payment.amount
        refunded = amount.refunded
        return cls(
            id=strawberry.ID(payment.id),
            status=PaymentStatus(payment.status),
            sub_status=payment.sub_status,
            response_code=payment.response_code,
            amount=Money.of(amount.value, amount.currency),
            refunded=Money.of(refunded, amount.currency) if refunded else None,
            merchant_order_id=payment.merchant_order_id,
            description=payment.description,
            country=CountryCode(payment.country),
            payment_method=_method_used(payment.payment_method),
            created_at=payment.created_at,
            updated_at=payment.updated_at,
            source=payment,
        )


def _method_used(used: PaymentMethodUsed | None) -> PaymentMethod | None:
    if used is None or not used.type:
        return None
    detail = used.payment_method_detail
    card = detail.card.card_data if detail and detail.card else None
    brand = card.brand if card else None
    return PaymentMethod(
        id=None,
        type=used.type,
        name=f"{brand} ****{card.lfd}" if card and brand and card.lfd else used.type,
        description=None,
        category="CARD" if card else None,
        icon=None,
        vaulted_token=used.vaulted_token,
        status=None,
        preferred=False,
        last_successfully_used=None,
        card=CardDetails.from_yuno(card),
        sdk_action_required=False,
    )
