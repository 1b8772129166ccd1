"""Yuno's worst days, through the GraphQL API: slow, failing, flapping, answering too late.
Reads retry or fail fast; money moves exactly once whatever the client retries."""

import asyncio
from typing import Any

import pytest
from aiohttp.test_utils import TestServer

from gateway.app import RUNTIME
from gateway.sandbox import FaultRule, Sandbox
from gateway.settings import Settings
from gateway.yuno.client import YunoClient
from tests.conftest import GatewayClient
from tests.documents import CAPTURE_PAYMENT, CREATE_PAYMENT, PAYMENTS_BY_ORDER, REFUND_PAYMENT
from tests.identity import bearer, customer_token
from tests.shopper import VISA_SUCCEEDED
from tests.storefront import create_checkout_session, create_customer, pay_session

CUSTOMER = "query($id: ID!) { customer(id: $id) { id email } }"


@pytest.fixture
def gateway_settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "yuno_timeout": 0.4,
            "yuno_retry_attempts": 3,
            "yuno_breaker_threshold": 4,
            "yuno_breaker_reset": 0.3,
            "cache_ttl_customer": 0.0,
        }
    )


def calls(sandbox: Sandbox, prefix: str) -> int:
    return sum(1 for r in sandbox.requests if r.path.startswith(prefix))


@pytest.mark.parametrize("kind", ["error_500", "error_503", "drop", "timeout"])
async def test_reads_retry_through_transient_faults(
    gateway: GatewayClient, sandbox: Sandbox, kind: str
) -> None:
    customer_id = await create_customer(gateway)
    sandbox.clear_requests()
    sandbox.add_fault(FaultRule(kind=kind, count=2, hold_seconds=1.0))  # type: ignore[arg-type]

    data = await gateway.data(CUSTOMER, {"id": customer_id})

    assert data["customer"]["id"] == customer_id
    assert calls(sandbox, "/v1/customers/") == 3


async def test_latency_beyond_the_timeout_fails_in_bounded_time(
    gateway: GatewayClient, sandbox: Sandbox
) -> None:
    customer_id = await create_customer(gateway)
    sandbox.clear_requests()
    sandbox.set_latency(1000)

    result = await asyncio.wait_for(gateway.execute(CUSTOMER, {"id": customer_id}), timeout=10)

    assert result["data"] == {"customer": None}
    assert result["errors"][0]["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"
    assert calls(sandbox, "/v1/customers/") == 3


class FrozenClock:
    """The breaker's clock, moved only by the test (STYLE: mock the clock, nothing else)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_sustained_outage_opens_the_breaker_then_recovery_closes_it(
    gateway: GatewayClient, gateway_server: TestServer, sandbox: Sandbox
) -> None:
    clock = FrozenClock()
    gateway_server.app[RUNTIME].upstream.client.transport.breaker.clock = clock
    customer_id = await create_customer(gateway)
    sandbox.clear_requests()
    sandbox.add_fault(FaultRule(kind="error_503"))

    for _ in range(2):  # 2 requests x 3 attempts: the breaker opens at the 4th failure
        await gateway.execute(CUSTOMER, {"id": customer_id})
    seen_by_yuno = calls(sandbox, "/v1/customers/")
    results = [await gateway.execute(CUSTOMER, {"id": customer_id}) for _ in range(20)]

    assert seen_by_yuno == 4
    assert calls(sandbox, "/v1/customers/") == seen_by_yuno  # no flood while open
    assert {r["errors"][0]["extensions"]["code"] for r in results} == {"UPSTREAM_UNAVAILABLE"}

    sandbox.clear_faults()
    clock.now += 0.35  # past the breaker's reset period
    data = await gateway.data(CUSTOMER, {"id": customer_id})
    assert data["customer"]["id"] == customer_id


async def test_flapping_yuno_is_ridden_out(gateway: GatewayClient, sandbox: Sandbox) -> None:
    customer_id = await create_customer(gateway)
    sandbox.faults.seed(7)
    sandbox.add_fault(FaultRule(kind="error_500", ratio=0.3))
    results = [await gateway.execute(CUSTOMER, {"id": customer_id}) for _ in range(10)]
    assert all("errors" not in r for r in results)


def pay_input(session_id: str, token: str, key: str, **extra: Any) -> dict[str, Any]:
    return {
        "input": {
            "checkoutSessionId": session_id,
            "paymentMethod": {"token": token},
            "idempotencyKey": key,
            **extra,
        }
    }


async def payments_of(gateway: GatewayClient, order: str) -> list[Any]:
    data = await gateway.data(PAYMENTS_BY_ORDER, {"order": order})
    found: list[Any] = data["paymentsByMerchantOrderId"]
    return found


async def test_same_create_payment_twice_creates_one_payment(
    gateway: GatewayClient, yuno: YunoClient
) -> None:
    session_id = await create_checkout_session(gateway, await create_customer(gateway))
    token = (await yuno.create_one_time_token(session_id, VISA_SUCCEEDED)).token

    first = await gateway.data(CREATE_PAYMENT, pay_input(session_id, token, "order-1-try"))
    again = await gateway.data(CREATE_PAYMENT, pay_input(session_id, token, "order-1-try"))

    assert first["createPayment"]["payment"]["id"] == again["createPayment"]["payment"]["id"]
    assert len(await payments_of(gateway, "order-0001")) == 1


async def test_concurrent_double_submit_creates_one_payment(
    gateway: GatewayClient, yuno: YunoClient, sandbox: Sandbox
) -> None:
    session_id = await create_checkout_session(gateway, await create_customer(gateway))
    token = (await yuno.create_one_time_token(session_id, VISA_SUCCEEDED)).token
    sandbox.set_latency(100)

    answers = await asyncio.gather(
        *(
            gateway.data(CREATE_PAYMENT, pay_input(session_id, token, "double-tap"))
            for _ in range(2)
        )
    )

    sandbox.set_latency(0)
    ids = {a["createPayment"]["payment"]["id"] for a in answers}
    assert len(ids) == 1
    assert len(await payments_of(gateway, "order-0001")) == 1


async def test_answer_lost_after_yuno_charged_returns_that_payment(
    gateway: GatewayClient, yuno: YunoClient, sandbox: Sandbox
) -> None:
    session_id = await create_checkout_session(gateway, await create_customer(gateway))
    token = (await yuno.create_one_time_token(session_id, VISA_SUCCEEDED)).token
    rule = FaultRule(
        kind="timeout_after_processing",
        count=1,
        path_prefix="/v1/payments",
        method="POST",
        hold_seconds=1.0,
    )
    sandbox.add_fault(rule)

    data = await gateway.data(CREATE_PAYMENT, pay_input(session_id, token, "lost-answer"))

    payment = data["createPayment"]["payment"]
    assert payment["status"] == "SUCCEEDED"
    assert [p["id"] for p in await payments_of(gateway, "order-0001")] == [payment["id"]]
    keys = [
        r.idempotency_key
        for r in sandbox.requests
        if r.path == "/v1/payments" and r.method == "POST"
    ]
    assert len(keys) == 2
    assert keys[0] == keys[1]  # the retry reused the key Yuno saw
    assert keys[0] != "lost-answer"  # ... which is the client's key scoped, not the raw one


async def test_unknown_outcome_is_said_plainly_and_a_retry_finds_the_payment(
    gateway: GatewayClient, yuno: YunoClient, sandbox: Sandbox
) -> None:
    session_id = await create_checkout_session(gateway, await create_customer(gateway))
    token = (await yuno.create_one_time_token(session_id, VISA_SUCCEEDED)).token
    sandbox.add_fault(
        FaultRule(
            kind="timeout_after_processing",
            count=1,
            path_prefix="/v1/payments",
            method="POST",
            hold_seconds=1.0,
        )
    )
    sandbox.add_fault(FaultRule(kind="error_503", path_prefix="/v1/payments", method="POST"))
    sandbox.add_fault(FaultRule(kind="error_503", path_prefix="/v1/payments", method="GET"))

    unknown = await gateway.data(CREATE_PAYMENT, pay_input(session_id, token, "in-doubt"))
    [error] = unknown["createPayment"]["userErrors"]
    assert error["code"] == "PAYMENT_OUTCOME_UNKNOWN"
    assert "in-doubt" in error["message"]

    sandbox.clear_faults()
    await asyncio.sleep(0.35)  # let the breaker half-open after the outage
    retried = await gateway.data(CREATE_PAYMENT, pay_input(session_id, token, "in-doubt"))
    payment = retried["createPayment"]["payment"]
    assert payment["status"] == "SUCCEEDED"
    assert [p["id"] for p in await payments_of(gateway, "order-0001")] == [payment["id"]]


async def test_capture_and_refund_retried_with_their_key_move_money_once(
    gateway: GatewayClient, yuno: YunoClient, sandbox: Sandbox
) -> None:
    session_id = await create_checkout_session(
        gateway, await create_customer(gateway), amount="100"
    )
    payment_id = (await pay_session(gateway, yuno, session_id, capture=False))["payment"]["id"]

    capture = {"input": {"paymentId": payment_id, "idempotencyKey": "capture-1"}}
    first = await gateway.data(CAPTURE_PAYMENT, capture)
    again = await gateway.data(CAPTURE_PAYMENT, capture)
    assert first == again
    assert first["capturePayment"]["payment"]["status"] == "SUCCEEDED"

    refund = {
        "input": {
            "paymentId": payment_id,
            "amount": {"value": "30", "currency": "COP"},
            "idempotencyKey": "refund-1",
        }
    }
    await gateway.data(REFUND_PAYMENT, refund)
    await gateway.data(REFUND_PAYMENT, refund)
    data = await gateway.data(
        "query($id: ID!) { payment(id: $id) { refunded { value } } }", {"id": payment_id}
    )
    assert data["payment"]["refunded"]["value"] == "30"
    writes = [
        r.path.rsplit("/", 1)[-1]
        for r in sandbox.requests
        if r.method == "POST" and "/transactions/" in r.path
    ]
    assert writes == ["capture", "capture", "refund", "refund"]  # sent twice, applied once


async def test_one_key_from_two_shoppers_never_crosses(
    gateway: GatewayClient, yuno: YunoClient
) -> None:
    """Keys are scoped to the caller and the session: shopper B reusing shopper A's key
    (or one app reusing a key across carts) pays its own session, never gets A's payment."""
    paid = []
    for name, amount in (("shopper-a", "10.00"), ("shopper-b", "99.00")):
        session_id = await create_checkout_session(
            gateway, await create_customer(gateway, name), amount=amount
        )
        token = (await yuno.create_one_time_token(session_id, VISA_SUCCEEDED)).token
        shopper = gateway.as_(bearer(customer_token(name)))
        data = await shopper.data(CREATE_PAYMENT, pay_input(session_id, token, "checkout-1"))
        paid.append(data["createPayment"]["payment"])
    assert paid[0]["id"] != paid[1]["id"]
    assert [p["amount"]["value"] for p in paid] == ["10.00", "99.00"]


async def test_an_unkeyed_refund_whose_answer_is_lost_names_the_key_to_retry_with(
    gateway: GatewayClient, yuno: YunoClient, sandbox: Sandbox
) -> None:
    session_id = await create_checkout_session(
        gateway, await create_customer(gateway), amount="100"
    )
    payment_id = (await pay_session(gateway, yuno, session_id))["payment"]["id"]
    sandbox.add_fault(
        FaultRule(
            kind="timeout_after_processing",
            path_prefix=f"/v1/payments/{payment_id}/transactions",
            hold_seconds=1.0,
        )
    )
    refund = {"paymentId": payment_id, "amount": {"value": "10", "currency": "COP"}}

    first = await gateway.data(
        "mutation($input: RefundPaymentInput!) "
        "{ refundPayment(input: $input) { userErrors { code message } } }",
        {"input": refund},
    )
    [error] = first["refundPayment"]["userErrors"]
    assert error["code"] == "PAYMENT_OUTCOME_UNKNOWN"
    key = error["message"].split("idempotencyKey '")[1].split("'")[0]

    sandbox.clear_faults()
    await gateway.data(REFUND_PAYMENT, {"input": {**refund, "idempotencyKey": key}})
    data = await gateway.data(
        "query($id: ID!) { payment(id: $id) { refunded { value } } }", {"id": payment_id}
    )
    assert data["payment"]["refunded"]["value"] == "10"  # refunded once, not twice
