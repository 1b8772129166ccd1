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
    description="Exactly one of token (a one-time token minted by the Yuno SDK) and vaultedToken."
)
class PaymentMethodInput:
    token: str | None = None
    vaulted_token: str | None = None
    type: str | None = strawberry.field(
        default=None, description="Defaults to CARD when a vaultedToken is used without a session."
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
