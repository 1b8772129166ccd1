"""Payer documents as Yuno's alternative methods need them, and the check digits that
tell a Brazilian CPF or CNPJ from a typo.

PIX and boleto identify the payer by a CPF (11 digits) or CNPJ (14); PSE by a Colombian
CC, CE or NIT. Shared by the emulator (which refuses a payment without the document, as
Yuno does) and the gateway's edge (which refuses it before calling Yuno).
"""

#: Alternative method → the document types that identify its payer (any one of them).
PAYER_DOCUMENTS: dict[str, tuple[str, ...]] = {
    "PIX": ("CPF", "CNPJ"),
    "BOLETO": ("CPF", "CNPJ"),
    "PSE": ("CC", "CE", "NIT"),
}

_CNPJ_WEIGHTS = (6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2)


def valid_cnpj(digits: str) -> bool:
    """True when the last two of 14 digits are the CNPJ's mod-11 check digits."""
    if len(digits) != 14 or not digits.isdigit():
        return False
    values = [int(d) for d in digits]
    for position in (12, 13):
        weights = _CNPJ_WEIGHTS[13 - position :]
        remainder = sum(v * w for v, w in zip(values[:position], weights, strict=True)) % 11
        if values[position] != (0 if remainder < 2 else 11 - remainder):
            return False
    return True


def valid_cpf(digits: str) -> bool:
    """True for 11 digits whose last two are the CPF's mod-11 check digits (and not all
    the same digit, which the Receita Federal never issues)."""
    if len(digits) != 11 or not digits.isdigit() or len(set(digits)) == 1:
        return False
    values = [int(d) for d in digits]
    for position in (9, 10):
        total = sum(v * (position + 1 - i) for i, v in enumerate(values[:position]))
        check = total * 10 % 11 % 10
        if values[position] != check:
            return False
    return True


def document_problem(method: str, document_type: str | None, number: str | None) -> str | None:
    """Why this document cannot identify the payer of ``method`` (None when it can, or
    when the method needs none)."""
    accepted = PAYER_DOCUMENTS.get(method)
    if accepted is None:
        return None
    if not document_type or not number:
        return f"{method} needs the payer's document ({' or '.join(accepted)})."
    if document_type not in accepted:
        return f"{method} takes a {' or '.join(accepted)} document."
    digits = "".join(ch for ch in number if ch.isdigit())
    if document_type == "CPF" and not valid_cpf(digits):
        return "Not a valid CPF (11 digits with its check digits)."
    if document_type == "CNPJ" and not valid_cnpj(digits):
        return "Not a valid CNPJ (14 digits with its check digits)."
    return None
