"""Bad input gets a clear, specific error and never reaches Yuno."""

from typing import Any

import pytest

from gateway.sandbox import Sandbox
from tests.conftest import GatewayClient
from tests.documents import (
    CAPTURE_PAYMENT,
    CREATE_CHECKOUT_SESSION,
    CREATE_CUSTOMER,
    REFUND_PAYMENT,
)
from tests.storefront import create_customer

UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"


def yuno_writes(sandbox: Sandbox) -> list[str]:
    return [f"{r.method} {r.path}" for r in sandbox.requests if r.method != "GET"]


def session_input(customer_id: str, **changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "customerId": customer_id,
        "merchantOrderId": "order-0001",
        "paymentDescription": "Two coffees",
        "country": "CO",
        "amount": {"value": "10.00", "currency": "COP"},
    }
    return {**base, **changes}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"country": "XX"}, "CountryCode must be an ISO 3166-1 alpha-2 code"),
        ({"country": "co"}, "CountryCode must be an ISO 3166-1 alpha-2 code"),
        ({"amount": {"value": "10", "currency": "usd1"}}, "CurrencyCode must be an ISO 4217"),
        ({"amount": {"value": "1e400", "currency": "COP"}}, "at most 4 decimal places"),
        ({"amount": {"value": "0.123456", "currency": "COP"}}, "at most 4 decimal places"),
        ({"amount": {"value": 10.5, "currency": "COP"}}, "Decimal is written as a string"),
        ({"unknownField": 1}, "unknownField"),
        ({"merchantOrderId": None}, "merchantOrderId"),
    ],
)
async def test_bad_values_are_refused_before_yuno(
    gateway: GatewayClient, sandbox: Sandbox, changes: dict[str, Any], message: str
) -> None:
    customer_id = await create_customer(gateway)
    writes = yuno_writes(sandbox)

    result = await gateway.execute(
        CREATE_CHECKOUT_SESSION, {"input": session_input(customer_id, **changes)}
    )

    [error] = result["errors"]
    assert message in error["message"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert yuno_writes(sandbox) == writes


async def test_negative_amount_is_a_user_error(gateway: GatewayClient, sandbox: Sandbox) -> None:
    customer_id = await create_customer(gateway)
    writes = yuno_writes(sandbox)
    data = await gateway.data(
        CREATE_CHECKOUT_SESSION,
        {"input": session_input(customer_id, amount={"value": "-5", "currency": "COP"})},
    )
    assert data["createCheckoutSession"]["userErrors"] == [
        {
            "field": ["input", "amount", "value"],
            "message": "The amount must be greater than zero.",
            "code": "INVALID_AMOUNT",
        }
    ]
    assert yuno_writes(sandbox) == writes


async def test_too_short_order_id_is_a_user_error(gateway: GatewayClient, sandbox: Sandbox) -> None:
    customer_id = await create_customer(gateway)
    writes = yuno_writes(sandbox)
    data = await gateway.data(
        CREATE_CHECKOUT_SESSION, {"input": session_input(customer_id, merchantOrderId="ab")}
    )
    [error] = data["createCheckoutSession"]["userErrors"]
    assert (error["code"], error["field"]) == ("INVALID_LENGTH", ["input", "merchantOrderId"])
    assert yuno_writes(sandbox) == writes


async def test_yunos_refusal_keeps_its_code_and_points_at_the_field(
    gateway: GatewayClient,
) -> None:
    customer_id = await create_customer(gateway)
    data = await gateway.data(
        CREATE_CHECKOUT_SESSION,
        {"input": session_input(customer_id, amount={"value": "10", "currency": "BRL"})},
    )
    [error] = data["createCheckoutSession"]["userErrors"]
    assert error["code"] == "CURRENCY_NOT_ALLOWED"
    assert error["field"] == ["input", "amount", "currency"]


async def test_unknown_customer_is_a_user_error(gateway: GatewayClient) -> None:
    data = await gateway.data(CREATE_CHECKOUT_SESSION, {"input": session_input(UNKNOWN_ID)})
    [error] = data["createCheckoutSession"]["userErrors"]
    assert (error["code"], error["field"]) == ("CUSTOMER_NOT_FOUND", ["input", "customerId"])


async def test_missing_required_input_is_a_validation_error(
    gateway: GatewayClient, sandbox: Sandbox
) -> None:
    result = await gateway.execute("mutation { createCheckoutSession { userErrors { code } } }")
    assert result["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert sandbox.requests == []


@pytest.mark.parametrize("document", [CAPTURE_PAYMENT, REFUND_PAYMENT])
async def test_unknown_payment_is_a_user_error(
    gateway: GatewayClient, sandbox: Sandbox, document: str
) -> None:
    data = await gateway.data(document, {"input": {"paymentId": UNKNOWN_ID}})
    [payload] = data.values()
    assert payload["userErrors"] == [{"field": ["input", "paymentId"], "code": "PAYMENT_NOT_FOUND"}]
    assert yuno_writes(sandbox) == []


async def test_payment_needs_exactly_one_payment_method(
    gateway: GatewayClient, sandbox: Sandbox
) -> None:
    data = await gateway.data(
        "mutation($input: CreatePaymentInput!) "
        "{ createPayment(input: $input) { payment { id } userErrors { field code } } }",
        {"input": {"checkoutSessionId": UNKNOWN_ID, "paymentMethod": {}}},
    )
    assert data["createPayment"]["userErrors"] == [
        {"field": ["input", "paymentMethod"], "code": "INVALID_PAYMENT_METHOD"}
    ]
    assert sandbox.requests == []


async def test_session_payment_refuses_a_client_amount(
    gateway: GatewayClient, sandbox: Sandbox
) -> None:
    data = await gateway.data(
        "mutation($input: CreatePaymentInput!) "
        "{ createPayment(input: $input) { payment { id } userErrors { field code } } }",
        {
            "input": {
                "checkoutSessionId": UNKNOWN_ID,
                "paymentMethod": {"token": "t"},
                "amount": {"value": "0.01", "currency": "COP"},
            }
        },
    )
    assert data["createPayment"]["userErrors"] == [
        {"field": ["input", "amount"], "code": "FIELD_SET_BY_SESSION"}
    ]
    assert sandbox.requests == []


@pytest.mark.parametrize(
    ("changes", "code", "field"),
    [
        ({"firstName": "   "}, "INVALID_LENGTH", ["input", "firstName"]),
        ({"email": "no-at-sign"}, "INVALID_EMAIL", ["input", "email"]),
        (
            {"phone": {"countryCode": "+57", "number": "3001234567"}},
            "INVALID_PHONE",
            ["input", "phone", "countryCode"],
        ),
        (
            {"document": {"documentType": "CC", "documentNumber": "12"}},
            "INVALID_LENGTH",
            ["input", "document", "documentNumber"],
        ),
        (
            {"billingAddress": {"addressLine1": "ab", "city": "Bogota", "country": "CO"}},
            "INVALID_LENGTH",
            ["input", "billingAddress", "addressLine1"],
        ),
        (
            {"metadata": [{"key": "tier", "value": "gold"}, {"key": "k" * 49, "value": "v"}]},
            "INVALID_LENGTH",
            ["input", "metadata", "1", "key"],
        ),
        (
            {"metadata": [{"key": f"k{i}", "value": "v"} for i in range(51)]},
            "TOO_MANY_ITEMS",
            ["input", "metadata"],
        ),
    ],
)
async def test_yunos_limits_on_customer_fields_are_user_errors_on_the_right_field(
    gateway: GatewayClient,
    sandbox: Sandbox,
    changes: dict[str, Any],
    code: str,
    field: list[str],
) -> None:
    """The limits live on the Yuno request models; their refusals point at the input."""
    data = await gateway.data(
        CREATE_CUSTOMER, {"input": {"merchantCustomerId": "limits-shopper", **changes}}
    )
    [error] = data["createCustomer"]["userErrors"]
    assert (error["code"], error["field"]) == (code, field)
    assert yuno_writes(sandbox) == []


async def test_a_refund_reason_too_short_is_refused_before_yuno(
    gateway: GatewayClient, sandbox: Sandbox
) -> None:
    data = await gateway.data(
        "mutation($input: RefundPaymentInput!) "
        "{ refundPayment(input: $input) { userErrors { field code } } }",
        {
            "input": {
                "paymentId": UNKNOWN_ID,
                "reason": "no",
                "amount": {"value": "0", "currency": "COP"},
            }
        },
    )
    assert data["refundPayment"]["userErrors"] == [
        {"field": ["input", "amount", "value"], "code": "INVALID_AMOUNT"},
        {"field": ["input", "reason"], "code": "INVALID_LENGTH"},
    ]
    assert sandbox.requests == []
