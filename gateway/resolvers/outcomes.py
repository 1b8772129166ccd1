"""Expected failures as data: a mutation's ``Outcome`` is its value or its problems.

A ``Problem`` becomes a ``userError`` with a stable ``code`` and the input ``field`` at fault.
Yuno's refusals keep Yuno's code (CUSTOMER_NOT_FOUND, CURRENCY_NOT_ALLOWED, ...), pointed at
the input field that caused them, so clients can show the message next to the right field.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Generic, TypeVar

from gateway.yuno.errors import YunoRequestError

T = TypeVar("T")

Field = tuple[str, ...]


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    field: Field | None = None


@dataclass(frozen=True)
class Outcome(Generic[T]):
    value: T | None = None
    problems: tuple[Problem, ...] = ()

    @classmethod
    def failed(cls, code: str, message: str, field: Field | None = None) -> "Outcome[T]":
        return cls(problems=(Problem(code, message, field),))


#: Which input field each Yuno refusal is about (paths are relative to ``input``).
YUNO_CODE_FIELDS: dict[str, Field] = {
    "COUNTRY_NOT_SUPPORTED": ("country",),
    "CURRENCY_NOT_ALLOWED": ("amount", "currency"),
    "INVALID_AMOUNT": ("amount", "value"),
    "CUSTOMER_ID_DUPLICATED": ("merchantCustomerId",),
    "CUSTOMER_NOT_FOUND": ("customerId",),
    "CHECKOUT_SESSION_NOT_FOUND": ("checkoutSessionId",),
    "PAYMENT_NOT_FOUND": ("paymentId",),
    "INVALID_CUSTOMER_FOR_TOKEN": ("paymentMethod", "vaultedToken"),
    "IDEMPOTENCY_DUPLICATED": ("idempotencyKey",),
    "UNAVAILABLE_PAYMENT_METHOD": ("paymentMethod", "type"),
}

#: Messages we show for Yuno's codes; Yuno's own text may echo input and is not shown.
YUNO_CODE_MESSAGES: dict[str, str] = {
    "COUNTRY_NOT_SUPPORTED": "Yuno does not support this country for this operation.",
    "CURRENCY_NOT_ALLOWED": "This currency is not allowed for the country.",
    "INVALID_AMOUNT": "The amount is not valid for this operation.",
    "CUSTOMER_ID_DUPLICATED": "A customer with this merchantCustomerId already exists.",
    "CUSTOMER_NOT_FOUND": "No such customer.",
    "CHECKOUT_SESSION_NOT_FOUND": "No such checkout session, or it is no longer active.",
    "PAYMENT_NOT_FOUND": "No such payment.",
    "TRANSACTION_NOT_FOUND": "The payment has no transaction this operation applies to.",
    "INVALID_STATUS": "The payment's status does not allow this operation.",
    "INVALID_CUSTOMER_FOR_TOKEN": "This payment method belongs to another customer.",
    "NOT_FOUND": "No such resource.",
    "IDEMPOTENCY_DUPLICATED": "This idempotency key belongs to an earlier request that failed; "
    "correct the request and send it with a new key.",
    "UNAVAILABLE_PAYMENT_METHOD": "This payment method is not available here.",
}


def problem_from_yuno(
    error: YunoRequestError, fields: Mapping[str, Field] | None = None
) -> Problem:
    """A Yuno refusal as a userError; ``fields`` overrides where a code points for one use case."""
    code = error.code or "INVALID_REQUEST"
    path = {**YUNO_CODE_FIELDS, **(fields or {})}.get(code)
    message = YUNO_CODE_MESSAGES.get(code) or "Yuno refused the request: " + "; ".join(
        error.messages[:3]
    )
    return Problem(code, message, ("input", *path) if path else None)
