"""No spelling of a card number gets past the edge, and no id, CPF, CNPJ, phone or date is
mistaken for one: the detector's table of bypasses and look-alikes, then one request over
real HTTP."""

import uuid
from typing import Any

import pytest
from graphql import parse

from gateway.sandbox import Sandbox
from gateway.schema.card_numbers import (
    card_number_problems,
    contains_card_number,
    document_card_paths,
    field_holds_card_number,
    literal_card_paths,
    subject_holds_card_number,
    variable_card_paths,
)
from gateway.schema.inputs import CreateCustomerInput, DocumentInput, KeyValueInput, PhoneInput
from gateway.yuno.cards import luhn_valid
from tests.conftest import GatewayClient
from tests.documents import CREATE_CUSTOMER

ELO = "5067231145678918"
VISA = "4507990000000002"
FULLWIDTH_ZERO = "\uff10"
ARABIC_INDIC_ZERO = "\u0660"
DEVANAGARI_ZERO = "\u0966"


def spaced(number: str, separator: str = " ") -> str:
    return separator.join(number[i : i + 4] for i in range(0, len(number), 4))


def in_digits(text: str, zero: str) -> str:
    """``text`` with its ASCII digits written in the script whose zero is ``zero``."""
    return "".join(chr(ord(zero) + int(c)) if c.isdigit() else c for c in text)


#: Luhn-valid numbers under every brand Yuno's markets use (check digits computed).
BRANDS = {
    "visa": "4111111111111111",
    "visa-13": "4000000000006",
    "mastercard": "5252440000000002",
    "mastercard-2-series": "2221000000000009",
    "amex": "371449635398431",
    "diners-14": "36000000000008",
    "diners-16": "3647166000000002",
    "discover": "6011123456789019",
    "jcb": "3530123456789067",
    "unionpay": "6212345678901265",
    "unionpay-81": "8100000000000002",
    "elo-5067": ELO,
    "elo-401178": "4011781234567893",
    "elo-636368": "6363681234567894",
    "elo-650035": "6500351234567898",
    "hipercard-6062": "6062000000000002",
    "hipercard-606282": "6062823456789012",
    "hipercard-3841": "3841001234567894",
    "maestro-5018": "5018345678901230",
    "maestro-5018-13": "5018000000007",
    "maestro-6759": "6759123456789015",
    "maestro-6759-19": "6759000000000000005",
    "mir-2200": "2200123456789019",
    "cabal": "6042011234567893",
    "naranja": "5895621234567899",
    "carnet": "2869001234567893",
    "uatp": "100000000000009",
    "yuno-test-gateway": "1139000000000002",
}

#: Every spelling the red team tried, and a few more.
BYPASSES = {
    "dots": spaced(ELO, "."),
    "slashes": spaced(ELO, "/"),
    "underscores": spaced(ELO, "_"),
    "dashes": spaced(ELO, "-"),
    "spaced dashes": spaced(ELO, " - "),
    "double spaces": spaced(ELO, "  "),
    "many spaces": spaced(ELO, "      "),
    "tabs and newlines": "5067\t2311\n4567\r\n8918",
    "nbsp": spaced(ELO, "\u00a0"),
    "narrow nbsp": spaced(ELO, "\u202f"),
    "ideographic space": spaced(ELO, "\u3000"),
    "mixed separators": "5067.2311/4567_8918",
    "zero-width space": "\u200b".join(ELO),
    "word joiner": "\u2060".join(ELO),
    "byte order mark": "\ufeff".join(ELO),
    "soft hyphen": "\u00ad".join(ELO),
    "zero-width padding": "\u200b\u2060\ufeff\u200b".join(ELO),
    "zero-width padding around spaces": spaced(ELO, "\u200b\u200b \u200b\u200b"),
    "combining marks": "\u0301".join(ELO),
    "stacked combining marks": "\u0301\u0302\u0303\u0304".join(ELO),
    "hangul filler": spaced(ELO, "\u3164"),
    "fullwidth digits": in_digits(spaced(ELO), FULLWIDTH_ZERO),
    "arabic-indic digits": in_digits(ELO, ARABIC_INDIC_ZERO),
    "extended arabic-indic digits": in_digits(ELO, "\u06f0"),
    "devanagari digits": in_digits(spaced(ELO), DEVANAGARI_ZERO),
    "bengali digits": in_digits(ELO, "\u09e6"),
    "mathematical bold digits": in_digits(ELO, "\U0001d7ce"),
    "circled digits": "⑤⓪⑥⑦②③①①④⑤⑥⑦⑧⑨①⑧",
    "circled numbers, two digits each": "㊶㊷㊸㊹㊺㊻㊼㊽",  # 4142434445464748 in 8 characters
    "in a sentence": f"please charge card:{ELO}.",
    "after a label with digits": f"cvv 123 {spaced(VISA)}",
    "before an expiry date": f"{spaced(VISA)} 11/28 123",
    "next to a uuid": f"ref {uuid.uuid4()} card {VISA}",
    "glued to letters": f"x{VISA}y",
}

#: Free text that is not a card number and must pass.
LOOK_ALIKES = {
    "uuid": "4dd51746-2732-4828-9787-5d8895b0ebe4",
    "uppercase uuid": "4DD51746-2732-4828-9787-5D8895B0EBE4",
    "order id": "order-2026-11-30-0001",
    "long order id": "order-2026-11-30-000000123",
    "amount": "R$ 1.234.567,89",
    "big amount": "USD 4,500,000,000.00",
    "cpf": "123.456.789-09",
    "cpf digits": "12345678909",
    "cnpj": "11.222.333/0001-81",
    # Luhn-valid and Diners-shaped (38, 14 digits), but a valid CNPJ: a CNPJ.
    "luhn-valid cnpj": "CNPJ 38.613.186/0001-27",
    "luhn-valid cnpj digits": "38875749000155",
    "brazilian mobile": "+55 11 91234-5678",
    "argentine mobile": "+54 9 11 1234-5678",
    "mexican mobile": "+52 1 55 1234 5678",
    "two colombian phones": "Tel 3001234567 / 3109876543",
    "date": "2026-11-30",
    "timestamp range": "2026-11-30 12:30:45 - 2026-12-01 08:00:00",
    "iso timestamp": "2025-04-24T18:54:54.351969Z",
    "epoch millis": "1733011200000",
    "epoch micros": "1733011200000000",
    "address": "Calle 100 # 15-20 Apto 301, Bogota",
    "twenty digits": "45079900000000020000",
    "luhn-invalid card": "4507990000000003",
    "no issuer": "9999999999999995",
    "empty": "",
}


@pytest.mark.parametrize("number", BRANDS.values(), ids=BRANDS.keys())
def test_contains_card_number_knows_every_brand(number: str) -> None:
    assert luhn_valid(number)  # the table itself is right

    assert contains_card_number(number)
    assert contains_card_number(f"card {spaced(number)} exp 11/28")


@pytest.mark.parametrize("text", BYPASSES.values(), ids=BYPASSES.keys())
def test_contains_card_number_sees_through_every_spelling(text: str) -> None:
    assert contains_card_number(text)


@pytest.mark.parametrize("text", LOOK_ALIKES.values(), ids=LOOK_ALIKES.keys())
def test_contains_card_number_passes_look_alikes(text: str) -> None:
    assert not contains_card_number(text)


def test_contains_card_number_never_flags_uuids() -> None:
    assert not any(contains_card_number(str(uuid.uuid4())) for _ in range(5_000))
    assert not any(contains_card_number(str(uuid.uuid4()).upper()) for _ in range(1_000))


@pytest.mark.parametrize(
    "value",
    [
        "+55 11 91234-5678",
        "11912345678",
        "(11) 3456-7890",
        "15123456789012",  # 14 digits: the longest a national number can be
        "123.456.789-09",
        "11.222.333/0001-81",
        "38613186000127",  # valid CNPJ, Luhn-valid, Diners-shaped
        "36000000000008",  # a 14-digit Diners card: the documented blind spot of this rule
    ],
)
@pytest.mark.parametrize("field", ["number", "documentNumber", "document_number"])
def test_number_fields_allow_phones_and_documents(field: str, value: str) -> None:
    assert not field_holds_card_number(field, value)


@pytest.mark.parametrize(
    "value",
    [
        VISA,
        spaced(VISA),
        ELO,
        "371449635398431",
        "6759000000000000005",
        in_digits(VISA, FULLWIDTH_ZERO),
    ],
)
@pytest.mark.parametrize("field", ["number", "documentNumber"])
def test_number_fields_refuse_cards_of_fifteen_digits_or_more(field: str, value: str) -> None:
    assert field_holds_card_number(field, value)


@pytest.mark.parametrize(
    "sub",
    [
        "4dd51746-2732-4828-9787-5d8895b0ebe4",
        "auth0|5f7c8ec7c33c6c004bbafe82",
        "google-oauth2|110169484474386276334",
        "001234.5f6e7d8c9b0a11223344556677889900.1234",
        "user-42",
        "shopper@example.com",
    ],
)
def test_subject_holds_card_number_passes_real_subjects(sub: str) -> None:
    assert not subject_holds_card_number(sub)


@pytest.mark.parametrize(
    "sub", [VISA, f"user:{spaced(VISA, '-')}", in_digits(ELO, DEVANAGARI_ZERO)]
)
def test_subject_holds_card_number_refuses_cards(sub: str) -> None:
    assert subject_holds_card_number(sub)


def test_card_number_problems_checks_phone_and_document_numbers() -> None:
    given = CreateCustomerInput(
        merchant_customer_id="m-1",
        phone=PhoneInput(country_code="55", number=spaced(VISA)),
        document=DocumentInput(document_type="CNPJ", document_number="38613186000127"),
        metadata=[KeyValueInput(key="note", value=in_digits(ELO, ARABIC_INDIC_ZERO))],
    )

    problems = card_number_problems(given)

    assert [p.field for p in problems] == [
        ("input", "phone", "number"),
        ("input", "metadata", "0", "value"),
    ]
    assert {p.code for p in problems} == {"CARD_NUMBER_NOT_ALLOWED"}
    assert not any("0002" in p.message or "8918" in p.message for p in problems)


CARDS_IN_LITERALS = f"""
query Lookup_{spaced(VISA, "_")}($id: ID! = "{spaced(ELO, ".")}") {{
  customer(id: "{in_digits(VISA, FULLWIDTH_ZERO)}") {{
    id
    alias{VISA}: id
  }}
  payments(first: {VISA}, filter: {{notes: ["fine", "card {spaced(ELO, "/")}"]}})
    @include(if: true) {{ id }}
  ...F
}}
fragment F on Query {{ sdkConfig(note: "x {VISA}") @skip(if: false) {{ environment }} }}
"""

CLEAN_DOCUMENT = """
mutation Create($input: CreateCustomerInput!) {
  createCustomer(input: $input) { customer { id } userErrors { code } }
  other: customer(id: "4dd51746-2732-4828-9787-5d8895b0ebe4") { id }
  customerByMerchantId(merchantCustomerId: "order-2026-11-30-0001", first: 10) { id }
}
"""


def test_literal_card_paths_finds_cards_anywhere_in_a_document() -> None:
    paths = literal_card_paths(parse(CARDS_IN_LITERALS))

    assert sorted(paths) == sorted(
        [
            "document.query",  # the operation name
            "document.query.$id",  # the variable's default value
            "document.query.customer.id",  # the argument
            "document.query.customer.id",  # the alias of field ``id``
            "document.query.payments.first",  # an Int literal
            "document.query.payments.filter.notes.1",  # inside an object, inside a list
            "document.fragment.sdkConfig.note",
        ]
    )
    assert not any(VISA in p or "5067" in p for p in paths)


def test_literal_card_paths_passes_ids_and_order_numbers() -> None:
    assert literal_card_paths(parse(CLEAN_DOCUMENT)) == ()


def test_variable_card_paths_finds_strings_numbers_and_keys() -> None:
    variables: dict[str, Any] = {
        "input": {
            "merchantCustomerId": "m-1",
            "firstName": in_digits(spaced(ELO), FULLWIDTH_ZERO),
            "phone": {"countryCode": "55", "number": "+55 11 91234-5678"},
            "document": {"documentType": "CNPJ", "documentNumber": "38.613.186/0001-27"},
            "metadata": [{"key": "k", "value": "ok"}, {"key": "k", "value": int(VISA)}],
            VISA: "a card as a key",
        },
        "amount": float(VISA),
    }

    paths = variable_card_paths(variables)

    assert paths == (
        "variables.input.firstName",
        "variables.input.metadata.1.value",
        "variables.input.*",
        "variables.amount",
    )


def test_document_card_paths_joins_document_and_variables() -> None:
    document = parse(CLEAN_DOCUMENT)

    assert document_card_paths(document, None) == ()
    assert document_card_paths(document, {"input": {"phone": {"number": ELO}}}) == (
        "variables.input.phone.number",
    )


async def test_create_customer_refuses_a_fullwidth_card_before_yuno(
    gateway: GatewayClient, sandbox: Sandbox
) -> None:
    given = {"merchantCustomerId": "m-1", "firstName": in_digits(spaced(ELO), FULLWIDTH_ZERO)}

    data = await gateway.data(CREATE_CUSTOMER, {"input": given})

    [error] = data["createCustomer"]["userErrors"]
    assert (error["code"], error["field"]) == ("CARD_NUMBER_NOT_ALLOWED", ["input", "firstName"])
    assert "8918" not in error["message"]
    assert sandbox.requests == []


async def test_create_customer_refuses_a_card_as_phone_number(
    gateway: GatewayClient, sandbox: Sandbox
) -> None:
    given = {"merchantCustomerId": "m-1", "phone": {"countryCode": "55", "number": spaced(VISA)}}

    data = await gateway.data(CREATE_CUSTOMER, {"input": given})

    [error] = data["createCustomer"]["userErrors"]
    assert (error["code"], error["field"]) == (
        "CARD_NUMBER_NOT_ALLOWED",
        ["input", "phone", "number"],
    )
    assert sandbox.requests == []


async def test_create_customer_accepts_brazilian_documents_and_phones(
    gateway: GatewayClient, sandbox: Sandbox
) -> None:
    given = {
        "merchantCustomerId": "company-38613186000127",
        "firstName": "Loja 2026-11-30",
        "document": {"documentType": "CNPJ", "documentNumber": "38.613.186/0001-27"},
        "phone": {"countryCode": "55", "number": "11 91234-5678"},
        "metadata": [{"key": "cpf", "value": "123.456.789-09"}],
    }

    data = await gateway.data(CREATE_CUSTOMER, {"input": given})

    assert data["createCustomer"]["userErrors"] == []
    assert [(r.method, r.path) for r in sandbox.requests][:1] == [("POST", "/v1/customers")]
