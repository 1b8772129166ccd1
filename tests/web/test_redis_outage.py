"""Redis stops mid-run: rate limits and payment events degrade to this replica, as the
README documents, and nothing fails."""

import asyncio
import contextlib
import json

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from pydantic import SecretStr

from gateway.events import RedisBus
from gateway.settings import Settings
from gateway.yuno.client import YunoClient
from gateway.yuno.webhooks import signature
from tests.conftest import SERVICE_KEY, GatewayClient
from tests.live import live_socket, next_data, subscribe
from tests.services import RedisServer
from tests.storefront import create_checkout_session, create_customer, pay_session

WEBHOOK_SECRET = "outage-webhook-secret"
QUERY = {"query": "{ sdkConfig { environment } }"}


@pytest.fixture
def gateway_settings(settings: Settings, redis_server: RedisServer) -> Settings:
    return settings.model_copy(
        update={
            "cache_url": redis_server.url,
            "rate_limit_per_minute": 5,
            "yuno_webhook_secret": SecretStr(WEBHOOK_SECRET),
        }
    )


async def test_rate_limits_count_on_this_replica_while_redis_is_down(
    gateway_server: TestServer, redis_server: RedisServer
) -> None:
    redis_server.stop()
    headers = {"Authorization": f"Bearer {SERVICE_KEY}"}
    async with aiohttp.ClientSession(headers=headers) as http:
        statuses = []
        for _ in range(6):
            async with http.post(gateway_server.make_url("/graphql"), json=QUERY) as response:
                statuses.append(response.status)
    assert statuses == [200] * 5 + [429]


async def test_events_reach_this_replicas_subscribers_while_redis_is_down(
    gateway: GatewayClient,
    gateway_server: TestServer,
    redis_server: RedisServer,
    yuno: YunoClient,
) -> None:
    session_id = await create_checkout_session(gateway, await create_customer(gateway))
    payment = (await pay_session(gateway, yuno, session_id, capture=False))["payment"]
    url = gateway_server.make_url("/graphql")
    async with (
        live_socket(url, f"Bearer {SERVICE_KEY}") as ws,
        aiohttp.ClientSession() as http,
    ):
        query = "subscription($id: ID!) { paymentUpdated(id: $id) { status } }"
        await subscribe(ws, query, {"id": payment["id"]})
        assert (await next_data(ws))["paymentUpdated"] == {"status": "PENDING"}

        redis_server.stop()
        current = await yuno.get_payment(payment["id"])
        event = {
            "type": "payment",
            "type_event": "payment.capture",
            "account_id": "a",
            "retry": 0,
            "version": 2,
            "data": {
                "payment": {
                    **json.loads(current.model_dump_json()),
                    "status": "SUCCEEDED",
                    "sub_status": "CAPTURED",
                },
                "idempotency_key": "capture-during-outage",
            },
        }
        body = json.dumps(event).encode()
        headers = {"x-hmac-signature": signature(WEBHOOK_SECRET, body)}
        async with http.post(
            gateway_server.make_url("/webhooks/yuno"), data=body, headers=headers
        ) as answer:
            assert answer.status == 200

        assert (await next_data(ws))["paymentUpdated"] == {"status": "SUCCEEDED"}


async def test_the_event_bus_reconnects_after_a_long_outage(redis_server: RedisServer) -> None:
    """A subscriber keeps hearing events after Redis was gone for longer than a retry."""
    listener = RedisBus(redis_server.url, "outage-test")
    speaker = RedisBus(redis_server.url, "outage-test")
    subscription = await listener.subscribe("payment:p1")
    try:
        await speaker.publish("payment:p1", b"before")
        assert await asyncio.wait_for(subscription.queue.get(), 5) == b"before"

        redis_server.stop()
        await asyncio.sleep(1.5)  # longer than the bus's reconnect pause: a real outage
        redis_server.start()
        for _ in range(100):  # bounded: until the listener is subscribed again
            await speaker.publish("payment:p1", b"after")
            with contextlib.suppress(TimeoutError):
                if await asyncio.wait_for(subscription.queue.get(), 0.1) == b"after":
                    break
        else:
            pytest.fail("the bus never delivered again after Redis came back")
    finally:
        await subscription.close()
        await listener.close()
        await speaker.close()
