"""The API's scalars, validated at the edge so bad input never reaches Yuno.

``Decimal`` is exact and travels as a string ("26.90"): a JSON float has already lost
digits by the time the server sees it, so numbers are refused rather than guessed at.
Country and currency codes are checked against ISO lists, upper case only.
"""

import re
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import NewType

import strawberry
from strawberry.types.scalar import ScalarDefinition

from gateway.yuno.countries import COUNTRIES, CURRENCIES

CountryCode = NewType("CountryCode", str)
CurrencyCode = NewType("CurrencyCode", str)

MAX_DECIMAL_PLACES = 4
MAX_INTEGER_DIGITS = 14
_DECIMAL = re.compile(rf"^-?\d{{1,{MAX_INTEGER_DIGITS}}}(\.\d{{1,{MAX_DECIMAL_PLACES}}})?$")


def parse_decimal(value: object) -> Decimal:
    if not isinstance(value, str):
        raise ValueError('Decimal is written as a string, e.g. "26.90"')
    if not _DECIMAL.match(value.strip()):
        raise ValueError(
            f"Decimal must be a plain number with at most {MAX_INTEGER_DIGITS} integer digits "
            f"and at most {MAX_DECIMAL_PLACES} decimal places"
        )
    try:
        return Decimal(value.strip())
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only valid text
        raise ValueError("not a decimal number") from exc


def serialize_decimal(value: Decimal) -> str:
    return format(value, "f")


def parse_country(value: object) -> CountryCode:
    if not isinstance(value, str) or value not in COUNTRIES:
        raise ValueError("CountryCode must be an ISO 3166-1 alpha-2 code in upper case, e.g. CO")
    return CountryCode(value)


def parse_currency(value: object) -> CurrencyCode:
    if not isinstance(value, str) or value not in CURRENCIES:
        raise ValueError("CurrencyCode must be an ISO 4217 code in upper case, e.g. COP")
    return CurrencyCode(value)


def parse_date(value: object) -> date:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ValueError('Date is written "YYYY-MM-DD"')
    return date.fromisoformat(value)


def serialize_datetime(value: datetime) -> str:
    utc = value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)
    return utc.isoformat(timespec="microseconds").replace("+00:00", "Z")


def parse_datetime(value: object) -> datetime:
    if not isinstance(value, str):
        raise ValueError('DateTime is written in RFC 3339, e.g. "2026-11-26T22:42:16Z"')
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ValueError('DateTime is written in RFC 3339, e.g. "2026-11-26T22:42:16Z"') from exc
    if parsed.tzinfo is None:
        raise ValueError("DateTime needs a time zone offset (Z for UTC)")
    return parsed.astimezone(UTC)


SCALARS: dict[object, ScalarDefinition] = {
    Decimal: strawberry.scalar(
        name="Decimal",
        description='Exact decimal number as a string, e.g. "26.90"; never a float.',
        serialize=serialize_decimal,
        parse_value=parse_decimal,
    ),
    CountryCode: strawberry.scalar(
        name="CountryCode",
        description="ISO 3166-1 alpha-2 country code, upper case.",
        serialize=str,
        parse_value=parse_country,
    ),
    CurrencyCode: strawberry.scalar(
        name="CurrencyCode",
        description="ISO 4217 alphabetic currency code, upper case.",
        serialize=str,
        parse_value=parse_currency,
    ),
    date: strawberry.scalar(
        name="Date",
        description='Calendar date, "YYYY-MM-DD".',
        serialize=date.isoformat,
        parse_value=parse_date,
    ),
    datetime: strawberry.scalar(
        name="DateTime",
        description='RFC 3339 instant in UTC, e.g. "2026-11-26T22:42:16.351969Z".',
        serialize=serialize_datetime,
        parse_value=parse_datetime,
    ),
}
