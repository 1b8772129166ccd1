"""Card numbers as the Yuno Testing Gateway sees them: checks, brand, outcome.

The emulator never stores what a real vault would hide: callers get the card's public
data (iin, last four, brand, fingerprint); the full number stays inside :class:`Card`
only so a later payment can pick the scripted outcome from its suffix.
"""

import re
import uuid
from dataclasses import dataclass
from datetime import datetime

from gateway.sandbox.errors import invalid, missing
from gateway.sandbox.threeds import scenario
from gateway.sandbox.wire import JsonObject
from gateway.yuno.cards import luhn_valid

#: Test-card suffix → transaction ``response_code`` (yuno-api.md §11).
OUTCOME_BY_SUFFIX: dict[str, str] = {
    "0002": "SUCCEEDED",
    "0010": "INSUFFICIENT_FUNDS",
    "0028": "DECLINED_BY_BANK",
    "0036": "DO_NOT_HONOR",
    "0044": "INVALID_SECURITY_CODE",
    "0051": "INVALID_CARD_DATA",
    "0069": "REPORTED_STOLEN",
    "0077": "ERROR",
}
#: The cards the sandbox checkout page offers, one per behaviour a shopper can meet.
SHOWCASE: tuple[dict[str, str], ...] = (
    {"label": "Succeeds", "number": "4507990000000002"},
    {"label": "Declined: insufficient funds", "number": "4507990000000010"},
    {"label": "Declined: do not honor", "number": "4507990000000036"},
    {"label": "3-D Secure challenge (OTP 1234)", "number": "4916994064252017"},
    {"label": "3-D Secure, frictionless", "number": "4234123412340000"},
    {"label": "Mastercard, succeeds", "number": "5252440000000002"},
)
_TEST_PREFIXES = (
    "45079900000000",
    "52524400000000",
    "3700000000000",
    "36471660000000",
    "11390000000000",
)
_BRANDS: tuple[tuple[str, str], ...] = (
    (r"^3[47]", "AMERICAN_EXPRESS"),
    (r"^3(0[0-5]|[689])", "DINERS"),
    (r"^4", "VISA"),
    (r"^(5[1-5]|2[2-7])", "MASTERCARD"),
    (r"^6(011|5)", "DISCOVER"),
)
_FINGERPRINTS = uuid.UUID("9b1f4a52-6a55-4d0e-8a3e-5f1b2c7d9e01")


@dataclass(frozen=True)
class Card:
    """A validated card as collected by the SDK."""

    number: str
    expiration_month: int
    expiration_year: int
    security_code: str
    holder_name: str | None

    @property
    def brand(self) -> str:
        return next((b for pattern, b in _BRANDS if re.match(pattern, self.number)), "UNKNOWN")

    @property
    def fingerprint(self) -> str:
        """Stable per card number, so re-enrolling the same card is detectable."""
        return str(uuid.uuid5(_FINGERPRINTS, self.number))

    @property
    def lfd(self) -> str:
        return self.number[-4:]

    @property
    def display_name(self) -> str:
        return f"{self.brand} ****{self.lfd}"

    def outcome(self) -> str | None:
        """The scripted response code for a Testing Gateway card, if this is one."""
        if self.number.startswith(_TEST_PREFIXES) or self.number[-4:] in OUTCOME_BY_SUFFIX:
            return OUTCOME_BY_SUFFIX.get(self.number[-4:])
        return None

    def public_data(self) -> JsonObject:
        """The ``card_data`` block Yuno returns for a card (no full number, no CVV)."""
        return {
            "holder_name": self.holder_name,
            "iin": self.number[:8] if len(self.number) >= 16 else self.number[:6],
            "lfd": self.lfd,
            "number_length": len(self.number),
            "security_code_length": len(self.security_code),
            "expiration_month": self.expiration_month,
            "expiration_year": self.expiration_year,
            "brand": self.brand,
            "issuer": "YUNO TEST BANK",
            "issuer_name": "YUNO TEST BANK",
            "issuer_code": None,
            "country_code": "US",
            "category": "CLASSIC",
            "type": "CREDIT",
            "fingerprint": self.fingerprint,
        }


def parse_card(body: object, now: datetime, label: str = "card") -> Card:
    """Validate an SDK card object: digits, Luhn, future expiry, CVV length."""
    if not isinstance(body, dict):
        raise missing(label)
    required = ("number", "expiration_month", "expiration_year", "security_code")
    absent = [f"{label}.{name}" for name in required if body.get(name) is None]
    if absent:
        raise missing(*absent)
    number = str(body["number"]).replace(" ", "")
    simulated = scenario(number) is not None  # Yuno's 3DS simulator cards skip Luhn
    if not re.fullmatch(r"\d{8,19}", number) or not (simulated or luhn_valid(number)):
        raise invalid(f"{label}.number is not a valid card number")
    month, year = _expiry(body, now, label)
    security_code = str(body["security_code"])
    if not re.fullmatch(r"\d{3,4}", security_code):
        raise invalid(f"{label}.security_code must be 3 or 4 digits")
    holder = body.get("holder_name")
    if holder is not None and (not isinstance(holder, str) or not 1 <= len(holder) <= 26):
        raise invalid(f"{label}.holder_name must be a string of 1 to 26 characters")
    return Card(number, month, year, security_code, holder)


def _expiry(body: JsonObject, now: datetime, label: str) -> tuple[int, int]:
    month, year = body["expiration_month"], body["expiration_year"]
    if isinstance(month, bool) or isinstance(year, bool):
        raise invalid(f"{label} expiry must be numeric")
    try:
        month_number, year_number = int(str(month)), int(str(year))
    except ValueError as exc:
        raise invalid(f"{label} expiry must be numeric") from exc
    full_year = year_number + 2000 if year_number < 100 else year_number
    if not 1 <= month_number <= 12 or (full_year, month_number) < (now.year, now.month):
        raise invalid(f"{label} is expired or has an invalid expiry date")
    return month_number, year_number
