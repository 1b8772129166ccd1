"""Mutation inputs, exactly as the public contract names them."""

from datetime import date
from decimal import Decimal

import strawberry

from gateway.schema.scalars import CountryCode, CurrencyCode


@strawberry.input
class MoneyInput:
    value: Decimal
    currency: CurrencyCode


@strawberry.input
class KeyValueInput:
    key: str
    value: str


@strawberry.input
class DocumentInput:
    document_type: str
    document_number: str


@strawberry.input
class PhoneInput:
    country_code: str
    number: str


@strawberry.input
class AddressInput:
    address_line1: str
    address_line2: str | None = None
    city: str
    state: str | None = None
    country: CountryCode
    zip_code: str | None = None
    neighborhood: str | None = None


@strawberry.input
class CustomerFieldsInput:
    first_name: str | None = None
    last_name: str | None = None
    email: str | None = None
    gender: str | None = None
    date_of_birth: date | None = None
    nationality: CountryCode | None = None
    country: CountryCode | None = None
    document: DocumentInput | None = None
    phone: PhoneInput | None = None
    billing_address: AddressInput | None = None
    shipping_address: AddressInput | None = None
    metadata: list[KeyValueInput] | None = None


@strawberry.input
class CreateCustomerInput(CustomerFieldsInput):
    merchant_customer_id: str


@strawberry.input
class UpdateCustomerInput(CustomerFieldsInput):
    id: strawberry.ID


@strawberry.input
class CreateCustomerSessionInput:
    customer_id: strawberry.ID
    country: CountryCode
    callback_url: str | None = None


@strawberry.input
class EnrollPaymentMethodInput:
    customer_session_id: strawberry.ID
    payment_method_type: str = strawberry.field(
        description="A type offered by the customer session, e.g. CARD."
    )
    country: CountryCode
    idempotency_key: str | None = None


@strawberry.input
class UnenrollPaymentMethodInput:
    customer_id: strawberry.ID
    payment_method_id: strawberry.ID = strawberry.field(
        description="The enrolled method's vaulted token (or enrollment id)."
    )
    idempotency_key: str | None = None


@strawberry.input
class CreateCheckoutSessionInput:
    customer_id: strawberry.ID
    merchant_order_id: str
    payment_description: str
    country: CountryCode
    amount: MoneyInput
    callback_url: str | None = None
    metadata: list[KeyValueInput] | None = None


@strawberry.input(
    description="A card: exactly one of token (a one-time token minted by the Yuno SDK) and "
    "vaultedToken. An alternative method the session offers (PIX, OXXO, PSE...): its type, "
    "and a token only if the SDK minted one."
)
class PaymentMethodInput:
    token: str | None = None
    vaulted_token: str | None = None
    type: str | None = strawberry.field(
        default=None,
        description="CARD by default; or an alternative method of the session's catalog, "
        "e.g. PIX, BOLETO, OXXO, SPEI, PSE, NEQUI, MERCADO_PAGO_WALLET.",
    )
    vault_on_success: bool | None = strawberry.field(
        default=None, description="Enroll the method if the payment succeeds."
    )


@strawberry.input(
    description="Pays a checkout session. Amount, country, order id and customer come from the "
    "session, never from the client. A payment without a session (Yuno's DIRECT workflow, e.g. "
    "charging a vaulted card from a back office) needs service credentials and then takes "
    "amount, merchantOrderId, description, country and customerId from the input."
)
class CreatePaymentInput:
    checkout_session_id: strawberry.ID | None = None
    payment_method: PaymentMethodInput
    idempotency_key: str | None = strawberry.field(
        default=None, description="Retrying with the same key never creates a second payment."
    )
    capture: bool | None = strawberry.field(
        default=None, description="false authorizes only; capture later with capturePayment."
    )
    amount: MoneyInput | None = None
    merchant_order_id: str | None = None
    description: str | None = None
    country: CountryCode | None = None
    customer_id: strawberry.ID | None = None
    payer_document: DocumentInput | None = strawberry.field(
        default=None,
        description="The payer's document, which PIX and boleto (CPF or CNPJ) and PSE (CC, CE "
        "or NIT) need unless the customer's record has one.",
    )
    installments: int | None = strawberry.field(
        default=None, description="Card installments, 1 to 50."
    )


@strawberry.input
class CapturePaymentInput:
    payment_id: strawberry.ID
    amount: MoneyInput | None = strawberry.field(
        default=None, description="Omit to capture the full authorized amount."
    )
    idempotency_key: str | None = None


@strawberry.input
class CancelPaymentInput:
    payment_id: strawberry.ID
    reason: str | None = None
    idempotency_key: str | None = None


@strawberry.input
class RefundPaymentInput:
    payment_id: strawberry.ID
    amount: MoneyInput | None = strawberry.field(
        default=None, description="Omit for a full refund."
    )
    reason: str | None = None
    idempotency_key: str | None = None


@strawberry.input
class UpdateCheckoutSessionInput:
    id: strawberry.ID
    amount: MoneyInput | None = None
    payment_description: str | None = None
    callback_url: str | None = None
    metadata: list[KeyValueInput] | None = None


@strawberry.input
class DeleteCustomerInput:
    id: strawberry.ID


@strawberry.input
class CancelOrRefundPaymentInput:
    payment_id: strawberry.ID
    amount: MoneyInput | None = strawberry.field(
        default=None, description="Omit for the whole amount."
    )
    reason: str | None = strawberry.field(
        default=None,
        description="DUPLICATE, FRAUDULENT, REQUESTED_BY_CUSTOMER (the default) or REVERSE.",
    )
    idempotency_key: str | None = None


@strawberry.input
class VerifyPaymentMethodInput:
    customer_id: strawberry.ID
    vaulted_token: str
    currency: CurrencyCode
    idempotency_key: str | None = None


@strawberry.input(
    description="Vault a card for a customer without a customer session (Yuno's direct "
    "enrollment), from a one-time token the SDK minted."
)
class VaultPaymentMethodInput:
    customer_id: strawberry.ID
    token: str
    country: CountryCode
    verify_currency: CurrencyCode | None = strawberry.field(
        default=None,
        description="Run a zero-amount verify in this currency first; a card that fails it "
        "is not vaulted.",
    )
    idempotency_key: str | None = None
