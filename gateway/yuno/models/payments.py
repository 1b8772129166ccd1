"""Yuno's payment and its transactions, and the bodies that create and move one.

Yuno returns ``transactions`` as one object when it creates a payment (an empty one when
fraud screening declined before any provider was asked) and as a list when it reads one
back; the model always holds a list, oldest first. A payment that waits for the shopper
(3-D Secure, a QR code, a voucher, a bank's or wallet's page) says what to show in the
block of its method in ``payment_method_detail``; ``next_action`` reads it.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from gateway.yuno.models.common import MoneyRequest, YunoModel, YunoRequest
from gateway.yuno.models.customers import DocumentRequest
from gateway.yuno.models.limits import Installments, Reference, Url
from gateway.yuno.models.payment_methods import CardData
from gateway.yuno.models.sessions import OrderMetadata

AUTHORIZE = "AUTHORIZE"
THREE_D_SECURE = "THREE_D_SECURE"
MONEY_MOVING_TRANSACTIONS = frozenset({"PURCHASE", "CAPTURE"})
#: Statuses in which a payment may still wait for the shopper.
WAITING_STATUSES = frozenset({"PENDING", "READY_TO_PAY", "CREATED"})


class PaymentAmount(YunoModel):
    value: Decimal
    currency: str
    captured: Decimal | None = None
    refunded: Decimal | None = None


class CardDetail(YunoModel):
    capture: bool | None = None
    installments: int | None = None
    verify: bool | None = None
    #: The 3-D Secure challenge (or another card step) the shopper must open.
    redirect_url: str | None = None
    card_data: CardData | None = None


class BankTransferDetail(YunoModel):
    """PIX (a QR code: ``payment_instruction`` is its copy-and-paste text, the image in
    ``provider_image``), SPEI (``bank_account`` is the CLABE) or a bank's page (PSE)."""

    provider_image: str | None = None
    bank_name: str | None = None
    bank_account: str | None = None
    beneficiary_name: str | None = None
    payment_instruction: str | None = None
    redirect_url: str | None = None
    expires_at: datetime | None = None


class TicketDetail(YunoModel):
    """A voucher paid elsewhere (OXXO, boleto): reference, barcode, the voucher's page."""

    provider_number: str | None = None
    provider_barcode: str | None = None
    redirect_url: str | None = None
    date_of_expiration: datetime | None = None
    expires_at: datetime | None = None


class RedirectDetail(YunoModel):
    """Wallets, buy-now-pay-later and payment links: a page to send the shopper to."""

    redirect_url: str | None = None
    date_of_expiration: datetime | None = None


class PaymentMethodDetail(YunoModel):
    card: CardDetail | None = None
    bank_transfer: BankTransferDetail | None = None
    ticket: TicketDetail | None = None
    wallet: RedirectDetail | None = None
    bnpl: RedirectDetail | None = None
    payment_link: RedirectDetail | None = None


class TransactionMethod(YunoModel):
    type: str | None = None
    detail: PaymentMethodDetail | None = None


class Transaction(YunoModel):
    id: str
    type: str | None = None
    status: str | None = None
    amount: Decimal | None = None
    response_code: str | None = None
    response_message: str | None = None
    merchant_advice_code: str | None = None
    merchant_advice_code_message: str | None = None
    payment_method: TransactionMethod | None = None
    created_at: datetime | None = None
    updated_at: datetime | None = None

    @property
    def card_redirect_url(self) -> str | None:
        detail = self.payment_method.detail if self.payment_method else None
        return detail.card.redirect_url if detail and detail.card else None


class CheckoutRef(YunoModel):
    session: str | None = None
    sdk_action_required: bool | None = None


class PaymentMethodUsed(YunoModel):
    type: str | None = None
    token: str | None = None
    vaulted_token: str | None = None
    vault_on_success: bool | None = None
    payment_method_detail: PaymentMethodDetail | None = None


class CustomerPayerRef(YunoModel):
    id: str | None = None


@dataclass(frozen=True)
class NextAction:
    """What the shopper's app must do before the payment can finish, read from Yuno's
    detail blocks: open a 3-D Secure challenge or a page, show a QR code or a voucher."""

    kind: Literal["THREE_D_SECURE", "REDIRECT", "QR_CODE", "VOUCHER"]
    url: str | None = None
    code: str | None = None
    image_url: str | None = None
    barcode: str | None = None
    expires_at: datetime | None = None


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
    callback_url: str | None = None
    created_at: datetime
    updated_at: datetime | None = None

    @field_validator("transactions", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        if value is None or value == {}:
            return []
        return [value] if isinstance(value, dict) else value

    @property
    def latest_transaction(self) -> Transaction | None:
        return self.transactions[-1] if self.transactions else None

    @property
    def response_code(self) -> str | None:
        latest = self.latest_transaction
        return latest.response_code if latest else None

    @property
    def merchant_advice_code(self) -> str | None:
        latest = self.latest_transaction
        return latest.merchant_advice_code if latest else None

    def transaction_of(self, types: frozenset[str]) -> Transaction | None:
        """The newest transaction of one of these types: what capture/refund/cancel act on."""
        matching = [t for t in self.transactions if t.type in types]
        return matching[-1] if matching else None

    @property
    def captured(self) -> Decimal:
        """Money taken so far: Yuno counts captures of an authorization in
        ``amount.captured`` and leaves it at 0 for a purchase, whose charge is the amount."""
        if self.amount.captured:
            return self.amount.captured
        charged = any(t.type == "PURCHASE" and t.status == "SUCCEEDED" for t in self.transactions)
        return self.amount.value if charged else Decimal(0)

    @property
    def sdk_action_required(self) -> bool:
        waiting = self.status in WAITING_STATUSES
        return waiting and bool(self.checkout and self.checkout.sdk_action_required)

    @property
    def next_action(self) -> NextAction | None:
        if not self.sdk_action_required:
            return None
        challenge = self.transaction_of(frozenset({THREE_D_SECURE}))
        if challenge is not None and challenge.status == "PENDING" and challenge.card_redirect_url:
            return NextAction("THREE_D_SECURE", url=challenge.card_redirect_url)
        detail = self.payment_method.payment_method_detail if self.payment_method else None
        return None if detail is None else _action_of(detail, self.payment_method)


def _action_of(detail: PaymentMethodDetail, method: PaymentMethodUsed | None) -> NextAction | None:
    if detail.card is not None and detail.card.redirect_url:
        return NextAction("THREE_D_SECURE", url=detail.card.redirect_url)
    if (ticket := detail.ticket) is not None:
        expires = ticket.date_of_expiration or ticket.expires_at
        if ticket.provider_number:
            return NextAction(
                "VOUCHER",
                url=ticket.redirect_url,
                code=ticket.provider_number,
                barcode=ticket.provider_barcode,
                expires_at=expires,
            )
        return _redirect(ticket.redirect_url)
    if (transfer := detail.bank_transfer) is not None:
        kind = method.type if method else None
        if transfer.payment_instruction and (transfer.provider_image or kind == "PIX"):
            return NextAction(
                "QR_CODE",
                code=transfer.payment_instruction,
                image_url=transfer.provider_image,
                expires_at=transfer.expires_at,
            )
        if transfer.bank_account:
            return NextAction(
                "VOUCHER",
                url=transfer.redirect_url,
                code=transfer.bank_account,
                expires_at=transfer.expires_at,
            )
        return _redirect(transfer.redirect_url)
    pages = (detail.wallet, detail.bnpl, detail.payment_link)
    return next((_redirect(p.redirect_url) for p in pages if p and p.redirect_url), None)


def _redirect(url: str | None) -> NextAction | None:
    return NextAction("REDIRECT", url=url) if url else None


class CardPaymentDetail(YunoRequest):
    capture: bool | None = None
    installments: Installments | None = None
    verify: bool | None = None


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
    document: DocumentRequest | None = None


class PaymentAmountRequest(YunoRequest):
    """An amount to pay: more than zero, or zero for a card verify."""

    value: Annotated[Decimal, Field(ge=0)]
    currency: str


class PaymentCreate(YunoRequest):
    description: Reference
    country: str
    merchant_order_id: Reference
    amount: MoneyRequest | PaymentAmountRequest
    payment_method: PaymentMethodRequest
    checkout: CheckoutRequest | None = None
    customer_payer: CustomerPayerRequest | None = None
    workflow: str | None = None
    callback_url: Url | None = None
    metadata: OrderMetadata | None = None

    @model_validator(mode="after")
    def _zero_only_to_verify(self) -> "PaymentCreate":
        detail = self.payment_method.detail
        verify = bool(detail and detail.card.verify)
        if (self.amount.value == 0) != verify:
            raise ValueError("amount 0 is a verify, and a verify has amount 0")
        return self


class PaymentMove(YunoRequest):
    """A request that moves an existing payment on, through one of its transactions."""

    action: ClassVar[str]


class CaptureRequest(PaymentMove):
    action: ClassVar[str] = "capture"

    merchant_reference: Reference
    amount: MoneyRequest
    reason: str = "PRODUCT_CONFIRMED"


class CancelRequest(PaymentMove):
    action: ClassVar[str] = "cancel"

    merchant_reference: Reference
    reason: str = "REQUESTED_BY_CUSTOMER"
    description: Reference | None = None


class RefundRequest(PaymentMove):
    action: ClassVar[str] = "refund"

    merchant_reference: Reference
    amount: MoneyRequest | None = None
    reason: str = "REQUESTED_BY_CUSTOMER"
    description: Reference | None = None


class CancelOrRefundRequest(PaymentMove):
    """Yuno cancels an authorization or refunds a charge, whichever the status allows."""

    action: ClassVar[str] = "cancel-or-refund"

    reason: Literal["DUPLICATE", "FRAUDULENT", "REQUESTED_BY_CUSTOMER", "REVERSE"] = (
        "REQUESTED_BY_CUSTOMER"
    )
    merchant_reference: Reference | None = None
    amount: MoneyRequest | None = None
    description: Reference | None = None
