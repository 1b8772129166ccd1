"""Yuno's 4xx codes for bad requests, unknown resources and spent sessions."""

from datetime import timedelta

import pytest

from gateway.sandbox import DEV_ACCOUNT_ID
from tests.sandbox.api import Api, Clock, card, payment_body

SESSION = {
    "account_id": DEV_ACCOUNT_ID,
    "merchant_order_id": "order-1",
    "payment_description": "Test order",
    "country": "CO",
}


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"merchant_order_id": None}, "MISSING_PARAMETERS"),
        ({"merchant_order_id": "ab"}, "INVALID_PARAMETERS"),
        ({"account_id": "00000000-0000-4000-8000-000000000000"}, "INVALID_ACCOUNT_ID"),
        ({"country": "FR"}, "COUNTRY_NOT_SUPPORTED"),
        ({"country": "XX"}, "COUNTRY_NOT_SUPPORTED"),
        ({"country": 57}, "INVALID_PARAMETERS"),
        ({"amount": {"currency": "BRL", "value": 10}}, "CURRENCY_NOT_ALLOWED"),
        ({"amount": {"currency": "COP", "value": 0}}, "INVALID_AMOUNT"),
        ({"amount": {"currency": "COP", "value": 1.00001}}, "INVALID_AMOUNT"),
        ({"amount": {"currency": "COP", "value": "10"}}, "INVALID_PARAMETERS"),
        ({"customer_id": "unknown"}, "CUSTOMER_NOT_FOUND"),
        ({"metadata": [{"key": "k", "value": "v"}] * 121}, "INVALID_PARAMETERS"),
    ],
)
async def test_checkout_session_validation_codes(
    api: Api, change: dict[str, object], code: str
) -> None:
    body = {k: v for k, v in {**SESSION, **change}.items() if v is not None}

    reply = await api.call("POST", "/v1/checkout/sessions", body)

    assert (reply.status, reply.body["code"]) == (400, code)


async def test_missing_parameters_names_every_field(api: Api) -> None:
    reply = await api.call("POST", "/v1/checkout/sessions", {"account_id": DEV_ACCOUNT_ID})

    text = " ".join(reply.body["messages"])
    assert reply.body["code"] == "MISSING_PARAMETERS"
    assert all(f in text for f in ("merchant_order_id", "payment_description", "country"))


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({}, "MISSING_PARAMETERS"),
        ({"merchant_customer_id": ""}, "INVALID_PARAMETERS"),
        ({"merchant_customer_id": "m", "gender": "X"}, "INVALID_PARAMETERS"),
        ({"merchant_customer_id": "m", "nationality": "ZZ"}, "INVALID_PARAMETERS"),
        ({"merchant_customer_id": "m", "date_of_birth": "1990-13-01"}, "INVALID_PARAMETERS"),
        ({"merchant_customer_id": "m", "document": {"document_type": "CC"}}, "MISSING_PARAMETERS"),
        (
            {"merchant_customer_id": "m", "phone": {"country_code": "+57", "number": "1"}},
            "INVALID_PARAMETERS",
        ),
        (
            {"merchant_customer_id": "m", "billing_address": {"city": "Bogota"}},
            "MISSING_PARAMETERS",
        ),
        (
            {"merchant_customer_id": "m", "metadata": [{"key": "k" * 49, "value": "v"}]},
            "INVALID_PARAMETERS",
        ),
    ],
)
async def test_customer_validation_codes(api: Api, body: dict[str, object], code: str) -> None:
    reply = await api.call("POST", "/v1/customers", body)

    assert (reply.status, reply.body["code"]) == (400, code)


async def test_customer_duplicate_merchant_id(api: Api) -> None:
    await api.customer("dup")

    reply = await api.call("POST", "/v1/customers", {"merchant_customer_id": "dup"})

    assert (reply.status, reply.body["code"]) == (400, "CUSTOMER_ID_DUPLICATED")


async def test_customer_not_found_is_400(api: Api) -> None:
    by_id = await api.call("GET", "/v1/customers/nope")
    by_merchant = await api.call("GET", "/v1/customers?merchant_customer_id=nope")

    assert (by_id.status, by_id.body["code"]) == (400, "CUSTOMER_NOT_FOUND")
    assert (by_merchant.status, by_merchant.body["code"]) == (400, "CUSTOMER_NOT_FOUND")


async def test_malformed_json_is_invalid_request(api: Api) -> None:
    reply = await api.call("POST", "/v1/customers", raw="{not json")

    assert (reply.status, reply.body["code"]) == (400, "INVALID_REQUEST")


async def test_unknown_route_and_wrong_method(api: Api) -> None:
    unknown = await api.call("GET", "/v1/nothing-here")
    wrong = await api.call("DELETE", "/v1/payments")

    assert (unknown.status, unknown.body["code"]) == (404, "NOT_FOUND")
    assert (wrong.status, wrong.body["code"]) == (405, "UNSUPPORTED_METHOD")


async def test_unknown_payment_method_is_404(api: Api) -> None:
    reply = await api.call("GET", "/v1/payment-methods/nope")

    assert (reply.status, reply.body["code"]) == (404, "NOT_FOUND")


async def test_sdk_card_must_pass_luhn_and_expiry(api: Api) -> None:
    session = await api.checkout()
    path = f"/v1/checkout/sessions/{session}/token"

    bad_luhn = await api.call(
        "POST", path, {"payment_method": {"type": "CARD", "card": card("4507990000000003")}}
    )
    expired = await api.call(
        "POST",
        path,
        {"payment_method": {"type": "CARD", "card": {**card(), "expiration_year": 2020}}},
    )

    assert (bad_luhn.status, bad_luhn.body["code"]) == (400, "INVALID_PARAMETERS")
    assert (expired.status, expired.body["code"]) == (400, "INVALID_PARAMETERS")


async def test_checkout_session_used_once(api: Api) -> None:
    session = await api.checkout()
    first_token = await api.token(session)
    await api.call("POST", "/v1/payments", payment_body(session, {"token": first_token}), key="a")

    again = await api.call(
        "POST", "/v1/payments", payment_body(session, {"token": first_token}), key="b"
    )
    fetched = await api.call("GET", f"/v1/checkout/sessions/{session}")

    assert (again.status, again.body["code"]) == (400, "CHECKOUT_SESSION_NOT_FOUND")
    assert "already used" in again.body["messages"][0]
    assert fetched.body["used"] is True
    assert fetched.body["id"] == session


async def test_checkout_session_expires(api: Api, clock: Clock) -> None:
    session = await api.checkout()
    clock.advance(timedelta(hours=5, seconds=1))

    reply = await api.call("GET", f"/v1/checkout/sessions/{session}")

    assert (reply.status, reply.body["code"]) == (400, "CHECKOUT_SESSION_NOT_FOUND")


async def test_payment_values_must_match_session(api: Api) -> None:
    session = await api.checkout()
    token = await api.token(session)

    body = payment_body(session, {"token": token}, amount={"currency": "COP", "value": 99})
    reply = await api.call("POST", "/v1/payments", body, key="mismatch")

    assert (reply.status, reply.body["code"]) == (400, "INVALID_PARAMETERS")


async def test_payment_token_from_another_session_is_refused(api: Api) -> None:
    session, other = await api.checkout(), await api.checkout()
    token = await api.token(other)

    reply = await api.call("POST", "/v1/payments", payment_body(session, {"token": token}), key="x")

    assert (reply.status, reply.body["code"]) == (400, "INVALID_PARAMETERS")


async def test_vaulted_token_of_other_customer(api: Api) -> None:
    owner, other = await api.customer("owner"), await api.customer("other")
    method = await api.enrolled_card(owner["id"])
    session = await api.checkout(other["id"])

    body = payment_body(session, {"vaulted_token": method["vaulted_token"]})
    reply = await api.call("POST", "/v1/payments", body, key="theft")

    assert (reply.status, reply.body["code"]) == (400, "INVALID_CUSTOMER_FOR_TOKEN")


async def test_payment_customer_must_match_session(api: Api) -> None:
    owner, other = await api.customer("owner"), await api.customer("other")
    session = await api.checkout(owner["id"])
    token = await api.token(session)

    body = payment_body(session, {"token": token}, customer_payer={"id": other["id"]})
    reply = await api.call("POST", "/v1/payments", body, key="who")
    unknown = payment_body(session, {"token": token}, customer_payer={"id": "nobody"})
    missing = await api.call("POST", "/v1/payments", unknown, key="who2")

    assert (reply.status, reply.body["code"]) == (400, "INVALID_PARAMETERS")
    assert (missing.status, missing.body["code"]) == (400, "CUSTOMER_NOT_FOUND")


async def test_capture_unknown_transaction(api: Api) -> None:
    payment = (await api.pay(capture=False)).body

    reply = await api.call(
        "POST",
        f"/v1/payments/{payment['id']}/transactions/nope/capture",
        {
            "merchant_reference": "c-1",
            "reason": "PRODUCT_CONFIRMED",
            "amount": {"currency": "COP", "value": 1},
        },
        key="c",
    )

    assert (reply.status, reply.body["code"]) == (400, "TRANSACTION_NOT_FOUND")
