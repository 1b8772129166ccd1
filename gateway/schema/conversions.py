"""From GraphQL inputs to the use cases' requests, checking each input on the way.

The limits are Yuno's, declared once on the request models (``yuno/models/limits.py``):
a conversion builds the model and turns what it refuses into problems on the input's
fields, so what passes here is not refused by Yuno for shape, and a refused input makes no
Yuno call at all.
"""

from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar, cast, get_args

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic_core import ErrorDetails

from gateway.resolvers.outcomes import Field, Problem
from gateway.resolvers.payment_actions import CancelOrRefundReason
from gateway.resolvers.payments import NewPayment
from gateway.schema.inputs import (
    AddressInput,
    CancelOrRefundPaymentInput,
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
    UpdateCheckoutSessionInput,
    UpdateCustomerInput,
    VaultPaymentMethodInput,
)
from gateway.yuno.documents import PAYER_DOCUMENTS, document_problem
from gateway.yuno.models import (
    CheckoutSessionCreate,
    CustomerCreate,
    CustomerSessionCreate,
    CustomerUpdate,
)
from gateway.yuno.models.common import MoneyRequest
from gateway.yuno.models.customers import DocumentRequest
from gateway.yuno.models.limits import DocumentNumber, Installments, PositiveAmount, Reference
from gateway.yuno.models.payment_methods import DirectEnrollment
from gateway.yuno.models.sessions import CheckoutSessionChanges

Problems = tuple[Problem, ...]
In = TypeVar("In")
M = TypeVar("M", bound=BaseModel)


def request(model: Callable[..., M], **fields: Any) -> tuple[M | None, Problems]:
    """Build a Yuno request model; what breaks Yuno's limits comes back as problems, each
    pointing at the input field (the wire name in camel case)."""
    try:
        return model(**fields), ()
    except ValidationError as exc:
        return None, tuple(problem_of(error) for error in exc.errors())


def checked(kind: object, value: object, field: Field) -> Problems:
    """The problems of one value against one of Yuno's field types (``limits``), for a
    value whose request is built later, once the use case knows the rest."""
    if value is None:
        return ()
    try:
        _adapter(kind).validate_python(value)
    except ValidationError as exc:
        return tuple(problem_of(error, field) for error in exc.errors())
    return ()


@cache
def _adapter(kind: object) -> TypeAdapter[Any]:
    return TypeAdapter(kind)  # type: ignore[arg-type]  # an Annotated type from limits


def problem_of(error: ErrorDetails, at: Field = ()) -> Problem:
    """Our limits raise stable codes as their error type; anything else pydantic finds is
    INVALID_INPUT, with pydantic's message."""
    code = error["type"] if error["type"].isupper() else "INVALID_INPUT"
    path = (*at, *(_camel(str(part)) for part in error["loc"]))
    return Problem(code, error["msg"], ("input", *path))


def customer_create(data: CreateCustomerInput) -> tuple[CustomerCreate | None, Problems]:
    return request(
        CustomerCreate, merchant_customer_id=data.merchant_customer_id, **_customer_fields(data)
    )


def customer_update(data: UpdateCustomerInput) -> tuple[CustomerUpdate | None, Problems]:
    return request(CustomerUpdate, **_customer_fields(data))


def customer_session(
    data: CreateCustomerSessionInput,
) -> tuple[CustomerSessionCreate | None, Problems]:
    return request(
        CustomerSessionCreate,
        customer_id=data.customer_id,
        country=data.country,
        callback_url=data.callback_url,
    )


def accepted(data: In) -> tuple[In, Problems]:
    """An input whose every field is checked by its scalars and the edge: taken as is."""
    return data, ()


def checkout_session_create(
    data: CreateCheckoutSessionInput,
) -> tuple[CheckoutSessionCreate | None, Problems]:
    return request(
        CheckoutSessionCreate,
        customer_id=data.customer_id,
        merchant_order_id=data.merchant_order_id,
        payment_description=data.payment_description,
        country=data.country,
        amount=_money(data.amount),
        callback_url=data.callback_url,
        metadata=_metadata(data.metadata),
    )


def new_payment(data: CreatePaymentInput) -> tuple[NewPayment | None, Problems]:
    """Which of token and vaulted token a payment needs is checked here, and only here: a
    card has exactly one; an alternative method never a vaulted token, a token if the SDK
    minted one."""
    method = data.payment_method
    if problem := _method_problem(data):
        return None, (problem,)
    problems = (
        checked(Reference, data.merchant_order_id, ("merchantOrderId",))
        + checked(Reference, data.description, ("description",))
        + checked(PositiveAmount, data.amount.value if data.amount else None, ("amount", "value"))
        + checked(Installments, data.installments, ("installments",))
        + _document_problems(data)
    )
    if problems:
        return None, problems
    return NewPayment(
        checkout_session_id=data.checkout_session_id,
        token=method.token,
        vaulted_token=method.vaulted_token,
        method_type=method.type,
        vault_on_success=method.vault_on_success,
        idempotency_key=data.idempotency_key,
        capture=data.capture,
        amount=MoneyRequest.model_validate(_money(data.amount)) if data.amount else None,
        merchant_order_id=data.merchant_order_id,
        description=data.description,
        country=data.country,
        customer_id=data.customer_id,
        payer_document=DocumentRequest(
            document_type=data.payer_document.document_type,
            document_number=data.payer_document.document_number,
        )
        if data.payer_document
        else None,
        installments=data.installments,
    ), ()


def _method_problem(data: CreatePaymentInput) -> Problem | None:
    method = data.payment_method
    kind = method.type or "CARD"
    if kind != "CARD":
        if method.vaulted_token:
            return Problem(
                "INVALID_PAYMENT_METHOD",
                f"{kind} is not a vaulted card: leave vaultedToken out.",
                ("input", "paymentMethod", "vaultedToken"),
            )
        if data.installments is not None:
            return Problem(
                "INVALID_PAYMENT_METHOD",
                "Only cards pay in installments.",
                ("input", "installments"),
            )
        return None
    if bool(method.token) == bool(method.vaulted_token):
        return Problem(
            "INVALID_PAYMENT_METHOD",
            "Give exactly one of token and vaultedToken.",
            ("input", "paymentMethod"),
        )
    return None


def _document_problems(data: CreatePaymentInput) -> Problems:
    """A given payer document must be one the method takes, with valid check digits."""
    document, kind = data.payer_document, data.payment_method.type
    if document is None:
        return ()
    shape = checked(DocumentNumber, document.document_number, ("payerDocument", "documentNumber"))
    if shape or kind not in PAYER_DOCUMENTS:
        return shape
    problem = document_problem(kind, document.document_type, document.document_number)
    if problem is None:
        return ()
    return (Problem("INVALID_PAYER_DOCUMENT", problem, ("input", "payerDocument")),)


def checkout_session_changes(
    data: UpdateCheckoutSessionInput,
) -> tuple[CheckoutSessionChanges | None, Problems]:
    return request(
        CheckoutSessionChanges,
        amount=_money(data.amount) if data.amount else None,
        payment_description=data.payment_description,
        callback_url=data.callback_url,
        metadata=_metadata(data.metadata),
    )


def cancel_or_refund(
    data: CancelOrRefundPaymentInput,
) -> tuple[tuple[MoneyRequest | None, CancelOrRefundReason | None] | None, Problems]:
    """The amount (None: all of it) and the reason, one of Yuno's four."""
    amount, problems = optional_money(data.amount)
    reason = data.reason
    if reason is not None and reason not in get_args(CancelOrRefundReason):
        reasons = ", ".join(get_args(CancelOrRefundReason))
        problems += (Problem("INVALID_REASON", f"One of {reasons}.", ("input", "reason")),)
    if problems:
        return None, problems
    return (amount, cast("CancelOrRefundReason | None", reason)), ()


def direct_enrollment(
    data: VaultPaymentMethodInput,
) -> tuple[DirectEnrollment | None, Problems]:
    verify = (
        {"vault_on_success": True, "currency": data.verify_currency}
        if data.verify_currency
        else None
    )
    return request(DirectEnrollment, country=data.country, token=data.token, verify=verify)


def optional_money(amount: MoneyInput | None) -> tuple[MoneyRequest | None, Problems]:
    if amount is None:
        return None, ()
    money, problems = request(MoneyRequest, **_money(amount))
    return money, tuple(_under("amount", p) for p in problems)


def capture_amount(data: CapturePaymentInput) -> tuple[MoneyRequest | None, Problems]:
    """The amount to capture; None (no problem) captures the whole authorization."""
    return optional_money(data.amount)


def cancel_reason(data: CancelPaymentInput) -> tuple[CancelPaymentInput, Problems]:
    return data, checked(Reference, data.reason, ("reason",))


def refund_amount(data: RefundPaymentInput) -> tuple[MoneyRequest | None, Problems]:
    """The amount to refund; None (no problem) refunds the whole charge."""
    amount, problems = optional_money(data.amount)
    return amount, problems + checked(Reference, data.reason, ("reason",))


def _under(name: str, problem: Problem) -> Problem:
    field = problem.field or ("input",)
    return Problem(problem.code, problem.message, (field[0], name, *field[1:]))


def _money(amount: MoneyInput) -> dict[str, object]:
    """Fields, not a model: the request model built around them checks them."""
    return {"value": amount.value, "currency": amount.currency}


def _customer_fields(data: CustomerFieldsInput) -> dict[str, object]:
    return {
        "first_name": data.first_name,
        "last_name": data.last_name,
        "email": data.email,
        "gender": data.gender,
        "date_of_birth": data.date_of_birth,
        "nationality": data.nationality,
        "country": data.country,
        "document": {
            "document_type": data.document.document_type,
            "document_number": data.document.document_number,
        }
        if data.document
        else None,
        "phone": {"country_code": data.phone.country_code, "number": data.phone.number}
        if data.phone
        else None,
        "billing_address": _address(data.billing_address),
        "shipping_address": _address(data.shipping_address),
        "metadata": _metadata(data.metadata),
    }


def _address(address: AddressInput | None) -> dict[str, object] | None:
    if address is None:
        return None
    return {
        "address_line_1": address.address_line1,
        "address_line_2": address.address_line2,
        "city": address.city,
        "state": address.state,
        "country": address.country,
        "zip_code": address.zip_code,
        "neighborhood": address.neighborhood,
    }


def _metadata(items: list[KeyValueInput] | None) -> list[dict[str, str]] | None:
    return None if items is None else [{"key": i.key, "value": i.value} for i in items]


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
