"""Field checks that reproduce Yuno's 400 codes for request bodies.

Each check either returns the typed value or raises the error Yuno would answer with, so
handlers read as a list of fields; the order of checks decides which error wins, and it
follows Yuno: missing fields first, then types and formats, then business rules.
"""

import re
from collections.abc import Iterable
from datetime import date
from decimal import Decimal

from gateway.sandbox.errors import SandboxError, invalid, missing
from gateway.sandbox.wire import JsonObject
from gateway.yuno.countries import COUNTRIES, CURRENCIES, PAYMENT_COUNTRIES, currency_allowed

_AMOUNT_STEP = Decimal("0.0001")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def require(body: JsonObject, *names: str, prefix: str = "") -> None:
    """Raise MISSING_PARAMETERS naming every required field that is absent or null."""
    absent = [f"{prefix}{name}" for name in names if body.get(name) is None]
    if absent:
        raise missing(*absent)


def text(
    body: JsonObject, name: str, low: int = 1, high: int = 255, *, label: str = ""
) -> str | None:
    """An optional string field with Yuno's length limits."""
    value = body.get(name)
    if value is None:
        return None
    field = label or name
    if not isinstance(value, str):
        raise invalid(f"{field} must be a string")
    if not low <= len(value) <= high:
        raise invalid(f"{field} must be between {low} and {high} characters")
    return value


def required_text(body: JsonObject, name: str, low: int = 1, high: int = 255) -> str:
    """A string field that must be present."""
    value = text(body, name, low, high)
    if value is None:
        raise missing(name)
    return value


def obj(body: JsonObject, name: str, *, label: str = "") -> JsonObject | None:
    """An optional nested object."""
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, dict):
        raise invalid(f"{label or name} must be an object")
    return value


def boolean(body: JsonObject, name: str, *, label: str = "") -> bool | None:
    """An optional boolean."""
    value = body.get(name)
    if value is None or isinstance(value, bool):
        return value
    raise invalid(f"{label or name} must be a boolean")


def choice(body: JsonObject, name: str, allowed: Iterable[str], *, label: str = "") -> str | None:
    """An optional enum string."""
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or value not in set(allowed):
        raise invalid(f"{label or name} has an unsupported value")
    return value


def country(body: JsonObject, name: str = "country", *, label: str = "") -> str | None:
    """Any ISO 3166-1 alpha-2 code Yuno knows (customer data)."""
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or value not in COUNTRIES:
        raise invalid(f"{label or name} must be an ISO 3166-1 alpha-2 country code")
    return value


def payment_country(body: JsonObject, name: str = "country") -> str:
    """A required country that Yuno accepts for sessions and payments.

    Any string outside the 17 payment countries, even one that is no country at all,
    is COUNTRY_NOT_SUPPORTED: Yuno validates these fields against that enum alone.
    """
    value = body.get(name)
    if value is None:
        raise missing(name)
    if not isinstance(value, str):
        raise invalid(f"{name} must be an ISO 3166-1 alpha-2 country code")
    if value not in PAYMENT_COUNTRIES:
        raise SandboxError(400, "COUNTRY_NOT_SUPPORTED", f"{name} is not a supported country")
    return value


def birth_date(body: JsonObject, name: str = "date_of_birth") -> str | None:
    """A ``YYYY-MM-DD`` date."""
    value = text(body, name, 10, 10)
    if value is None:
        return None
    try:
        if not _DATE.match(value):
            raise ValueError(value)
        date.fromisoformat(value)
    except ValueError as exc:
        raise invalid(f"{name} must be a YYYY-MM-DD date") from exc
    return value


def account(body: JsonObject, expected: str) -> None:
    """``account_id`` must be present and be this emulator's account."""
    require(body, "account_id")
    if body["account_id"] != expected:
        raise SandboxError(400, "INVALID_ACCOUNT_ID", "account_id does not match the credentials")


def amount(
    body: JsonObject, country_code: str | None, name: str = "amount", *, zero: bool = False
) -> tuple[Decimal, str] | None:
    """An optional ``{currency, value}`` money object, checked against the country."""
    money = obj(body, name)
    if money is None:
        return None
    require(money, "currency", "value", prefix=f"{name}.")
    currency = money["currency"]
    if not isinstance(currency, str) or currency not in CURRENCIES:
        raise invalid(f"{name}.currency must be an ISO 4217 code")
    if country_code is not None and not currency_allowed(country_code, currency):
        raise SandboxError(
            400, "CURRENCY_NOT_ALLOWED", f"Currency {currency} is not allowed for {country_code}"
        )
    return money_value(money["value"], f"{name}.value", zero=zero), currency


def money_value(value: object, label: str, *, zero: bool = False) -> Decimal:
    """A positive decimal that is a multiple of 0.0001 (``zero``: 0 too, for a verify)."""
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise invalid(f"{label} must be a number")
    number = Decimal(value)
    if number < 0 or (number == 0 and not zero) or number % _AMOUNT_STEP != 0:
        raise SandboxError(
            400, "INVALID_AMOUNT", f"{label} must be positive and a multiple of 0.0001"
        )
    return number


def metadata(body: JsonObject, limit: int) -> list[object] | None:
    """Up to ``limit`` ``{key ≤48, value ≤512}`` pairs."""
    items = body.get("metadata")
    if items is None:
        return None
    if not isinstance(items, list) or len(items) > limit:
        raise invalid(f"metadata must be a list of at most {limit} items")
    for item in items:
        if not isinstance(item, dict):
            raise invalid("metadata items must be objects")
        require(item, "key", "value", prefix="metadata.")
        text(item, "key", 1, 48, label="metadata.key")
        text(item, "value", 0, 512, label="metadata.value")
    return items
