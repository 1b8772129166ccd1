"""Subscriptions over HTTP streams (graphql-sse's text/event-stream, Apollo's multipart),
held to the rules sockets are held to: a caller without credentials or another shopper's
payment is refused with a code, a stream opened with a shopper token ends when the token
does, and every stream ends properly when the server shuts down."""

import asyncio
import json
import time
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from gateway.app import VIEW
from gateway.yuno.client import YunoClient
from tests.conftest import SERVICE_KEY, GatewayClient
from tests.identity import bearer, customer_token
from tests.storefront import create_checkout_session, create_customer, pay_session

SUBSCRIBE = "subscription($id: ID!) { paymentUpdated(id: $id) { status } }"
SSE = "text/event-stream"
MULTIPART = "multipart/mixed;subscriptionSpec=1.0, application/json"


async def payment_of(gateway: GatewayClient, yuno: YunoClient, shopper: str) -> str:
    session_id = await create_checkout_session(gateway, await create_customer(gateway, shopper))
    paid = await pay_session(gateway, yuno, session_id, capture=False)
    payment_id: str = paid["payment"]["id"]
    return payment_id


async def stream(
    server: TestServer, accept: str, payment_id: str, authorization: str | None, seconds: float
) -> tuple[int, str]:
    """The whole stream (or what arrived within ``seconds``), as text."""
    headers = {"Accept": accept}
    if authorization is not None:
        headers["Authorization"] = authorization
    body = {"query": SUBSCRIBE, "variables": {"id": payment_id}}
    chunks: list[str] = []
    async with (
        aiohttp.ClientSession() as http,
        http.post(server.make_url("/graphql"), json=body, headers=headers) as reply,
    ):
        try:
            async with asyncio.timeout(seconds):
                async for chunk in reply.content.iter_any():
                    chunks.append(chunk.decode())
        except TimeoutError:
            chunks.append("<still open>")
        return reply.status, "".join(chunks)


def sse_events(text: str) -> list[tuple[str, Any]]:
    events = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        if "event" in lines:
            data = lines.get("data", "").strip()
            events.append((lines["event"], json.loads(data) if data else None))
    return events


@pytest.mark.parametrize("accept", [SSE, MULTIPART])
async def test_without_credentials_a_stream_is_refused_with_a_code(
    gateway: GatewayClient, gateway_server: TestServer, yuno: YunoClient, accept: str
) -> None:
    payment_id = await payment_of(gateway, yuno, "stream-a")
    status, text = await stream(gateway_server, accept, payment_id, None, 5)
    assert status == 200
    assert '"code":"UNAUTHENTICATED"' in text
    assert '"status"' not in text


async def test_another_shoppers_payment_is_not_found_on_a_stream(
    gateway: GatewayClient, gateway_server: TestServer, yuno: YunoClient
) -> None:
    payment_id = await payment_of(gateway, yuno, "stream-owner")
    stranger = bearer(customer_token("stream-stranger"))
    _, text = await stream(gateway_server, SSE, payment_id, stranger, 5)
    [(kind, payload), (end, _)] = sse_events(text)
    assert (kind, end) == ("next", "complete")
    assert payload["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert payload["errors"][0]["extensions"]["requestId"]


@pytest.mark.parametrize("accept", [SSE, MULTIPART])
async def test_a_stream_ends_when_its_shopper_token_expires(
    gateway: GatewayClient, gateway_server: TestServer, yuno: YunoClient, accept: str
) -> None:
    payment_id = await payment_of(gateway, yuno, "short-lived")
    token = customer_token("short-lived", expires_in=2)
    started = time.monotonic()
    _, text = await stream(gateway_server, accept, payment_id, bearer(token), 10)
    assert "<still open>" not in text
    assert 1 <= time.monotonic() - started < 8
    assert '"PENDING"' in text
    ending = "--graphql--" if accept == MULTIPART else "event: complete\r\ndata:"
    assert text.rstrip().endswith(ending)


async def test_streams_end_when_the_server_shuts_down(
    gateway: GatewayClient, gateway_server: TestServer, yuno: YunoClient
) -> None:
    payment_id = await payment_of(gateway, yuno, "until-shutdown")
    watching = asyncio.create_task(
        stream(gateway_server, SSE, payment_id, f"Bearer {SERVICE_KEY}", 10)
    )
    await asyncio.sleep(0.5)
    await gateway_server.app[VIEW].close_websockets()
    _, text = await watching
    assert "<still open>" not in text
    assert [kind for kind, _ in sse_events(text)] == ["next", "complete"]
