"""What Yuno accepts in a request field, as types the request models are built from.

Each limit is a fact of Yuno's API (yuno-api.md §2-5: lengths, formats, list sizes), so it
is written once, here; a request that breaks one fails to build with a ``ValidationError``
whose error ``type`` is a stable code (``INVALID_LENGTH``, ``INVALID_AMOUNT``, ...) and whose
``loc`` names the wire field, which the GraphQL edge turns into a userError on the input.
"""

from collections.abc import Callable
from decimal import Decimal
from typing import Annotated, TypeVar

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

T = TypeVar("T")


def length(low: int, high: int) -> AfterValidator:
    """Between ``low`` and ``high`` characters, surrounding blanks not counted."""

    def check(value: str) -> str:
        if not low <= len(value.strip()) <= high:
            raise PydanticCustomError(
                "INVALID_LENGTH",
                "Must be {low} to {high} characters long.",
                {"low": low, "high": high},
            )
        return value

    return AfterValidator(check)


def at_most(high: int) -> AfterValidator:
    """A list of at most ``high`` items."""

    def check(items: list[T]) -> list[T]:
        if len(items) > high:
            raise PydanticCustomError("TOO_MANY_ITEMS", "At most {high} items.", {"high": high})
        return items

    return AfterValidator(check)


def _rule(code: str, message: str, ok: Callable[[T], bool]) -> AfterValidator:
    def check(value: T) -> T:
        if not ok(value):
            raise PydanticCustomError(code, message)
        return value

    return AfterValidator(check)


#: Names of people and places (Yuno: 1 to 255 characters).
Name = Annotated[str, length(1, 255)]
#: Order ids, descriptions, references (3 to 255).
Reference = Annotated[str, length(3, 255)]
#: Callback URLs (3 to 526).
Url = Annotated[str, length(3, 526)]
Email = Annotated[
    str, length(3, 255), _rule("INVALID_EMAIL", "Not an email address.", lambda v: "@" in v)
]
#: The calling code without "+", e.g. "57".
CallingCode = Annotated[
    str,
    _rule(
        "INVALID_PHONE",
        "The calling code, digits only and without +, e.g. 57.",
        lambda v: v.isdigit() and len(v) <= 3,
    ),
]
PhoneNumber = Annotated[str, length(1, 32)]
DocumentNumber = Annotated[str, length(3, 40)]
DocumentType = Annotated[str, length(2, 6)]
AddressLine = Annotated[str, length(3, 255)]
MetadataKey = Annotated[str, length(1, 48)]
MetadataValue = Annotated[str, length(1, 512)]
#: An amount that moves money: more than zero.
PositiveAmount = Annotated[
    Decimal,
    _rule("INVALID_AMOUNT", "The amount must be greater than zero.", lambda v: v > 0),
]
#: Card installments Yuno accepts.
Installments = Annotated[
    int, _rule("INVALID_INSTALLMENTS", "Installments go from 1 to 50.", lambda v: 1 <= v <= 50)
]
