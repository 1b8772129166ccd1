"""The alternative payment methods a checkout session offers, by country, and what each
asks of the shopper (yuno-api.md §5; shapes from Yuno's payment examples).

Each method finishes outside the API call: the shopper scans a QR code (PIX), pays a
voucher at a shop or bank (OXXO, boleto), transfers to a CLABE (SPEI) or approves on a
bank's or wallet's page (PSE, Nequi, Mercado Pago). The payment answers ``READY_TO_PAY``
with what to show, and a webhook reports the end: paid, failed, or expired.
"""

from dataclasses import dataclass
from datetime import timedelta

from gateway.yuno.documents import PAYER_DOCUMENTS

#: How a method finishes: the next action the shopper's app shows.
QR, TICKET, BANK_TRANSFER, REDIRECT = "QR", "TICKET", "BANK_TRANSFER", "REDIRECT"

_EVERYWHERE_MP = frozenset({"AR", "BR", "CL", "CO", "MX", "PE", "UY"})


@dataclass(frozen=True)
class Method:
    type: str
    name: str
    #: Yuno's category of the method (and of its transactions).
    category: str
    countries: frozenset[str]
    step: str
    #: The key of its block in ``payment_method_detail``.
    detail: str
    lifetime: timedelta
    #: Payer documents the method needs (one of them); empty when it needs none.
    documents: tuple[str, ...] = ()
    icon: str = "card_logosimbolo.png"


METHODS: dict[str, Method] = {
    method.type: method
    for method in (
        Method(
            "PIX", "PIX", "BANK_TRANSFER", frozenset({"BR"}), QR, "bank_transfer",
            timedelta(minutes=30), PAYER_DOCUMENTS["PIX"], "pix_logosimbolo.png",
        ),
        Method(
            "BOLETO", "Boleto", "TICKET", frozenset({"BR"}), TICKET, "ticket",
            timedelta(days=3), PAYER_DOCUMENTS["BOLETO"], "boleto_logosimbolo.png",
        ),
        Method(
            "OXXO", "OXXO", "TICKET", frozenset({"MX"}), TICKET, "ticket",
            timedelta(days=3), (), "oxxo_logosimbolo.png",
        ),
        Method(
            "SPEI", "SPEI", "BANK_TRANSFER", frozenset({"MX"}), BANK_TRANSFER, "bank_transfer",
            timedelta(days=1), (), "spei_logosimbolo.png",
        ),
        Method(
            "PSE", "PSE", "BANK_TRANSFER", frozenset({"CO"}), REDIRECT, "bank_transfer",
            timedelta(hours=1), PAYER_DOCUMENTS["PSE"], "pse_logosimbolo.png",
        ),
        Method(
            "NEQUI", "Nequi", "WALLET", frozenset({"CO"}), REDIRECT, "wallet",
            timedelta(hours=1), (), "nequi_logosimbolo.png",
        ),
        Method(
            "MERCADO_PAGO_WALLET", "Mercado Pago", "WALLET", _EVERYWHERE_MP, REDIRECT,
            "wallet", timedelta(hours=1), (), "mercadopago_logosimbolo.png",
        ),
    )
}  # fmt: skip


def offered_in(country: str) -> list[Method]:
    """The alternative methods a checkout session in ``country`` offers, in catalog order."""
    return [m for m in METHODS.values() if country in m.countries]
