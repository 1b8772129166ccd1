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
    CancelRequest,
    CaptureRequest,
    Payment,
    PaymentAmount,
    PaymentCreate,
    RefundRequest,
    Transaction,
)
from gateway.yuno.models.sessions import (
    CheckoutSession,
    CheckoutSessionCreate,
    CustomerSession,
    CustomerSessionCreate,
)

__all__ = [
    "Address",
    "CancelRequest",
    "CaptureRequest",
    "CardData",
    "CheckoutSession",
    "CheckoutSessionCreate",
    "Customer",
    "CustomerCreate",
    "CustomerSession",
    "CustomerSessionCreate",
    "CustomerUpdate",
    "Document",
    "KeyValue",
    "Money",
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
