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
    """A payment method of a customer, from READY_TO_ENROLL to UNENROLLED (or DECLINED,
    ERROR, EXPIRED when it never got there)."""

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
    workflow: str = "CHECKOUT"
    #: Where a wallet enrollment sends the shopper (its emulator page).
    redirect_url: str | None = None
    callback_url: str | None = None
    sub_status: str | None = None
    #: ``{"vault_on_success", "currency"}`` when a zero-amount verify was asked for.
    verify: JsonObject | None = None
    verify_payment: JsonObject | None = None
    expires_at: datetime | None = None


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
    """What the SDK collected: a card, or only the choice of an alternative method."""

    token: str
    session_id: str
    card: Card | None
    vault_on_success: bool
    used: bool = False
    type: str = "CARD"


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
    updated_at: datetime | None = None
    #: The 3-D Secure challenge URL, on a THREE_D_SECURE transaction.
    redirect_url: str | None = None


@dataclass
class NextStep:
    """What the shopper (or the bank, or a fraud analyst) must still do before a pending
    payment can finish, and until when."""

    #: THREE_D_SECURE, REDIRECT, QR, TICKET, BANK_TRANSFER or FRAUD_REVIEW.
    kind: str
    url: str | None = None
    #: The PIX copy-and-paste code, the voucher's reference or the CLABE.
    code: str | None = None
    barcode: str | None = None
    image_url: str | None = None
    expires_at: datetime | None = None


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
    method_type: str = "CARD"
    installments: int = 1
    verify: bool = False
    step: NextStep | None = None
    callback_url: str | None = None
    #: The ``fraud_screening`` block, when fraud screening ran.
    fraud_screening: JsonObject | None = None


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

    def deleted(self, customer_id: str) -> None:
        """Forget a customer and what only it could use (its vaulted methods)."""
        self.customers.pop(customer_id, None)
        for item in self.enrollments.values():
            if item.customer_id == customer_id and item.status == "ENROLLED":
                item.status = "UNENROLLED"

    def enrollment_by_token(self, vaulted_token: str) -> Enrollment | None:
        return next(
            (e for e in self.enrollments.values() if e.vaulted_token == vaulted_token), None
        )
