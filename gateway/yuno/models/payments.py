"""Yuno's payment and its transactions, and the bodies that create and move one.

Yuno returns ``transactions`` as one object when it creates a payment and as a list when it
reads one back; the model always holds a list, oldest first.
"""

from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar

from pydantic import Field, field_validator

from gateway.yuno.models.common import MoneyRequest, YunoModel, YunoRequest
from gateway.yuno.models.limits import Reference
from gateway.yuno.models.payment_methods import CardData
from gateway.yuno.models.sessions import OrderMetadata

AUTHORIZE = "AUTHORIZE"
MONEY_MOVING_TRANSACTIONS = frozenset({"PURCHASE", "CAPTURE"})


class PaymentAmount(YunoModel):
    value: Decimal
    currency: str
    captured: Decimal | None = None
    refunded: Decimal | None = None


class Transaction(YunoModel):
    id: str
    type: str | None = None
    status: str | None = None
    amount: Decimal | None = None
    response_code: str | None = None
    response_message: str | None = None
    created_at: datetime | None = None


class CheckoutRef(YunoModel):
    session: str | None = None
    sdk_action_required: bool | None = None


class CardDetail(YunoModel):
    capture: bool | None = None
    card_data: CardData | None = None


class PaymentMethodDetail(YunoModel):
    card: CardDetail | None = None


class PaymentMethodUsed(YunoModel):
    type: str | None = None
    token: str | None = None
    vaulted_token: str | None = None
    vault_on_success: bool | None = None
    payment_method_detail: PaymentMethodDetail | None = None


class CustomerPayerRef(YunoModel):
    id: str | None = None


class Payment(YunoModel):
    id: str
    status: str
    sub_status: str | None = None
    description: str
    country: str
    merchant_order_id: str
    amount: PaymentAmount
    checkout: CheckoutRef | None = None
    payment_method: PaymentMethodUsed | None = None
    customer_payer: CustomerPayerRef | None = None
    transactions: list[Transaction] = Field(default_factory=list)
    idempotency_key: str | None = None
    created_at: datetime
    updated_at: datetime | None = None

    @field_validator("transactions", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        if value is None:
            return []
        return [value] if isinstance(value, dict) else value

    @property
    def latest_transaction(self) -> Transaction | None:
        return self.transactions[-1] if self.transactions else None

    @property
    def response_code(self) -> str | None:
        latest = self.latest_transaction
        return latest.response_code if latest else None

    def transaction_of(self, types: frozenset[str]) -> Transaction | None:
        """The newest transaction of one of these types: what capture/refund/cancel act on."""
        matching = [t for t in self.transactions if t.type in types]
        return matching[-1] if matching else None


class CardPaymentDetail(YunoRequest):
    capture: bool


class PaymentDetail(YunoRequest):
    card: CardPaymentDetail


class PaymentMethodRequest(YunoRequest):
    type: str | None = None
    token: str | None = None
    vaulted_token: str | None = None
    vault_on_success: bool | None = None
    detail: PaymentDetail | None = None


class CheckoutRequest(YunoRequest):
    session: str


class CustomerPayerRequest(YunoRequest):
    id: str


class PaymentCreate(YunoRequest):
    description: Reference
    country: str
    merchant_order_id: Reference
    amount: MoneyRequest
    payment_method: PaymentMethodRequest
    checkout: CheckoutRequest | None = None
    customer_payer: CustomerPayerRequest | None = None
    workflow: str | None = None
    metadata: OrderMetadata | None = None


class PaymentMove(YunoRequest):
    """A request that moves an existing payment on, through one of its transactions."""

    action: ClassVar[str]


class CaptureRequest(PaymentMove):
    action: ClassVar[str] = "capture"

    merchant_reference: str
    amount: MoneyRequest
    reason: str = "PRODUCT_CONFIRMED"


class CancelRequest(PaymentMove):
    action: ClassVar[str] = "cancel"

    merchant_reference: str
    reason: str = "REQUESTED_BY_CUSTOMER"
    description: Reference | None = None


class RefundRequest(PaymentMove):
    action: ClassVar[str] = "refund"

    merchant_reference: str
    amount: MoneyRequest | None = None
    reason: str = "REQUESTED_BY_CUSTOMER"
    description: Reference | None = None
