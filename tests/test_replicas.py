"""Two ``gateway serve`` processes, one emulator, one real Redis: what one replica learns,
the other knows; a webhook received by one reaches a subscriber on the other."""

import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiohttp
import pytest

from gateway.sandbox import Sandbox, SandboxConfig
from gateway.yuno.client import YunoClient
from tests.conftest import JWT_SECRET, SERVICE_KEY, GatewayClient
from tests.documents import CAPTURE_PAYMENT, CREATE_CUSTOMER_SESSION, ENROLL
from tests.live import live_socket, next_data, subscribe
from tests.services import GatewayProcess, RedisServer
from tests.shopper import VISA_SUCCEEDED, complete_enrollment
from tests.storefront import create_checkout_session, create_customer, pay_session
from tests.web.test_response_cache import capture_at_yuno

WEBHOOK_SECRET = "replica-webhook-secret"
METHODS = "query($id: ID!) { checkoutSession(id: $id) { paymentMethods { vaultedToken } } }"
PAYMENT = "query($id: ID!) { payment(id: $id) { status subStatus } }"
PAYMENT_UPDATED = "subscription($id: ID!) { paymentUpdated(id: $id) { status subStatus } }"


@pytest.fixture
def replicas(
    sandbox_url: str, sandbox_config: SandboxConfig, redis_server: RedisServer, tmp_path: Path
) -> Iterator[tuple[GatewayProcess, GatewayProcess]]:
    env = {
        "YUNO_PUBLIC_API_KEY": sandbox_config.public_api_key,
        "YUNO_PRIVATE_SECRET_KEY": sandbox_config.private_secret_key,
        "YUNO_ACCOUNT_ID": sandbox_config.account_id,
        "YUNO_API_URL": sandbox_url,
        "GATEWAY_CACHE_URL": redis_server.url,
        "GATEWAY_API_KEYS": json.dumps({SERVICE_KEY: ["*"]}),
        "GATEWAY_JWT_SECRET": JWT_SECRET,
        "GATEWAY_YUNO_WEBHOOK_SECRET": WEBHOOK_SECRET,
    }
    pair = (GatewayProcess(env, tmp_path / "a.log"), GatewayProcess(env, tmp_path / "b.log"))
    for replica in pair:
        replica.start()
    yield pair
    for replica in pair:
        assert replica.terminate() == 0, replica.log()


@pytest.fixture
async def clients(
    replicas: tuple[GatewayProcess, GatewayProcess],
) -> AsyncIterator[tuple[GatewayClient, GatewayClient]]:
    a, b = replicas
    async with aiohttp.ClientSession() as http:
        auth = f"Bearer {SERVICE_KEY}"
        yield (
            GatewayClient(http, a.url + "/graphql", auth),
            GatewayClient(http, b.url + "/graphql", auth),
        )


def method_list_calls(sandbox: Sandbox) -> int:
    return sum(1 for r in sandbox.requests if r.path.endswith("/payment-methods"))


async def test_a_lookup_cached_through_one_replica_is_a_hit_on_the_other(
    clients: tuple[GatewayClient, GatewayClient], sandbox: Sandbox
) -> None:
    a, b = clients
    session_id = await create_checkout_session(a, await create_customer(a))
    sandbox.clear_requests()

    await a.data(METHODS, {"id": session_id})
    await b.data(METHODS, {"id": session_id})

    assert method_list_calls(sandbox) == 1


async def test_a_webhook_received_by_one_replica_reaches_a_subscriber_on_the_other(
    clients: tuple[GatewayClient, GatewayClient],
    replicas: tuple[GatewayProcess, GatewayProcess],
    sandbox: Sandbox,
    yuno: YunoClient,
) -> None:
    a, _ = clients
    replica_a, replica_b = replicas
    sandbox.configure_webhook(replica_a.url + "/webhooks/yuno", WEBHOOK_SECRET)
    session_id = await create_checkout_session(a, await create_customer(a))
    payment_id = (await pay_session(a, yuno, session_id, capture=False))["payment"]["id"]

    async with live_socket(replica_b.url + "/graphql", f"Bearer {SERVICE_KEY}") as ws:
        await subscribe(ws, PAYMENT_UPDATED, {"id": payment_id})
        first = await next_data(ws)
        assert first["paymentUpdated"] == {"status": "PENDING", "subStatus": "AUTHORIZED"}

        await a.data(CAPTURE_PAYMENT, {"input": {"paymentId": payment_id}})
        await sandbox.webhooks.drain()

        update = await next_data(ws)
        assert update["paymentUpdated"] == {"status": "SUCCEEDED", "subStatus": "CAPTURED"}


async def test_an_enrollment_seen_by_one_replica_refreshes_the_other(
    clients: tuple[GatewayClient, GatewayClient],
    replicas: tuple[GatewayProcess, GatewayProcess],
    sandbox: Sandbox,
    sandbox_url: str,
    sandbox_config: SandboxConfig,
) -> None:
    a, b = clients
    sandbox.configure_webhook(replicas[0].url + "/webhooks/yuno", WEBHOOK_SECRET)
    customer_id = await create_customer(a)
    session_id = await create_checkout_session(a, customer_id)
    before = await b.data(METHODS, {"id": session_id})
    assert not any(m["vaultedToken"] for m in before["checkoutSession"]["paymentMethods"])

    created = await a.data(
        CREATE_CUSTOMER_SESSION, {"input": {"customerId": customer_id, "country": "CO"}}
    )
    enroll_input = {
        "customerSessionId": created["createCustomerSession"]["session"]["id"],
        "paymentMethodType": "CARD",
        "country": "CO",
    }
    enrolled = await a.data(ENROLL, {"input": enroll_input})
    enrollment_id = enrolled["enrollPaymentMethod"]["paymentMethod"]["id"]
    await b.data(METHODS, {"id": session_id})  # B caches the list before the card is in
    card = await complete_enrollment(
        sandbox_url, sandbox_config.public_api_key, enrollment_id, VISA_SUCCEEDED
    )
    await sandbox.webhooks.drain()  # enrollment.enroll reaches replica A

    after = await b.data(METHODS, {"id": session_id})
    tokens = [m["vaultedToken"] for m in after["checkoutSession"]["paymentMethods"]]
    assert card.vaulted_token in tokens


async def test_a_webhook_received_by_one_replica_ends_the_answers_the_other_serves(
    clients: tuple[GatewayClient, GatewayClient],
    replicas: tuple[GatewayProcess, GatewayProcess],
    sandbox: Sandbox,
    yuno: YunoClient,
) -> None:
    """The response cache lives in Redis: replica B's answer about a payment ends when
    replica A hears Yuno's webhook, and B's answer about another payment stands."""
    a, b = clients
    sandbox.configure_webhook(replicas[0].url + "/webhooks/yuno", WEBHOOK_SECRET)
    payments = []
    for n in range(2):
        session_id = await create_checkout_session(a, await create_customer(a, f"replica-{n}"))
        payments.append((await pay_session(a, yuno, session_id, capture=False))["payment"]["id"])
    captured, other = payments
    for payment_id in payments:
        await b.data(PAYMENT, {"id": payment_id})
    sandbox.clear_requests()
    for payment_id in payments:
        await b.data(PAYMENT, {"id": payment_id})
    assert sandbox.requests == []  # both answers come from the cache

    await capture_at_yuno(yuno, captured)
    await sandbox.webhooks.drain()
    sandbox.clear_requests()

    after = await b.data(PAYMENT, {"id": captured})
    assert after["payment"] == {"status": "SUCCEEDED", "subStatus": "CAPTURED"}
    await b.data(PAYMENT, {"id": other})
    assert [r.path for r in sandbox.requests] == [f"/v1/payments/{captured}"]
