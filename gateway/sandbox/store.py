"""The emulator's in-memory records: one :class:`Store` per app, nothing module-level.

Records are plain mutable dataclasses; handlers mutate them without awaiting in between,
which is what keeps concurrent requests on one event loop consistent without locks.
"""

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from gateway.sandbox.cards import Card
from gateway.sandbox.wire import JsonObject


@dataclass
class Customer:
    """A customer; ``data`` is the response body minus ids and timestamps."""

    id: str
    data: JsonObject
    created_at: datetime
    updated_at: datetime


@dataclass
class CustomerSession:
    id: str
    customer_id: str
    country: str
    callback_url: str | None
    checkout_id: str | None
    created_at: datetime


@dataclass
class Enrollment:
    """A payment method of a customer, from READY_TO_ENROLL to UNENROLLED."""

    id: str
    customer_id: str
    country: str
    type: str
    category: str
    session: str
    status: str
    created_at: datetime
    updated_at: datetime
    idempotency_key: str | None = None
    vaulted_token: str | None = None
    card: Card | None = None
    last_used_at: datetime | None = None


@dataclass
class CheckoutSession:
    id: str
    data: JsonObject
    customer_id: str | None
    country: str
    amount: tuple[Decimal, str] | None
    created_at: datetime
    used: bool = False


@dataclass
class OneTimeToken:
    token: str
    session_id: str
    card: Card
    vault_on_success: bool
    used: bool = False


@dataclass
class Transaction:
    id: str
    type: str
    status: str
    amount: Decimal
    response_code: str
    created_at: datetime
    merchant_reference: str | None = None
    reason: str | None = None
    description: str | None = None


@dataclass
class Payment:
    """A payment and its transactions, oldest first."""

    id: str
    request: JsonObject
    country: str
    description: str
    merchant_order_id: str
    value: Decimal
    currency: str
    status: str
    sub_status: str
    created_at: datetime
    updated_at: datetime
    idempotency_key: str
    session_id: str | None
    customer_id: str | None
    card: Card | None
    token: str | None
    vaulted_token: str | None
    capture: bool
    workflow: str = "SDK_CHECKOUT"
    vault_on_success: bool = False
    captured: Decimal = Decimal(0)
    refunded: Decimal = Decimal(0)
    transactions: list[Transaction] = field(default_factory=list)


@dataclass
class Store:
    """Every record of one emulator instance, keyed by id."""

    customers: dict[str, Customer] = field(default_factory=dict)
    customer_sessions: dict[str, CustomerSession] = field(default_factory=dict)
    enrollments: dict[str, Enrollment] = field(default_factory=dict)
    checkout_sessions: dict[str, CheckoutSession] = field(default_factory=dict)
    tokens: dict[str, OneTimeToken] = field(default_factory=dict)
    payments: dict[str, Payment] = field(default_factory=dict)

    def customer_by_merchant_id(self, merchant_customer_id: str) -> Customer | None:
        return next(
            (
                c
                for c in self.customers.values()
                if c.data["merchant_customer_id"] == merchant_customer_id
            ),
            None,
        )

    def enrollment_by_token(self, vaulted_token: str) -> Enrollment | None:
        return next(
            (e for e in self.enrollments.values() if e.vaulted_token == vaulted_token), None
        )
