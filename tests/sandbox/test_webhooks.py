"""Webhooks reach a real receiver, signed with HMAC-SHA256 over the raw body, with retries."""

import asyncio
import base64
import hashlib
import hmac
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import orjson
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from tests.sandbox.api import Api

SECRET = "whsec-test"


@dataclass
class Receiver:
    """A merchant endpoint that records deliveries and can fail the first few."""

    failures: int = 0
    deliveries: list[tuple[bytes, str]] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        if self.failures > 0:
            self.failures -= 1
            return web.Response(status=500)
        self.deliveries.append((body, request.headers["x-hmac-signature"]))
        self.arrived.set()
        return web.Response(status=200)

    def events(self) -> list[str]:
        return [orjson.loads(body)["type_event"] for body, _ in self.deliveries]


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[Receiver, str]]:
    target = Receiver()
    app = web.Application()
    app.router.add_post("/hooks", target.handle)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    yield target, str(server.make_url("/hooks"))
    await server.close()


def _expected_signature(body: bytes) -> str:
    return base64.b64encode(hmac.new(SECRET.encode(), body, hashlib.sha256).digest()).decode()


async def test_webhook_payment_delivered_signed(api: Api, receiver: tuple[Receiver, str]) -> None:
    target, url = receiver
    api.sandbox.configure_webhook(url, SECRET)

    payment = (await api.pay()).body
    await api.sandbox.webhooks.drain()

    ((body, signature),) = target.deliveries
    event = orjson.loads(body)
    assert hmac.compare_digest(signature, _expected_signature(body))
    assert (event["type"], event["type_event"], event["version"]) == (
        "payment",
        "payment.purchase",
        2,
    )
    assert event["retry"] == 0
    assert event["account_id"] == api.sandbox.config.account_id
    assert event["data"]["payment"]["id"] == payment["id"]
    assert event["data"]["idempotency_key"] == "pay-1"
    assert isinstance(event["data"]["payment"]["transactions"], dict)


async def test_webhook_retries_until_acknowledged(api: Api, receiver: tuple[Receiver, str]) -> None:
    target, url = receiver
    target.failures = 1
    assert (
        await api.call("PUT", "/_sandbox/webhook", {"url": url, "secret": SECRET}, headers={})
    ).status == 200

    await api.pay(capture=False)
    await asyncio.wait_for(target.arrived.wait(), timeout=3)

    ((body, _),) = target.deliveries
    assert orjson.loads(body)["retry"] == 1
    assert orjson.loads(body)["type_event"] == "payment.authorize"


async def test_webhook_events_for_enrollment_and_follow_ups(
    api: Api, receiver: tuple[Receiver, str]
) -> None:
    target, url = receiver
    api.sandbox.configure_webhook(url, SECRET)
    customer = await api.customer()
    method = await api.enrolled_card(customer["id"])
    await api.call(
        "POST",
        f"/v1/customers/{customer['id']}/payment-methods/{method['vaulted_token']}/unenroll",
        key="u",
    )
    payment = (await api.pay()).body
    tx = payment["transactions"]["id"]
    await api.call(
        "POST",
        f"/v1/payments/{payment['id']}/transactions/{tx}/refund",
        {"merchant_reference": "r-1"},
        key="r",
    )

    await api.sandbox.webhooks.drain()

    assert sorted(target.events()) == sorted(
        ["enrollment.enroll", "enrollment.unenroll", "payment.purchase", "payment.refund"]
    )
    enroll = orjson.loads(target.deliveries[0][0])
    assert enroll["data"]["payment_method"]["customer_id"] == customer["id"]


async def test_webhook_not_sent_without_secret(api: Api, receiver: tuple[Receiver, str]) -> None:
    target, url = receiver
    api.sandbox.configure_webhook(url, None)

    await api.pay()
    await api.sandbox.webhooks.drain()

    assert target.deliveries == []
