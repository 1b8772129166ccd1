"""The Yuno Testing Gateway's verdicts: which response code a payment gets, and what follows.

The card's suffix decides first, then a ``description`` that names a response code,
else the payment succeeds (yuno-api.md §11). Declines are data (a 201 payment with
``status: DECLINED``), never HTTP errors.
"""

from typing import NamedTuple

from gateway.sandbox.cards import OUTCOME_BY_SUFFIX, Card

RESPONSE_MESSAGES: dict[str, str] = {
    "SUCCEEDED": "Transaction successful",
    "INSUFFICIENT_FUNDS": "Insufficient funds",
    "DECLINED_BY_BANK": "Declined by bank",
    "DO_NOT_HONOR": "Do not honor",
    "INVALID_SECURITY_CODE": "Invalid security code",
    "INVALID_CARD_DATA": "Invalid card data",
    "REPORTED_STOLEN": "Card reported stolen",
    "ERROR": "Processing error",
    "SUCCEEDED_THREE_D_SECURE": "Transaction successful with 3DS authentication",
    "CHALLENGE_REQUIRED": "3DS challenge required",
    "PENDING_FRAUD_REVIEW": "Pending fraud review",
    "FRAUD_VALIDATION": "Declined by fraud validation",
    "FRAUD_VERIFIED": "Fraud screening passed",
    "EXPIRED": "Payment expired",
    "DECLINED": "Transaction declined",
}
#: Merchant advice codes (yuno-api.md §5.3) Yuno adds to a decline: whether to try again.
MERCHANT_ADVICE: dict[str, tuple[str, str]] = {
    "INSUFFICIENT_FUNDS": ("TRY_AGAIN_LATER", "Retry within 30 days"),
    "DECLINED_BY_BANK": ("TRY_AGAIN_LATER", "Retry within 30 days"),
    "DO_NOT_HONOR": ("DO_NOT_TRY_AGAIN", "Do not retry this card"),
    "INVALID_SECURITY_CODE": ("UPDATE_INFORMATION", "Ask the shopper to check the card data"),
    "INVALID_CARD_DATA": ("UPDATE_INFORMATION", "Ask the shopper to check the card data"),
    "REPORTED_STOLEN": ("DO_NOT_TRY_AGAIN", "Do not retry this card"),
    "DECLINED": ("DO_NOT_TRY_AGAIN", "Do not retry this card"),
    "ERROR": ("TRY_AGAIN_LATER", "Retry later"),
}
#: Descriptions that script fraud screening (as a description equal to a response code
#: scripts the card outcome): a review that a test settles, or an outright fraud decline.
FRAUD_REVIEW = "PENDING_FRAUD_REVIEW"
FRAUD_DECLINE = "FRAUD_VALIDATION"
#: ISO 8583 codes the sandbox provider reports next to each response code.
ISO8583: dict[str, tuple[str, str]] = {
    "SUCCEEDED": ("00", "Approved or completed successfully"),
    "INSUFFICIENT_FUNDS": ("51", "Not sufficient funds"),
    "DECLINED_BY_BANK": ("05", "Do not honor"),
    "DO_NOT_HONOR": ("05", "Do not honor"),
    "INVALID_SECURITY_CODE": ("N7", "Decline for CVV2 failure"),
    "INVALID_CARD_DATA": ("14", "Invalid card number"),
    "REPORTED_STOLEN": ("43", "Stolen card, pick up"),
    "ERROR": ("96", "System malfunction"),
}


class Outcome(NamedTuple):
    """Payment status, payment sub-status and transaction status for a response code."""

    status: str
    sub_status: str
    transaction_status: str


def response_code(card: Card | None, description: str) -> str:
    """The scripted response code: by card suffix, else by description, else success."""
    scripted = card.outcome() if card is not None else None
    if scripted is not None:
        return scripted
    return description if description in OUTCOME_BY_SUFFIX.values() else "SUCCEEDED"


def outcome(code: str, capture: bool) -> Outcome:
    """What a new payment looks like after the provider answered ``code``."""
    if code in ("SUCCEEDED", "SUCCEEDED_THREE_D_SECURE"):
        if capture:
            return Outcome("SUCCEEDED", "APPROVED", "SUCCEEDED")
        return Outcome("PENDING", "AUTHORIZED", "SUCCEEDED")
    if code == "ERROR":
        return Outcome("ERROR", "ERROR", "ERROR")
    return Outcome("DECLINED", "DECLINED", "DECLINED")
