"""The ``Payment`` type: Yuno's payment, its status, its transactions, and what the
shopper's app must do while it waits (``nextAction``)."""

from datetime import datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated, Self

import strawberry
from strawberry.types import Info

from gateway.resolvers import customers, sessions
from gateway.resolvers import payments as payment_cases
from gateway.resolvers.context import Context
from gateway.schema.cache_control import PAYMENT_SECONDS, max_age
from gateway.schema.customers import Customer
from gateway.schema.fields import io_field
from gateway.schema.money import Money
from gateway.schema.payment_methods import CardDetails, PaymentMethod, catalog_id
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


@strawberry.type(
    description="Open url (web view or iframe) for the 3-D Secure challenge; Yuno reports "
    "the result."
)
class ThreeDSChallenge:
    url: str


@strawberry.type(
    description="Send the shopper to url (bank, wallet); they come back to the session's "
    "callbackUrl."
)
class RedirectAction:
    url: str


@strawberry.type(description="Show the QR code (e.g. PIX); code is the copy-and-paste form.")
class QrCodeAction:
    code: str
    image_url: str | None
    expires_at: datetime | None


@strawberry.type(
    description="A voucher the shopper pays elsewhere (e.g. OXXO, boleto; a SPEI transfer's "
    "CLABE) before expiresAt."
)
class VoucherAction:
    reference: str
    url: str | None
    barcode: str | None
    expires_at: datetime | None


PaymentAction = Annotated[
    ThreeDSChallenge | RedirectAction | QrCodeAction | VoucherAction,
    strawberry.union(
        "PaymentAction", description="What the shopper's app must do before the payment can finish."
    ),
]


def next_action_of(action: yuno.NextAction | None) -> PaymentAction | None:
    if action is None:
        return None
    if action.kind == "THREE_D_SECURE" and action.url:
        return ThreeDSChallenge(url=action.url)
    if action.kind == "REDIRECT" and action.url:
        return RedirectAction(url=action.url)
    if action.kind == "QR_CODE" and action.code:
        return QrCodeAction(
            code=action.code, image_url=action.image_url, expires_at=action.expires_at
        )
    if action.kind == "VOUCHER" and action.code:
        return VoucherAction(
            reference=action.code,
            url=action.url,
            barcode=action.barcode,
            expires_at=action.expires_at,
        )
    return None


@strawberry.enum
class TransactionType(Enum):
    PURCHASE = "PURCHASE"
    AUTHORIZE = "AUTHORIZE"
    CAPTURE = "CAPTURE"
    CANCEL = "CANCEL"
    REFUND = "REFUND"
    VERIFY = "VERIFY"
    CHARGEBACK = "CHARGEBACK"
    THREE_D_SECURE = "THREE_D_SECURE"
    FRAUD_SCREENING = "FRAUD_SCREENING"


@strawberry.type
class PaymentTransaction:
    id: strawberry.ID
    type: TransactionType
    status: str
    amount: Money
    response_code: str | None
    response_message: str | None
    merchant_advice_code: str | None = strawberry.field(
        description="On a decline, Yuno's advice: TRY_AGAIN_LATER, DO_NOT_TRY_AGAIN, "
        "UPDATE_INFORMATION..."
    )
    created_at: datetime

    @classmethod
    def list_of(cls, payment: yuno.Payment) -> list["PaymentTransaction"]:
        """Oldest first; a transaction of a type Yuno adds later is left out, not an error."""
        currency = payment.amount.currency
        return [
            cls(
                id=strawberry.ID(t.id),
                type=TransactionType(t.type),
                status=t.status or "",
                amount=Money.of(t.amount if t.amount is not None else Decimal(0), currency),
                response_code=t.response_code,
                response_message=t.response_message,
                merchant_advice_code=t.merchant_advice_code,
                created_at=t.created_at or payment.created_at,
            )
            for t in payment.transactions
            if t.type in TransactionType.__members__
        ]


@strawberry.federation.type(keys=["id"], directives=max_age(PAYMENT_SECONDS))
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
    captured: Money | None = strawberry.field(
        description="Amount captured so far (the whole amount once a purchase succeeded)."
    )
    refunded: Money | None = strawberry.field(description="Amount refunded so far.")
    merchant_order_id: str
    description: str
    country: CountryCode
    payment_method: PaymentMethod | None
    created_at: datetime
    updated_at: datetime | None
    sdk_action_required: bool = strawberry.field(
        description="True while the shopper must act; nextAction says how."
    )
    next_action: PaymentAction | None
    transactions: list[PaymentTransaction]
    merchant_advice_code: str | None = strawberry.field(
        description="Yuno's advice on the latest decline: whether to try again."
    )
    source: strawberry.Private[yuno.Payment]

    @io_field()
    async def customer(self, info: Info[Context, None]) -> Customer | None:
        payer = self.source.customer_payer
        if payer is None or not payer.id:
            return None
        found = await customers.customer(info.context, payer.id)
        return None if found is None else Customer.from_yuno(found)

    @io_field()
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
            captured=Money.of(payment.captured, amount.currency) if payment.captured else None,
            refunded=Money.of(refunded, amount.currency) if refunded else None,
            merchant_order_id=payment.merchant_order_id,
            description=payment.description,
            country=CountryCode(payment.country),
            payment_method=_method_used(payment.payment_method, payment.id),
            created_at=payment.created_at,
            updated_at=payment.updated_at,
            sdk_action_required=payment.sdk_action_required,
            next_action=next_action_of(payment.next_action),
            transactions=PaymentTransaction.list_of(payment),
            merchant_advice_code=payment.merchant_advice_code,
            source=payment,
        )


def _method_used(used: PaymentMethodUsed | None, payment_id: str) -> PaymentMethod | None:
    if used is None or not used.type:
        return None
    detail = used.payment_method_detail
    card = detail.card.card_data if detail and detail.card else None
    brand = card.brand if card else None
    return PaymentMethod(
        id=strawberry.ID(used.vaulted_token or catalog_id(payment_id, used.type, "")),
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
