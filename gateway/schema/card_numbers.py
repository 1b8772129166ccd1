"""Raw card numbers never pass through the gateway: money moves only with tokens.

A free-text input that holds something shaped like a card number (13 to 19 digits, spaces or
dashes allowed, a valid Luhn check digit, and a prefix a card brand uses) is refused before
anything else happens, and the value is never echoed or logged. Fields with a format of
their own (document and phone numbers) are checked by their own rules instead, so a
14-digit CNPJ is never mistaken for a card.
"""

import dataclasses
import re
from collections.abc import Iterator

from gateway.resolvers.outcomes import Problem
from gateway.yuno.cards import luhn_valid

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_CANDIDATE = re.compile(r"(?<![\d])\d(?:[ -]?\d){12,18}(?![\d])")
_BRAND_PREFIX = re.compile(
    r"^(4|5[1-5]|2(2[2-9][1-9]|2[3-9]\d|[3-6]\d\d|7[01]\d|720)|3[47]|3(0[0-5]|[68])|6(011|5|4[4-9])|35|62)"
)

#: Input fields validated by their own format rules, not scanned.
EXEMPT_FIELDS = frozenset({"document_number", "number", "country_code"})


def contains_card_number(text: str) -> bool:
    text = _UUID.sub(" ", text)  # ids and tokens: hex groups that can look like digits
    for match in _CANDIDATE.finditer(text):
        digits = re.sub(r"[ -]", "", match.group())
        if 13 <= len(digits) <= 19 and luhn_valid(digits) and _BRAND_PREFIX.match(digits):
            return True
    return False


def card_number_problems(value: object, path: tuple[str, ...] = ("input",)) -> tuple[Problem, ...]:
    """Every string in an input object (recursively) that holds a card number."""
    return tuple(
        Problem(
            "CARD_NUMBER_NOT_ALLOWED",
            "Card numbers must not be sent to the gateway; use a token from Yuno's SDK.",
            where,
        )
        for where in _card_paths(value, path)
    )


def _card_paths(value: object, path: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
    if isinstance(value, str):
        if contains_card_number(value):
            yield path
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _card_paths(item, (*path, str(index)))
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            if field.name not in EXEMPT_FIELDS:
                yield from _card_paths(getattr(value, field.name), (*path, _camel(field.name)))


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)
