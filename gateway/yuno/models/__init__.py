"""Pydantic models of Yuno's resources, one module per resource.

Responses tolerate fields Yuno adds and ``""`` where Yuno means "no value", and reject wrong
types. Request models are what the client sends; ``body()`` gives their wire form.
"""

from gateway.yuno.models.common import KeyValue, Money
from gateway.yuno.models.customers import (
    Address,
    Customer,
    CustomerCreate,
    CustomerUpdate,
    Document,
    Phone,
)
from gateway.yuno.models.payment_methods import CardData, OneTimeToken, PaymentMethod, TestCard
from gateway.yuno.models.payments import (
    CancelOrRefundRequest,
    CancelRequest,
    CaptureRequest,
    NextAction,
    Payment,
    PaymentAmount,
    PaymentCreate,
    RefundRequest,
    Transaction,
)
from gateway.yuno.models.sessions import (
    CheckoutSession,
    CheckoutSessionChanges,
    CheckoutSessionCreate,
    CustomerSession,
    CustomerSessionCreate,
)

__all__ = [
    "Address",
    "CancelOrRefundRequest",
    "CancelRequest",
    "CaptureRequest",
    "CardData",
    "CheckoutSession",
    "CheckoutSessionChanges",
    "CheckoutSessionCreate",
    "Customer",
    "CustomerCreate",
    "CustomerSession",
    "CustomerSessionCreate",
    "CustomerUpdate",
    "Document",
    "KeyValue",
    "Money",
    "NextAction",
    "OneTimeToken",
    "Payment",
    "PaymentAmount",
    "PaymentCreate",
    "PaymentMethod",
    "Phone",
    "RefundRequest",
    "TestCard",
    "Transaction",
]
