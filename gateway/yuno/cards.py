"""What every card number satisfies: a Luhn check digit, and an issuer prefix and length.

Shared by the emulator (which validates the cards the SDK sends, as Yuno does) and the
gateway's edge (which refuses raw card numbers in free-text inputs). The issuer table
errs towards calling a number a card: a merchant who has to rephrase a note costs less
than a card number in Yuno's customer records and our logs.
"""

from dataclasses import dataclass

_ANY_LENGTH = (16, 17, 18, 19)
_SHORT_TO_LONG = (13, 14, 15, 16, 17, 18, 19)


@dataclass(frozen=True)
class IssuerRange:
    """Numbers whose first digits lie in ``low..high`` (compared digit by digit, as many
    digits as ``low`` has) and whose length is one of ``lengths``."""

    brand: str
    low: str
    high: str
    lengths: tuple[int, ...]

    def covers(self, digits: str) -> bool:
        head = digits[: len(self.low)]
        return len(digits) in self.lengths and self.low <= head <= self.high


#: Every brand Yuno's card flows name, plus the Latin American local brands. The first
#: row is the catch-all: 16 to 19 digits after a 3, 4, 5 or 6 is a card (Elo, Hipercard,
#: Cabal, Naranja, Carnet, Argencard, Maestro, Discover... all issue there). Shorter
#: numbers are cards only under the brands that really issue them, so that a 13-digit
#: Brazilian phone number (55 11 9xxxx-xxxx) is not a "Mastercard".
ISSUER_RANGES: tuple[IssuerRange, ...] = (
    IssuerRange("any 3-6 brand", "3", "6", _ANY_LENGTH),
    IssuerRange("Visa", "4", "4", (13, 16, 19)),
    IssuerRange("Mastercard", "51", "55", (16,)),
    IssuerRange("Mastercard", "2221", "2720", (16,)),
    IssuerRange("Mir", "2200", "2204", _ANY_LENGTH),
    IssuerRange("Carnet", "2869", "2869", _ANY_LENGTH),
    IssuerRange("American Express", "34", "34", (15,)),
    IssuerRange("American Express", "37", "37", (15,)),
    IssuerRange("Diners Club", "300", "305", _SHORT_TO_LONG[1:]),
    IssuerRange("Diners Club", "3095", "3095", _SHORT_TO_LONG[1:]),
    IssuerRange("Diners Club", "36", "36", _SHORT_TO_LONG[1:]),
    IssuerRange("Diners Club", "38", "39", _SHORT_TO_LONG[1:]),
    IssuerRange("Hipercard", "3841", "3841", _SHORT_TO_LONG),
    IssuerRange("Hipercard", "606282", "606282", _SHORT_TO_LONG),
    *(
        IssuerRange("Maestro", prefix, prefix, _SHORT_TO_LONG)
        for prefix in ("5018", "5020", "5038", "5893", "6304", "6759", "6761", "6762", "6763")
    ),
    IssuerRange("UnionPay", "81", "81", _ANY_LENGTH),
    IssuerRange("UATP", "1", "1", (15,)),
    IssuerRange("Yuno Testing Gateway", "1139", "1139", (16,)),
)


def luhn_valid(number: str) -> bool:
    """True when the digits' Luhn checksum is 0 mod 10 (``number`` holds digits only)."""
    total = 0
    for index, char in enumerate(reversed(number)):
        digit = int(char)
        if index % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def is_card_number(digits: str) -> bool:
    """True when ``digits`` (ASCII digits only) could be a card some brand issued: an
    issuer prefix with one of that issuer's lengths, and a valid Luhn check digit."""
    return any(r.covers(digits) for r in ISSUER_RANGES) and luhn_valid(digits)
