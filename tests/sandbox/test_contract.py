"""Every emulator response in the main flows fits Yuno's published OpenAPI schema.

Validation is lenient in the ways ``tests/oas.py`` documents (``oneOf`` read as
``anyOf``, ``null`` allowed, ``integer`` accepting decimals, extra properties allowed)
because Yuno's generated schemas contradict their own examples. Two shapes have no
operation of their own and are checked against the nearest one:

- the SDK card step (``/v1/sdk/enrollments/{id}``, Yuno-internal) returns the enrolled
  payment method, checked against ``retrieve-payment-method-by-id-checkout``;
- ``GET /v1/payments/{id}`` is checked against the older bare-object page
  (``retrieve-payment-by-id``), not the v2 page that wraps it in ``{"payment": ...}``
  (yuno-api.md §10 #5).
"""

from dataclasses import dataclass, field
from typing import Any

import pytest

from gateway.sandbox import DEV_ACCOUNT_ID
from tests.oas import validate_request, validate_response
from tests.sandbox.api import (
    SDK_CREDENTIALS,
    VISA_INSUFFICIENT_FUNDS,
    Api,
    Reply,
    card,
    payment_body,
)


@dataclass
class Exchange:
    """Responses seen during the flows, by the Yuno operation that documents them."""

    seen: list[tuple[str, int, Any]] = field(default_factory=list)

    def add(self, spec: str, reply: Reply) -> Reply:
        self.seen.append((spec, reply.status, reply.body))
        return reply


async def _customers(api: Api, log: Exchange) -> dict[str, Any]:
    created = log.add(
        "customers/create-customer",
        await api.call(
            "POST",
            "/v1/customers",
            {
                "merchant_customer_id": "contract-1",
                "first_name": "Ann",
                "country": "CO",
                "document": {"document_type": "CC", "document_number": "1010268952"},
                "phone": {"country_code": "57", "number": "3132450765"},
                "billing_address": {
                    "address_line_1": "Calle 34",
                    "city": "Bogota",
                    "country": "CO",
                },
                "metadata": [{"key": "tier", "value": "gold"}],
            },
        ),
    ).body
    log.add("customers/retrieve-customer", await api.call("GET", f"/v1/customers/{created['id']}"))
    log.add(
        "customers/retrieve-customer-by-external-id",
        await api.call("GET", "/v1/customers?merchant_customer_id=contract-1"),
    )
    log.add(
        "customers/update-customer",
        await api.call("PATCH", f"/v1/customers/{created['id']}", {"last_name": "Doe"}),
    )
    log.add("customers/create-customer", await api.call("POST", "/v1/customers", {}))
    log.add("customers/retrieve-customer", await api.call("GET", "/v1/customers/nope"))
    result: dict[str, Any] = created
    return result


async def _enrollment(api: Api, log: Exchange, customer_id: str) -> dict[str, Any]:
    session = log.add(
        "customer-sessions-enrollment/create-customer-session",
        await api.call(
            "POST",
            "/v1/customers/sessions",
            {"account_id": DEV_ACCOUNT_ID, "customer_id": customer_id, "country": "CO"},
        ),
    ).body["customer_session"]
    log.add(
        "payment-methods-checkout/retrieve-payment-methods-to-enroll-checkout",
        await api.call("GET", f"/v1/checkout/customers/sessions/{session}/payment-methods"),
    )
    enrollment = log.add(
        "payment-methods-checkout/enroll-payment-method-checkout",
        await api.call(
            "POST",
            f"/v1/customers/sessions/{session}/payment-methods",
            {"account_id": DEV_ACCOUNT_ID, "payment_method_type": "CARD", "country": "CO"},
            key="e1",
        ),
    ).body
    enrolled = log.add(
        "payment-methods-checkout/retrieve-payment-method-by-id-checkout",
        await api.call(
            "POST",
            f"/v1/sdk/enrollments/{enrollment['id']}",
            {"card": card()},
            headers=SDK_CREDENTIALS,
        ),
    ).body
    log.add(
        "payment-methods-checkout/retrieve-payment-method-by-id-checkout",
        await api.call("GET", f"/v1/payment-methods/{enrollment['id']}"),
    )
    log.add(
        "payment-methods-direct-workflow/retrieve-enrolled-payment-methods-api",
        await api.call("GET", f"/v1/customers/{customer_id}/payment-methods"),
    )
    result: dict[str, Any] = enrolled
    return result


async def _checkout(api: Api, log: Exchange, customer_id: str, vaulted: str) -> None:
    session = (
        log.add(
            "checkout-sessions/create-checkout-session",
            await api.call(
                "POST",
                "/v1/checkout/sessions",
                {
                    "account_id": DEV_ACCOUNT_ID,
                    "merchant_order_id": "contract-order",
                    "payment_description": "Contract",
                    "country": "CO",
                    "customer_id": customer_id,
                    "amount": {"currency": "COP", "value": 26.9},
                },
            ),
        )
    ).body["checkout_session"]
    log.add(
        "checkout-sessions/create-checkout-session",
        await api.call("POST", "/v1/checkout/sessions", {"account_id": DEV_ACCOUNT_ID}),
    )
    log.add(
        "checkout-sessions/retrieve-checkout-session",
        await api.call("GET", f"/v1/checkout/sessions/{session}"),
    )
    log.add(
        "checkout-sessions/retrieve-payment-methods-for-checkout",
        await api.call("GET", f"/v1/checkout/sessions/{session}/payment-methods"),
    )
    log.add(
        "checkout-sessions/create-one-time-use-token-sdk-checkout",
        await api.call(
            "POST",
            f"/v1/checkout/sessions/{session}/token",
            {"payment_method": {"type": "CARD", "card": card()}},
            headers=SDK_CREDENTIALS,
        ),
    )
    await _pay_vaulted(api, log, session, customer_id, vaulted)


async def _pay_vaulted(
    api: Api, log: Exchange, session: str, customer_id: str, vaulted: str
) -> None:
    paid = log.add(
        "payments/create-payment",
        await api.call(
            "POST",
            "/v1/payments",
            payment_body(session, {"vaulted_token": vaulted}, customer_payer={"id": customer_id}),
            key="p-vaulted",
        ),
    ).body
    log.add("payments/retrieve-payment-by-id", await api.call("GET", f"/v1/payments/{paid['id']}"))
    log.add(
        "payments/retrieve-payment-by-merchant-order-id",
        await api.call("GET", "/v1/payments?merchant_order_id=contract-order"),
    )
    log.add("payments/retrieve-payment-by-id", await api.call("GET", "/v1/payments/nope"))


async def _payments(api: Api, log: Exchange, customer_id: str, vaulted: str) -> None:
    log.add("payments/create-payment", await api.pay(VISA_INSUFFICIENT_FUNDS, key="declined"))
    paid = log.add("payments/create-payment", await api.pay(key="paid")).body
    refund = f"/v1/payments/{paid['id']}/transactions/{paid['transactions']['id']}/refund"
    reference = {"merchant_reference": "ref-1"}
    amount = {**reference, "amount": {"currency": "COP", "value": 6.9}}
    log.add("payments/refund-payment", await api.call("POST", refund, amount, key="r1"))
    log.add("payments/refund-payment", await api.call("POST", refund, reference, key="r2"))
    capture = {**amount, "reason": "PRODUCT_CONFIRMED"}
    for key, operation, body in (
        ("a1", "capture-authorization", capture),
        ("a2", "cancel-payment", reference),
    ):
        auth = log.add("payments/authorize-payment", await api.pay(capture=False, key=key)).body
        path = f"/v1/payments/{auth['id']}/transactions/{auth['transactions']['id']}"
        verb = "capture" if key == "a1" else "cancel"
        log.add(f"payments/{operation}", await api.call("POST", f"{path}/{verb}", body, key=key))
        log.add(
            f"payments/{operation}", await api.call("POST", f"{path}/{verb}", {}, key=key + "x")
        )
    log.add(
        "payment-methods-direct-workflow/unenroll-payment-method-api",
        await api.call(
            "POST", f"/v1/customers/{customer_id}/payment-methods/{vaulted}/unenroll", key="u1"
        ),
    )


@pytest.fixture
async def exchange(api: Api) -> Exchange:
    log = Exchange()
    customer = await _customers(api, log)
    enrolled = await _enrollment(api, log, customer["id"])
    await _checkout(api, log, customer["id"], enrolled["vaulted_token"])
    await _payments(api, log, customer["id"], enrolled["vaulted_token"])
    return log


async def test_contract_every_response_fits_yuno_schema(exchange: Exchange) -> None:
    failures = []
    for spec, status, body in exchange.seen:
        try:
            validate_response(spec, status, body)
        except AssertionError as error:
            failures.append(str(error))

    assert not failures, "\n".join(failures)
    assert len(exchange.seen) >= 30


async def test_contract_flows_cover_success_and_error_statuses(exchange: Exchange) -> None:
    statuses = {status for _, status, _ in exchange.seen}

    assert {200, 201, 400} <= statuses


def test_contract_example_requests_fit_yuno_schema() -> None:
    validate_request(
        "checkout-sessions/create-checkout-session",
        {
            "account_id": DEV_ACCOUNT_ID,
            "merchant_order_id": "o-1",
            "payment_description": "d",
            "country": "CO",
            "amount": {"currency": "COP", "value": 26.9},
        },
    )
    validate_request(
        "checkout-sessions/create-one-time-use-token-sdk-checkout",
        {"payment_method": {"type": "CARD", "card": card()}},
    )


def test_contract_validator_rejects_wrong_shape() -> None:
    with pytest.raises(AssertionError, match="retrieve-payment-methods-for-checkout"):
        validate_response(
            "checkout-sessions/retrieve-payment-methods-for-checkout", 200, {"payment_methods": []}
        )
