"""Replayed, retried, stale, expired and forged webhooks, over real HTTP: each delivery
counts once however the lookup cache fares, a payment never moves backwards for its
subscribers, and only Yuno's signature opens the door.

The emulator's webhooks go to a recorder, so a test holds real signed deliveries and
decides when (and how often) the gateway sees them, as an attacker who captured them would.
A subscriber proves what was published: after the delivery under test, a later genuine
event is delivered, and it must be the very next message the subscriber gets.
"""

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from pydantic import SecretStr, ValidationError

from gateway.app import RUNTIME, create_app
from gateway.sandbox import Sandbox
from gateway.sandbox.config import SandboxConfig
from gateway.sandbox.faults import FaultRule
from gateway.settings import Settings
from gateway.yuno.client import YunoClient
from gateway.yuno.webhooks import parse_event, signature
from tests.conftest import SERVICE_KEY, GatewayClient
from tests.documents import (
    CAPTURE_PAYMENT,
    CREATE_CUSTOMER_SESSION,
    CUSTOMER_METHODS,
    ENROLL,
    REFUND_PAYMENT,
)
from tests.live import live_socket, next_data, subscribe
from tests.services import RedisServer
from tests.shopper import VISA_SUCCEEDED, complete_enrollment
from tests.storefront import create_checkout_session, create_customer, pay_session

WEBHOOK_SECRET = "replay-test-webhook-secret"
PAYMENT_UPDATED = "subscription($id: ID!) { paymentUpdated(id: $id) { id status subStatus } }"


@dataclass(frozen=True)
class Captured:
    body: bytes
    signature: str

    @property
    def event(self) -> dict[str, Any]:
        document: dict[str, Any] = json.loads(self.body)
        return document


@dataclass
class Recorder:
    """A merchant endpoint that keeps every signed delivery, and can refuse an event's
    first attempt so that the emulator retries it."""

    fail_once: set[str] = field(default_factory=set)
    deliveries: list[Captured] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.Response:
        captured = Captured(await request.read(), request.headers["x-hmac-signature"])
        self.deliveries.append(captured)
        type_event = captured.event["type_event"]
        if type_event in self.fail_once:
            self.fail_once.discard(type_event)
            return web.Response(status=500)
        return web.Response(status=200)

    def of(self, type_event: str) -> list[Captured]:
        return [d for d in self.deliveries if d.event["type_event"] == type_event]

    def one(self, type_event: str) -> Captured:
        (captured,) = self.of(type_event)
        return captured


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    """One retry: enough to record a delivery and Yuno's retry of it."""
    return SandboxConfig(webhook_attempts=2, webhook_time_scale=0.001)


@pytest.fixture
def gateway_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"yuno_webhook_secret": SecretStr(WEBHOOK_SECRET)})


@pytest.fixture
async def recorder(sandbox: Sandbox) -> AsyncIterator[Recorder]:
    target = Recorder()
    app = web.Application()
    app.router.add_post("/hooks", target.handle)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    sandbox.configure_webhook(str(server.make_url("/hooks")), WEBHOOK_SECRET)
    yield target
    await server.close()


@pytest.fixture
async def ws(gateway_server: TestServer) -> AsyncIterator[aiohttp.ClientWebSocketResponse]:
    async with live_socket(gateway_server.make_url("/graphql"), f"Bearer {SERVICE_KEY}") as socket:
        yield socket


@dataclass(frozen=True)
class Answer:
    status: int
    delivery: str | None


async def deliver(server: TestServer, body: bytes, signature: str | None) -> Answer:
    headers = {"content-type": "application/json"}
    if signature is not None:
        headers["x-hmac-signature"] = signature
    async with (
        aiohttp.ClientSession() as http,
        http.post(server.make_url("/webhooks/yuno"), data=body, headers=headers) as response,
    ):
        document = await response.json()
        return Answer(response.status, document.get("delivery"))


async def replay(server: TestServer, captured: Captured) -> Answer:
    return await deliver(server, captured.body, captured.signature)


def resigned(event: dict[str, Any]) -> Captured:
    """A delivery as Yuno would sign it (the tests hold the webhook secret)."""
    body = json.dumps(event).encode()
    return Captured(body, signature(WEBHOOK_SECRET, body))


def with_payment(captured: Captured, **changes: Any) -> dict[str, Any]:
    event = captured.event
    event["data"]["payment"] = {**event["data"]["payment"], **changes}
    return event


def yuno_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


async def authorized_payment(gateway: GatewayClient, yuno: YunoClient, sandbox: Sandbox) -> str:
    """A PENDING/AUTHORIZED payment; its ``payment.authorize`` delivery is recorded."""
    session_id = await create_checkout_session(gateway, await create_customer(gateway))
    paid = await pay_session(gateway, yuno, session_id, capture=False)
    await sandbox.webhooks.drain()
    payment_id: str = paid["payment"]["id"]
    return payment_id


async def captured_payment(gateway: GatewayClient, sandbox: Sandbox, payment_id: str) -> None:
    await gateway.data(CAPTURE_PAYMENT, {"input": {"paymentId": payment_id}})
    await sandbox.webhooks.drain()


async def refunded_payment(gateway: GatewayClient, sandbox: Sandbox, payment_id: str) -> None:
    await gateway.data(REFUND_PAYMENT, {"input": {"paymentId": payment_id}})
    await sandbox.webhooks.drain()


async def watch(ws: aiohttp.ClientWebSocketResponse, payment_id: str) -> dict[str, Any]:
    await subscribe(ws, PAYMENT_UPDATED, {"id": payment_id})
    return await next_status(ws)


async def next_status(ws: aiohttp.ClientWebSocketResponse) -> dict[str, Any]:
    update: dict[str, Any] = (await next_data(ws))["paymentUpdated"]
    return {"status": update["status"], "subStatus": update["subStatus"]}


async def quiet(ws: aiohttp.ClientWebSocketResponse) -> None:
    """Nothing reaches the subscriber (within a moment): no change happened for it."""
    with pytest.raises(asyncio.TimeoutError):
        await ws.receive_json(timeout=0.3)


SUCCEEDED = {"status": "SUCCEEDED", "subStatus": "CAPTURED"}
REFUNDED = {"status": "REFUNDED", "subStatus": "REFUNDED"}
PENDING = {"status": "PENDING", "subStatus": "AUTHORIZED"}


async def test_a_replay_after_the_lookup_cache_was_flushed_is_not_applied_again(
    gateway: GatewayClient,
    gateway_server: TestServer,
    yuno: YunoClient,
    sandbox: Sandbox,
    recorder: Recorder,
    ws: aiohttp.ClientWebSocketResponse,
) -> None:
    payment_id = await authorized_payment(gateway, yuno, sandbox)
    assert await watch(ws, payment_id) == PENDING
    await captured_payment(gateway, sandbox, payment_id)
    capture = recorder.one("payment.capture")
    assert await replay(gateway_server, capture) == Answer(200, "accepted")
    assert await next_status(ws) == SUCCEEDED

    await gateway_server.app[RUNTIME].upstream.cache.backend.clear()  # other traffic evicts
    again = await replay(gateway_server, capture)

    assert again == Answer(200, "duplicate")
    await refunded_payment(gateway, sandbox, payment_id)
    assert await replay(gateway_server, recorder.one("payment.refund")) == Answer(200, "accepted")
    assert await next_status(ws) == REFUNDED  # and not SUCCEEDED a second time


async def test_a_stale_webhook_is_not_pushed_to_subscribers(
    gateway: GatewayClient,
    gateway_server: TestServer,
    yuno: YunoClient,
    sandbox: Sandbox,
    recorder: Recorder,
    ws: aiohttp.ClientWebSocketResponse,
) -> None:
    payment_id = await authorized_payment(gateway, yuno, sandbox)
    assert await watch(ws, payment_id) == PENDING
    await captured_payment(gateway, sandbox, payment_id)
    assert await replay(gateway_server, recorder.one("payment.capture")) == Answer(200, "accepted")
    assert await next_status(ws) == SUCCEEDED

    late = await replay(gateway_server, recorder.one("payment.authorize"))  # PENDING, older

    assert late == Answer(200, "stale")
    await refunded_payment(gateway, sandbox, payment_id)
    await replay(gateway_server, recorder.one("payment.refund"))
    assert await next_status(ws) == REFUNDED  # the payment never went back to PENDING


async def test_a_state_that_cannot_be_ordered_is_settled_by_yuno(
    gateway: GatewayClient,
    gateway_server: TestServer,
    yuno: YunoClient,
    sandbox: Sandbox,
    recorder: Recorder,
    ws: aiohttp.ClientWebSocketResponse,
) -> None:
    payment_id = await authorized_payment(gateway, yuno, sandbox)
    assert await watch(ws, payment_id) == PENDING
    authorize = recorder.one("payment.authorize")
    assert await replay(gateway_server, authorize) == Answer(200, "accepted")
    await quiet(ws)  # the state the subscriber already has is no change
    await captured_payment(gateway, sandbox, payment_id)  # Yuno now says SUCCEEDED
    sandbox.clear_requests()

    same_moment = with_payment(authorize, status="CANCELED", sub_status="CANCELED")
    answer = await replay(gateway_server, resigned(same_moment))

    assert answer == Answer(200, "accepted")
    assert await next_status(ws) == SUCCEEDED  # what Yuno says, not what the event said
    assert [r.path for r in sandbox.requests] == [f"/v1/payments/{payment_id}"]

    undated = with_payment(authorize, status="CANCELED", sub_status="CANCELED")
    del undated["data"]["payment"]["updated_at"]
    assert await replay(gateway_server, resigned(undated)) == Answer(200, "stale")  # Yuno: same


async def test_an_order_yuno_cannot_settle_now_is_retried_later(
    gateway: GatewayClient,
    gateway_server: TestServer,
    gateway_settings: Settings,
    yuno: YunoClient,
    sandbox: Sandbox,
    recorder: Recorder,
    ws: aiohttp.ClientWebSocketResponse,
) -> None:
    payment_id = await authorized_payment(gateway, yuno, sandbox)
    assert await watch(ws, payment_id) == PENDING
    await captured_payment(gateway, sandbox, payment_id)
    undated = with_payment(recorder.one("payment.capture"))
    del undated["data"]["payment"]["updated_at"]
    attempts = gateway_settings.yuno_retry_attempts
    outage = FaultRule("error_503", count=attempts, method="GET", path_prefix="/v1/payments/")
    sandbox.faults.add(outage)

    assert await replay(gateway_server, resigned(undated)) == Answer(503, "unavailable")

    assert outage.count == 0  # Yuno is back: its retry of the same delivery is applied
    assert await replay(gateway_server, resigned(undated)) == Answer(200, "accepted")
    assert await next_status(ws) == SUCCEEDED


async def test_a_webhook_older_than_the_replay_window_is_refused(
    gateway: GatewayClient,
    gateway_server: TestServer,
    gateway_settings: Settings,
    yuno: YunoClient,
    sandbox: Sandbox,
    recorder: Recorder,
    ws: aiohttp.ClientWebSocketResponse,
) -> None:
    payment_id = await authorized_payment(gateway, yuno, sandbox)
    assert await watch(ws, payment_id) == PENDING
    authorize = recorder.one("payment.authorize")
    window = timedelta(seconds=gateway_settings.webhook_replay_window)
    now = datetime.now(UTC)
    too_old = yuno_time(now - window - timedelta(minutes=1))
    expired = with_payment(
        authorize, status="CANCELED", sub_status="CANCELED", created_at=too_old, updated_at=too_old
    )
    last_retry = yuno_time(now - timedelta(hours=96))  # Yuno's last attempt is still good
    retried = with_payment(authorize, created_at=last_retry, updated_at=last_retry)

    assert await replay(gateway_server, resigned(expired)) == Answer(200, "expired")
    assert await replay(gateway_server, resigned(retried)) == Answer(200, "accepted")
    await quiet(ws)  # never the expired CANCELED (and the 96 h old PENDING is no change)


def test_the_replay_window_outlasts_yunos_retries(settings: Settings) -> None:
    assert settings.webhook_replay_window > 96 * 3600
    with pytest.raises(ValidationError):
        settings.model_validate({**settings.model_dump(), "webhook_replay_window": 24 * 3600})


async def test_yunos_retry_of_one_delivery_is_a_duplicate(
    gateway: GatewayClient,
    gateway_server: TestServer,
    yuno: YunoClient,
    sandbox: Sandbox,
    recorder: Recorder,
    ws: aiohttp.ClientWebSocketResponse,
) -> None:
    payment_id = await authorized_payment(gateway, yuno, sandbox)
    assert await watch(ws, payment_id) == PENDING
    recorder.fail_once.add("payment.capture")
    await captured_payment(gateway, sandbox, payment_id)
    first, retry = recorder.of("payment.capture")
    assert (first.event["retry"], retry.event["retry"]) == (0, 1)
    assert first.event["data"] == retry.event["data"]

    assert await replay(gateway_server, first) == Answer(200, "accepted")
    assert await replay(gateway_server, retry) == Answer(200, "duplicate")

    assert parse_event(first.body).identity == parse_event(retry.body).identity
    assert await next_status(ws) == SUCCEEDED


async def test_a_forged_or_tampered_webhook_is_refused_and_changes_nothing(
    gateway: GatewayClient,
    gateway_server: TestServer,
    yuno: YunoClient,
    sandbox: Sandbox,
    recorder: Recorder,
    ws: aiohttp.ClientWebSocketResponse,
) -> None:
    payment_id = await authorized_payment(gateway, yuno, sandbox)
    assert await watch(ws, payment_id) == PENDING
    await captured_payment(gateway, sandbox, payment_id)
    capture = recorder.one("payment.capture")
    later = yuno_time(datetime.now(UTC) + timedelta(seconds=1))
    cancel = with_payment(capture, status="CANCELED", sub_status="CANCELED", updated_at=later)
    forged = json.dumps(cancel).encode()
    tampered = capture.body.replace(b'"CAPTURED"', b'"CANCELED"', 1)
    assert tampered != capture.body

    refused = [
        await deliver(gateway_server, forged, signature("not-the-secret", forged)),
        await deliver(gateway_server, forged, None),
        await deliver(gateway_server, tampered, capture.signature),
    ]

    assert refused == [Answer(401, None)] * 3
    assert await replay(gateway_server, capture) == Answer(200, "accepted")  # still first
    assert await next_status(ws) == SUCCEEDED  # nothing forged reached the subscriber


async def test_a_replayed_enrollment_does_not_refresh_the_cache_again(
    gateway: GatewayClient,
    gateway_server: TestServer,
    sandbox: Sandbox,
    sandbox_url: str,
    sandbox_config: SandboxConfig,
    recorder: Recorder,
) -> None:
    customer_id = await create_customer(gateway)
    created = await gateway.data(
        CREATE_CUSTOMER_SESSION, {"input": {"customerId": customer_id, "country": "CO"}}
    )
    enroll_input = {
        "customerSessionId": created["createCustomerSession"]["session"]["id"],
        "paymentMethodType": "CARD",
        "country": "CO",
    }
    enrolled = await gateway.data(ENROLL, {"input": enroll_input})
    enrollment_id = enrolled["enrollPaymentMethod"]["paymentMethod"]["id"]
    await complete_enrollment(
        sandbox_url, sandbox_config.public_api_key, enrollment_id, VISA_SUCCEEDED
    )
    await sandbox.webhooks.drain()
    enroll = recorder.one("enrollment.enroll")
    assert await replay(gateway_server, enroll) == Answer(200, "accepted")
    await gateway_server.app[RUNTIME].upstream.cache.backend.clear()
    await gateway.data(CUSTOMER_METHODS, {"id": customer_id})  # cached again
    sandbox.clear_requests()

    assert await replay(gateway_server, enroll) == Answer(200, "duplicate")
    await gateway.data(CUSTOMER_METHODS, {"id": customer_id})

    assert [r.path for r in sandbox.requests] == []  # still cached: the replay changed nothing


async def test_a_replay_to_another_replica_is_a_duplicate_with_redis(
    gateway: GatewayClient,
    settings: Settings,
    redis_server: RedisServer,
    yuno: YunoClient,
    sandbox: Sandbox,
    recorder: Recorder,
) -> None:
    shared = settings.model_copy(
        update={"yuno_webhook_secret": SecretStr(WEBHOOK_SECRET), "cache_url": redis_server.url}
    )
    replica_a = TestServer(create_app(shared), host="127.0.0.1")
    replica_b = TestServer(create_app(shared), host="127.0.0.1")
    await asyncio.gather(replica_a.start_server(), replica_b.start_server())
    try:
        payment_id = await authorized_payment(gateway, yuno, sandbox)
        await captured_payment(gateway, sandbox, payment_id)
        capture = recorder.one("payment.capture")
        async with live_socket(replica_a.make_url("/graphql"), f"Bearer {SERVICE_KEY}") as ws:
            assert await watch(ws, payment_id) == SUCCEEDED
            assert await replay(replica_a, capture) == Answer(200, "accepted")
            await quiet(ws)  # SUCCEEDED already: no change

            assert await replay(replica_b, capture) == Answer(200, "duplicate")
            assert await replay(replica_b, recorder.one("payment.authorize")) == Answer(
                200, "stale"
            )
            await refunded_payment(gateway, sandbox, payment_id)
            assert await replay(replica_b, recorder.one("payment.refund")) == Answer(
                200, "accepted"
            )
            assert await next_status(ws) == REFUNDED
    finally:
        await asyncio.gather(replica_a.close(), replica_b.close())
