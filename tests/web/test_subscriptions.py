"""Payment updates: Yuno's signed webhooks reach ``paymentUpdated`` subscribers over
graphql-transport-ws; a forged webhook changes nothing."""

import json
from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from pydantic import SecretStr

from gateway.app import RUNTIME
from gateway.sandbox import Sandbox
from gateway.settings import Settings
from gateway.web.view import MAX_OPERATIONS_PER_SOCKET
from gateway.yuno.client import YunoClient
from gateway.yuno.webhooks import signature
from tests.conftest import SERVICE_KEY, GatewayClient
from tests.documents import CAPTURE_PAYMENT
from tests.live import live_socket, next_data, subscribe
from tests.services import eventually
from tests.storefront import create_checkout_session, create_customer, pay_session

WEBHOOK_SECRET = "test-webhook-secret"
PAYMENT_UPDATED = "subscription($id: ID!) { paymentUpdated(id: $id) { id status subStatus } }"


@pytest.fixture
def gateway_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"yuno_webhook_secret": SecretStr(WEBHOOK_SECRET)})


@pytest.fixture
def webhooks_to_gateway(sandbox: Sandbox, gateway_server: TestServer) -> Sandbox:
    sandbox.configure_webhook(str(gateway_server.make_url("/webhooks/yuno")), WEBHOOK_SECRET)
    return sandbox


@pytest.fixture
async def ws(gateway_server: TestServer) -> AsyncIterator[aiohttp.ClientWebSocketResponse]:
    async with live_socket(gateway_server.make_url("/graphql"), f"Bearer {SERVICE_KEY}") as socket:
        yield socket


async def authorized_payment(gateway: GatewayClient, yuno: YunoClient) -> str:
    customer_id = await create_customer(gateway)
    session_id = await create_checkout_session(gateway, customer_id)
    paid = await pay_session(gateway, yuno, session_id, capture=False)
    payment_id: str = paid["payment"]["id"]
    return payment_id


def forged_capture(payment_id: str) -> bytes:
    return json.dumps(
        {
            "type": "payment",
            "type_event": "payment.capture",
            "data": {"payment": {"id": payment_id, "status": "SUCCEEDED"}},
        }
    ).encode()


async def test_subscriber_sees_the_current_state_then_the_capture(
    gateway: GatewayClient,
    yuno: YunoClient,
    webhooks_to_gateway: Sandbox,
    ws: aiohttp.ClientWebSocketResponse,
) -> None:
    payment_id = await authorized_payment(gateway, yuno)
    await subscribe(ws, PAYMENT_UPDATED, {"id": payment_id})
    assert (await next_data(ws))["paymentUpdated"]["status"] == "PENDING"

    await gateway.data(CAPTURE_PAYMENT, {"input": {"paymentId": payment_id}})
    await webhooks_to_gateway.webhooks.drain()

    assert (await next_data(ws))["paymentUpdated"] == {
        "id": payment_id,
        "status": "SUCCEEDED",
        "subStatus": "CAPTURED",
    }


async def test_forged_or_unsigned_webhooks_are_refused(
    gateway_server: TestServer, gateway: GatewayClient, yuno: YunoClient
) -> None:
    body = forged_capture(await authorized_payment(gateway, yuno))
    url = gateway_server.make_url("/webhooks/yuno")
    async with aiohttp.ClientSession() as http:
        forged = signature("not-the-secret", body)
        async with http.post(url, data=body, headers={"x-hmac-signature": forged}) as response:
            assert response.status == 401
        async with http.post(url, data=body) as response:
            assert response.status == 401
        odd = {"x-hmac-signature": "é-not-base64"}
        async with http.post(url, data=body, headers=odd) as response:
            assert response.status == 401
        good = signature(WEBHOOK_SECRET, b"not json")
        async with http.post(url, data=b"not json", headers={"x-hmac-signature": good}) as response:
            assert response.status == 400


async def test_a_forged_webhook_reaches_no_subscriber(
    gateway_server: TestServer,
    gateway: GatewayClient,
    yuno: YunoClient,
    ws: aiohttp.ClientWebSocketResponse,
) -> None:
    payment_id = await authorized_payment(gateway, yuno)
    await subscribe(ws, PAYMENT_UPDATED, {"id": payment_id})
    assert (await next_data(ws))["paymentUpdated"]["status"] == "PENDING"
    body = forged_capture(payment_id)
    async with aiohttp.ClientSession() as http:
        headers = {"x-hmac-signature": signature("wrong", body)}
        async with http.post(gateway_server.make_url("/webhooks/yuno"), data=body, headers=headers):
            pass
    await ws.send_json({"id": "1", "type": "complete"})
    with pytest.raises(TimeoutError):
        await ws.receive_json(timeout=0.3)


async def test_a_subscription_over_plain_http_is_refused_clearly(gateway: GatewayClient) -> None:
    result = await gateway.execute(PAYMENT_UPDATED, {"id": "any"})
    assert result["errors"][0]["extensions"]["code"] == "SUBSCRIPTION_NEEDS_WEBSOCKET"


async def test_a_socket_past_its_operation_limit_is_refused_with_a_code(
    gateway: GatewayClient, yuno: YunoClient, ws: aiohttp.ClientWebSocketResponse
) -> None:
    payment_id = await authorized_payment(gateway, yuno)
    for n in range(MAX_OPERATIONS_PER_SOCKET):
        await subscribe(ws, PAYMENT_UPDATED, {"id": payment_id}, id=str(n))
        await next_data(ws)
    await subscribe(ws, PAYMENT_UPDATED, {"id": payment_id}, id="one-too-many")
    refusal = await ws.receive_json(timeout=10)
    assert refusal["type"] == "error"
    assert refusal["id"] == "one-too-many"
    (error,) = refusal["payload"]
    assert error["extensions"]["code"] == "TOO_MANY_OPERATIONS"
    assert error["extensions"]["requestId"]


async def test_a_socket_s_invalid_subscription_is_refused_with_a_code(
    ws: aiohttp.ClientWebSocketResponse,
) -> None:
    await subscribe(ws, "subscription { paymentUpdated(id: 1) { nope } }", {})
    refusal = await ws.receive_json(timeout=10)
    assert refusal["type"] == "error"
    assert {e["extensions"]["code"] for e in refusal["payload"]} == {"GRAPHQL_VALIDATION_FAILED"}


async def test_clients_that_leave_leave_nothing_behind(
    gateway: GatewayClient, yuno: YunoClient, gateway_server: TestServer
) -> None:
    payment_id = await authorized_payment(gateway, yuno)
    bus = gateway_server.app[RUNTIME].bus
    url = gateway_server.make_url("/graphql")
    for _ in range(20):
        async with live_socket(url, f"Bearer {SERVICE_KEY}") as socket:
            await subscribe(socket, PAYMENT_UPDATED, {"id": payment_id})
            await next_data(socket)
            assert bus.subscriber_count() == 1
    await eventually(lambda: bus.subscriber_count() == 0)
