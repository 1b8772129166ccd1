"""Redis stops mid-run: rate limits and payment events degrade to this replica, as the
README documents, and nothing fails."""

import json

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from pydantic import SecretStr

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
