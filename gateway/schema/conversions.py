"""From GraphQL inputs to the use cases' requests, checking each input on the way.

Limits follow Yuno's documented ones, so what passes here is not refused by Yuno for shape;
each conversion returns the request, or the problems that stop it before any Yuno call.
"""

from typing import TypeVar

from gateway.resolvers.outcomes import Problem
from gateway.resolvers.payments import NewPayment
from gateway.schema.checks import Checks
from gateway.schema.inputs import (
    AddressInput,
    CancelPaymentInput,
    CapturePaymentInput,
    CreateCheckoutSessionInput,
    CreateCustomerInput,
    CreateCustomerSessionInput,
    CreatePaymentInput,
    CustomerFieldsInput,
    KeyValueInput,
    MoneyInput,
    RefundPaymentInput,
    UpdateCustomerInput,
)
from gateway.yuno.models import CheckoutSessionCreate, CustomerCreate, CustomerUpdate
from gateway.yuno.models.common import KeyValueRequest, MoneyRequest
from gateway.yuno.models.customers import AddressRequest, DocumentRequest, PhoneRequest

Problems = tuple[Problem, ...]
In = TypeVar("In")

NAME = (1, 255)
REFERENCE = (3, 255)
URL = (3, 526)


def customer_create(data: CreateCustomerInput) -> tuple[CustomerCreate | None, Problems]:
    checks = Checks()
    checks.length(("merchantCustomerId",), data.merchant_customer_id, *NAME)
    _check_customer_fields(checks, data, max_metadata=50)
    if checks.problems:
        return None, tuple(checks.problems)
    fields = _customer_fields(data)
    return CustomerCreate(merchant_customer_id=data.merchant_customer_id, **fields), ()


def customer_update(data: UpdateCustomerInput) -> tuple[CustomerUpdate | None, Problems]:
    checks = Checks()
    _check_customer_fields(checks, data, max_metadata=50)
    if checks.problems:
        return None, tuple(checks.problems)
    return CustomerUpdate(**_customer_fields(data)), ()


def customer_session(
    data: CreateCustomerSessionInput,
) -> tuple[CreateCustomerSessionInput | None, Problems]:
    checks = Checks()
    checks.length(("callbackUrl",), data.callback_url, *URL)
    return data, tuple(checks.problems)


def accepted(data: In) -> tuple[In, Problems]:
    """An input whose every field is checked by its scalars and the edge: taken as is."""
    return data, ()


def checkout_session_create(
    data: CreateCheckoutSessionInput,
) -> tuple[CheckoutSessionCreate | None, Problems]:
    checks = Checks()
    checks.length(("merchantOrderId",), data.merchant_order_id, *REFERENCE)
    checks.length(("paymentDescription",), data.payment_description, *REFERENCE)
    checks.length(("callbackUrl",), data.callback_url, *URL)
    checks.positive(("amount", "value"), data.amount.value)
    _check_metadata(checks, data.metadata, 120)
    if checks.problems:
        return None, tuple(checks.problems)
    session = CheckoutSessionCreate(
        customer_id=data.customer_id,
        merchant_order_id=data.merchant_order_id,
        payment_description=data.payment_description,
        country=data.country,
        amount=_money(data.amount),
        callback_url=data.callback_url,
        metadata=_metadata(data.metadata),
    )
    return session, ()


def new_payment(data: CreatePaymentInput) -> tuple[NewPayment | None, Problems]:
    checks = Checks()
    method = data.payment_method
    checks.require(
        bool(method.token) != bool(method.vaulted_token),
        "INVALID_PAYMENT_METHOD",
        "Give exactly one of token and vaultedToken.",
        ("paymentMethod",),
    )
    checks.length(("merchantOrderId",), data.merchant_order_id, *REFERENCE)
    checks.length(("description",), data.description, *REFERENCE)
    checks.positive(("amount", "value"), data.amount.value if data.amount else None)
    if checks.problems:
        return None, tuple(checks.problems)
    return NewPayment(
        checkout_session_id=data.checkout_session_id,
        token=method.token,
        vaulted_token=method.vaulted_token,
        method_type=method.type,
        vault_on_success=method.vault_on_success,
        idempotency_key=data.idempotency_key,
        capture=data.capture,
        amount=_money(data.amount) if data.amount else None,
        merchant_order_id=data.merchant_order_id,
        description=data.description,
        country=data.country,
        customer_id=data.customer_id,
    ), ()


def optional_money(amount: MoneyInput | None) -> tuple[MoneyRequest | None, Problems]:
    if amount is None:
        return None, ()
    checks = Checks()
    checks.positive(("amount", "value"), amount.value)
    return (None, tuple(checks.problems)) if checks.problems else (_money(amount), ())


def reason_problems(reason: str | None) -> Problems:
    checks = Checks()
    checks.length(("reason",), reason, *REFERENCE)
    return tuple(checks.problems)


def capture_amount(data: CapturePaymentInput) -> tuple[MoneyRequest | None, Problems]:
    """The amount to capture; None (no problem) captures the whole authorization."""
    return optional_money(data.amount)


def cancel_reason(data: CancelPaymentInput) -> tuple[CancelPaymentInput, Problems]:
    return data, reason_problems(data.reason)


def refund_amount(data: RefundPaymentInput) -> tuple[MoneyRequest | None, Problems]:
    """The amount to refund; None (no problem) refunds the whole charge."""
    amount, problems = optional_money(data.amount)
    return amount, problems + reason_problems(data.reason)


def _money(amount: MoneyInput) -> MoneyRequest:
    return MoneyRequest(value=amount.value, currency=amount.currency)


def _check_customer_fields(checks: Checks, data: CustomerFieldsInput, max_metadata: int) -> None:
    for name in ("first_name", "last_name"):
        checks.length((_camel(name),), getattr(data, name), *NAME)
    checks.length(("email",), data.email, 3, 255)
    checks.require(
        data.email is None or "@" in data.email,
        "INVALID_EMAIL",
        "Not an email address.",
        ("email",),
    )
    if data.document:
        checks.length(("document", "documentNumber"), data.document.document_number, 3, 40)
        checks.length(("document", "documentType"), data.document.document_type, 2, 6)
    if data.phone:
        checks.require(
            data.phone.country_code.isdigit() and len(data.phone.country_code) <= 3,
            "INVALID_PHONE",
            "The calling code, digits only and without +, e.g. 57.",
            ("phone", "countryCode"),
        )
        checks.length(("phone", "number"), data.phone.number, 1, 32)
    for name, address in (
        ("billingAddress", data.billing_address),
        ("shippingAddress", data.shipping_address),
    ):
        if address:
            checks.length((name, "addressLine1"), address.address_line1, 3, 255)
            checks.length((name, "city"), address.city, 3, 255)
    _check_metadata(checks, data.metadata, max_metadata)


def _check_metadata(checks: Checks, metadata: list[KeyValueInput] | None, limit: int) -> None:
    checks.at_most(("metadata",), metadata, limit)
    for index, item in enumerate(metadata or []):
        checks.length(("metadata", str(index), "key"), item.key, 1, 48)
        checks.length(("metadata", str(index), "value"), item.value, 1, 512)


def _customer_fields(data: CustomerFieldsInput) -> dict[str, object]:
    return {
        "first_name": data.first_name,
        "last_name": data.last_name,
        "email": data.email,
        "gender": data.gender,
        "date_of_birth": data.date_of_birth,
        "nationality": data.nationality,
        "country": data.country,
        "document": DocumentRequest(
            document_type=data.document.document_type,
            document_number=data.document.document_number,
        )
        if data.document
        else None,
        "phone": PhoneRequest(country_code=data.phone.country_code, number=data.phone.number)
        if data.phone
        else None,
        "billing_address": _address(data.billing_address),
        "shipping_address": _address(data.shipping_address),
        "metadata": _metadata(data.metadata),
    }


def _address(address: AddressInput | None) -> AddressRequest | None:
    if address is None:
        return None
    return AddressRequest(
        address_line_1=address.address_line1,
        address_line_2=address.address_line2,
        city=address.city,
        state=address.state,
        country=address.country,
        zip_code=address.zip_code,
        neighborhood=address.neighborhood,
    )


def _metadata(items: list[KeyValueInput] | None) -> list[KeyValueRequest] | None:
    return None if items is None else [KeyValueRequest(key=i.key, value=i.value) for i in items]


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
