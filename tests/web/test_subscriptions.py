"""Payment updates: Yuno's signed webhooks reach ``paymentUpdated`` subscribers over
graphql-transport-ws; a forged webhook changes nothing."""

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from pydantic import SecretStr

from gateway.app import RUNTIME
from gateway.sandbox import Sandbox
from gateway.settings import Settings
from gateway.yuno.client import YunoClient
from gateway.yuno.webhooks import signature
from tests.conftest import SERVICE_KEY, GatewayClient
from tests.documents import CAPTURE_PAYMENT
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
    async with (
        aiohttp.ClientSession() as http,
        http.ws_connect(
            gateway_server.make_url("/graphql"), protocols=["graphql-transport-ws"]
        ) as socket,
    ):
        await socket.send_json(
            {"type": "connection_init", "payload": {"Authorization": f"Bearer {SERVICE_KEY}"}}
        )
        assert (await socket.receive_json(timeout=5))["type"] == "connection_ack"
        yield socket


async def next_payload(socket: aiohttp.ClientWebSocketResponse) -> dict[str, Any]:
    message = await socket.receive_json(timeout=5)
    assert message["type"] == "next", message
    payload: dict[str, Any] = message["payload"]
    return payload


async def authorized_payment(gateway: GatewayClient, yuno: YunoClient) -> str:
    customer_id = await create_customer(gateway)
    session_id = await create_checkout_session(gateway, customer_id)
    paid = await pay_session(gateway, yuno, session_id, capture=False)
    payment_id: str = paid["payment"]["id"]
    return payment_id


async def test_subscriber_sees_the_current_state_then_the_capture(
    gateway: GatewayClient,
    yuno: YunoClient,
    webhooks_to_gateway: Sandbox,
    ws: aiohttp.ClientWebSocketResponse,
) -> None:
    payment_id = await authorized_payment(gateway, yuno)
    await ws.send_json(
        {
            "id": "1",
            "type": "subscribe",
            "payload": {"query": PAYMENT_UPDATED, "variables": {"id": payment_id}},
        }
    )
    first = await next_payload(ws)
    assert first["data"]["paymentUpdated"]["status"] == "PENDING"

    await gateway.data(CAPTURE_PAYMENT, {"input": {"paymentId": payment_id}})
    await webhooks_to_gateway.webhooks.drain()

    update = await next_payload(ws)
    assert update["data"]["paymentUpdated"] == {
        "id": payment_id,
        "status": "SUCCEEDED",
        "subStatus": "CAPTURED",
    }


async def test_forged_or_unsigned_webhooks_are_refused(
    gateway_server: TestServer, gateway: GatewayClient, yuno: YunoClient
) -> None:
    payment_id = await authorized_payment(gateway, yuno)
    body = json.dumps(
        {
            "type": "payment",
            "type_event": "payment.capture",
            "data": {"payment": {"id": payment_id, "status": "SUCCEEDED"}},
        }
    ).encode()
    url = gateway_server.make_url("/webhooks/yuno")
    async with aiohttp.ClientSession() as http:
        forged = signature("not-the-secret", body)
        async with http.post(url, data=body, headers={"x-hmac-signature": forged}) as response:
            assert response.status == 401
        async with http.post(url, data=body) as response:
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
    await ws.send_json(
        {
            "id": "1",
            "type": "subscribe",
            "payload": {"query": PAYMENT_UPDATED, "variables": {"id": payment_id}},
        }
    )
    assert (await next_payload(ws))["data"]["paymentUpdated"]["status"] == "PENDING"
    body = json.dumps(
        {
            "type": "payment",
            "type_event": "payment.capture",
            "data": {"payment": {"id": payment_id, "status": "SUCCEEDED"}},
        }
    ).encode()
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


async def test_clients_that_leave_leave_nothing_behind(
    gateway: GatewayClient, yuno: YunoClient, gateway_server: TestServer
) -> None:
    payment_id = await authorized_payment(gateway, yuno)
    bus = gateway_server.app[RUNTIME].bus
    for _ in range(20):
        async with (
            aiohttp.ClientSession() as http,
            http.ws_connect(
                gateway_server.make_url("/graphql"), protocols=["graphql-transport-ws"]
            ) as socket,
        ):
            await socket.send_json(
                {"type": "connection_init", "payload": {"Authorization": f"Bearer {SERVICE_KEY}"}}
            )
            await socket.receive_json(timeout=5)
            payload = {"query": PAYMENT_UPDATED, "variables": {"id": payment_id}}
            await socket.send_json({"id": "1", "type": "subscribe", "payload": payload})
            await next_payload(socket)
            assert bus.subscriber_count() == 1
    await eventually(lambda: bus.subscriber_count() == 0)
