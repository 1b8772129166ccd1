"""Yuno's own response examples parse into the client's models, inconsistencies and all."""

import json
import os
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, TypeAdapter

from gateway.yuno import wire
from gateway.yuno.errors import (
    YunoAuthError,
    YunoNotFound,
    YunoRequestError,
    YunoRequestInProcess,
    YunoServerError,
    error_from_response,
)
from gateway.yuno.models import (
    CheckoutSession,
    Customer,
    CustomerSession,
    OneTimeToken,
    Payment,
    PaymentMethod,
)

OPENAPI_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "yuno-openapi"


def examples(spec: str, status: str) -> list[Any]:
    """Every example Yuno documents for one operation's response with this status."""
    path = OPENAPI_DIR / f"{spec}.json"
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{path} is missing: the contract cannot be checked")
        pytest.skip(f"{path} is absent (no ../shared checkout next to the project)")
    document = json.loads(path.read_text(), parse_float=Decimal)
    found = []
    for operation in document["paths"].values():
        for op in operation.values():
            if not isinstance(op, dict):
                continue
            content = op.get("responses", {}).get(status, {}).get("content", {})
            for example in content.get("application/json", {}).get("examples", {}).values():
                found.extend(_decoded(example.get("value")))
    assert found, f"no {status} examples in {spec}"
    return found


def _decoded(value: Any) -> list[Any]:
    """Some of Yuno's examples are JSON written as a string; one is empty and one is not valid
    JSON (a raw provider response with a bad escape), and those say nothing about the API."""
    if not isinstance(value, str):
        return [value]
    try:
        return [json.loads(value, parse_float=Decimal)]
    except json.JSONDecodeError:
        return []


def payment_from_example(value: Any) -> Payment:
    if isinstance(value, dict) and isinstance(value.get("payment"), dict):
        value = value["payment"]
    return Payment.model_validate(value)


PAYMENT_EXAMPLES = [
    ("payments/create-payment", "201"),
    ("payments/authorize-payment", "201"),
    ("payments/retrieve-payment-by-id", "200"),
    ("payments/retrieve-payment-by-id-v2", "200"),
    ("payments/refund-payment", "200"),
]


@pytest.mark.parametrize(("spec", "status"), PAYMENT_EXAMPLES)
def test_payment_examples_parse(spec: str, status: str) -> None:
    for value in examples(spec, status):
        payment = payment_from_example(value)
        assert payment.id
        assert isinstance(payment.amount.value, Decimal)
        assert isinstance(payment.transactions, list)


def test_payments_by_order_example_is_a_list_of_payments() -> None:
    for value in examples("payments/retrieve-payment-by-merchant-order-id", "200"):
        payments = value if isinstance(value, list) else [value]
        assert all(payment_from_example(p).id for p in payments)


@pytest.mark.parametrize(
    ("spec", "status", "model"),
    [
        ("customers/create-customer", "201", Customer),
        ("customers/retrieve-customer", "200", Customer),
        ("customers/update-customer", "200", Customer),
        ("customer-sessions-enrollment/create-customer-session", "201", CustomerSession),
        ("checkout-sessions/create-checkout-session", "200", CheckoutSession),
        ("checkout-sessions/retrieve-checkout-session", "200", CheckoutSession),
        ("checkout-sessions/create-one-time-use-token-sdk-checkout", "201", OneTimeToken),
        ("payment-methods-checkout/enroll-payment-method-checkout", "201", PaymentMethod),
        ("payment-methods-checkout/retrieve-payment-method-by-id-checkout", "200", PaymentMethod),
        ("payment-methods-direct-workflow/unenroll-payment-method-api", "200", PaymentMethod),
    ],
)
def test_resource_examples_parse(spec: str, status: str, model: type[BaseModel]) -> None:
    for value in examples(spec, status):
        assert model.model_validate(value)


@pytest.mark.parametrize(
    "spec",
    [
        "checkout-sessions/retrieve-payment-methods-for-checkout",
        "payment-methods-checkout/retrieve-payment-methods-to-enroll-checkout",
        "payment-methods-direct-workflow/retrieve-enrolled-payment-methods-api",
    ],
)
def test_method_lists_parse_bare_or_wrapped(spec: str) -> None:
    adapter = TypeAdapter(list[PaymentMethod])
    for value in examples(spec, "200"):
        items = value["payment_methods"] if isinstance(value, dict) else value
        assert adapter.validate_python(items)


def test_capture_example_embeds_the_captured_payment() -> None:
    for value in examples("payments/capture-authorization", "200"):
        assert Payment.model_validate(value["payment"]).id


def test_empty_strings_read_as_missing() -> None:
    method = PaymentMethod.model_validate({"type": "CARD", "vaulted_token": "", "icon": ""})
    assert method.vaulted_token is None
    assert method.icon is None


def test_transactions_object_or_array_become_a_list() -> None:
    base = {
        "id": "p1",
        "status": "SUCCEEDED",
        "description": "d",
        "country": "CO",
        "merchant_order_id": "o1",
        "amount": {"value": 1, "currency": "COP"},
        "created_at": "2026-11-26T22:42:16.351969Z",
    }
    one = Payment.model_validate({**base, "transactions": {"id": "t1", "response_code": "X"}})
    many = Payment.model_validate({**base, "transactions": [{"id": "t1"}, {"id": "t2"}]})
    assert [t.id for t in one.transactions] == ["t1"]
    assert one.response_code == "X"
    assert [t.id for t in many.transactions] == ["t1", "t2"]


def test_wrong_types_are_rejected() -> None:
    with pytest.raises(ValueError, match="created_at"):
        Customer.model_validate({"id": "c", "merchant_customer_id": "m", "created_at": [1]})


def test_amounts_round_trip_exactly() -> None:
    body = wire.dumps({"amount": {"value": Decimal("0.1") + Decimal("0.2")}, "n": 3})
    assert body == b'{"amount":{"value":0.3},"n":3}'
    assert wire.loads(b'{"value": 26.9}') == {"value": Decimal("26.9")}


@pytest.mark.parametrize(
    ("status", "body", "error_class", "code"),
    [
        (400, b'{"code":"CUSTOMER_NOT_FOUND"}', YunoNotFound, "CUSTOMER_NOT_FOUND"),
        (404, b'{"code":"NOT_FOUND","messages":[]}', YunoNotFound, "NOT_FOUND"),
        (400, b'{"code":"REQUEST_IN_PROCESS"}', YunoRequestInProcess, "REQUEST_IN_PROCESS"),
        (400, b'{"code":"INVALID_PARAMETERS"}', YunoRequestError, "INVALID_PARAMETERS"),
        (401, b'{"code":"INVALID_CREDENTIALS"}', YunoAuthError, "INVALID_CREDENTIALS"),
        (403, b'{"code":"AUTHORIZATION_REQUIRED"}', YunoAuthError, "AUTHORIZATION_REQUIRED"),
        (429, b"", YunoServerError, None),
        (502, b"<html>bad gateway</html>", YunoServerError, None),
    ],
)
def test_responses_map_to_one_error_class(
    status: int, body: bytes, error_class: type[Exception], code: str | None
) -> None:
    error = error_from_response(status, body, request_id="req-1")
    assert type(error) is error_class
    assert error.code == code
    assert error.status == status
    assert error.request_id == "req-1"


@pytest.mark.parametrize(
    "spec",
    [
        "customers/retrieve-customer",
        "customers/create-customer",
        "payments/create-payment",
        "checkout-sessions/retrieve-checkout-session",
    ],
)
def test_yunos_documented_error_examples_keep_their_code(spec: str) -> None:
    for status in ("400", "401", "403"):
        for value in examples(spec, status):
            error = error_from_response(int(status), json.dumps(value).encode())
            assert error.code == value["code"]
