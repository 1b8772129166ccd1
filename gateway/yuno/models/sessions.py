"""Yuno's two sessions: a customer session enrolls methods, a checkout session takes a payment.

Yuno names a checkout session's id ``checkout_session`` when it creates one and ``id`` when it
reads one back; the model accepts both.
"""

from datetime import datetime
from typing import Annotated

from pydantic import AliasChoices, Field

from gateway.yuno.models.common import (
    KeyValue,
    KeyValueRequest,
    Money,
    MoneyRequest,
    YunoModel,
    YunoRequest,
)
from gateway.yuno.models.limits import Reference, Url, at_most

#: Yuno keeps up to 120 metadata entries on a checkout session or a payment.
OrderMetadata = Annotated[list[KeyValueRequest], at_most(120)]


class CustomerSession(YunoModel):
    id: str = Field(validation_alias=AliasChoices("customer_session", "id"))
    customer_id: str
    country: str
    callback_url: str | None = None
    created_at: datetime


class CheckoutSession(YunoModel):
    id: str = Field(validation_alias=AliasChoices("checkout_session", "id"))
    merchant_order_id: str
    payment_description: str
    country: str
    customer_id: str | None = None
    callback_url: str | None = None
    amount: Money | None = None
    metadata: list[KeyValue] | None = None
    workflow: str | None = None
    created_at: datetime
    used: bool | None = None


class CustomerSessionCreate(YunoRequest):
    customer_id: str
    country: str
    callback_url: Url | None = None


class CheckoutSessionCreate(YunoRequest):
    merchant_order_id: Reference
    payment_description: Reference
    country: str
    customer_id: str | None = None
    amount: MoneyRequest
    callback_url: Url | None = None
    metadata: OrderMetadata | None = None


class CheckoutSessionChanges(YunoRequest):
    """What may change on a checkout session that is not paid yet. Yuno's PATCH takes the
    whole create body, so the changes are laid over the session as Yuno holds it."""

    amount: MoneyRequest | None = None
    payment_description: Reference | None = None
    callback_url: Url | None = None
    metadata: OrderMetadata | None = None

    def over(self, current: CheckoutSession) -> CheckoutSessionCreate:
        amount = self.amount or (
            MoneyRequest(value=current.amount.value, currency=current.amount.currency)
            if current.amount
            else None
        )
        if amount is None:
            raise ValueError("a checkout session needs an amount")
        metadata = self.metadata
        if metadata is None and current.metadata is not None:
            metadata = [KeyValueRequest(key=m.key, value=m.value) for m in current.metadata]
        return CheckoutSessionCreate(
            merchant_order_id=current.merchant_order_id,
            payment_description=self.payment_description or current.payment_description,
            country=current.country,
            customer_id=current.customer_id,
            amount=amount,
            callback_url=self.callback_url or current.callback_url,
            metadata=metadata,
        )
