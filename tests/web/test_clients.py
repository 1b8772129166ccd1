"""Our users' clients, as they ship on npm, against the gateway over real HTTP: Apollo
Client 4 subscribes over HTTP multipart and graphql-sse over server-sent events (distinct
connections), each seeing the authorization and then the capture; Apollo Client receives a
``@defer``red catalog after the session's amount; its normalized cache holds one entry per
payment method, the same from a session's catalog and the customer's list."""

import asyncio
import json
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestServer
from pydantic import SecretStr

from gateway.sandbox import Sandbox
from gateway.settings import Settings
from gateway.yuno.client import YunoClient
from tests.conftest import SERVICE_KEY, GatewayClient
from tests.documents import CAPTURE_PAYMENT
from tests.resolvers.test_checkout_flows import enroll_card
from tests.services import require
from tests.storefront import create_checkout_session, create_customer, pay_session

NODE_PROJECT = Path(__file__).resolve().parents[1] / "federation"
WEBHOOK_SECRET = "clients-webhook-secret"


@pytest.fixture
def gateway_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"yuno_webhook_secret": SecretStr(WEBHOOK_SECRET)})


@pytest.fixture
def webhooks(sandbox: Sandbox, gateway_server: TestServer) -> Sandbox:
    sandbox.configure_webhook(str(gateway_server.make_url("/webhooks/yuno")), WEBHOOK_SECRET)
    return sandbox


class NodeClient:
    """``node clients.mjs``: one JSON line per thing the client saw."""

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process

    async def line(self) -> Any:
        assert self.process.stdout is not None
        raw = await asyncio.wait_for(self.process.stdout.readline(), timeout=20)
        text = raw.decode().strip()
        assert text, await self._stderr()
        assert not text.startswith("error"), text
        return json.loads(text)

    async def finished(self) -> None:
        assert await self.line() == "done"
        assert await asyncio.wait_for(self.process.wait(), timeout=10) == 0

    async def _stderr(self) -> str:
        assert self.process.stderr is not None
        return (await self.process.stderr.read()).decode()[-2000:]


@pytest.fixture
async def node(gateway_server: TestServer) -> AsyncIterator[Any]:
    executable = require("node")
    if not (NODE_PROJECT / "node_modules" / "@apollo" / "client").exists():
        reason = "npm ci --prefix tests/federation has not run"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    started: list[asyncio.subprocess.Process] = []

    async def start(what: str, **arguments: Any) -> NodeClient:
        process = await asyncio.create_subprocess_exec(
            executable,
            "clients.mjs",
            what,
            str(gateway_server.make_url("/graphql")),
            SERVICE_KEY,
            json.dumps(arguments),
            cwd=NODE_PROJECT,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        started.append(process)
        return NodeClient(process)

    yield start
    for process in started:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def authorized(gateway: GatewayClient, yuno: YunoClient) -> str:
    session_id = await create_checkout_session(gateway, await create_customer(gateway))
    paid = await pay_session(gateway, yuno, session_id, capture=False)
    payment_id: str = paid["payment"]["id"]
    return payment_id


@pytest.mark.parametrize("transport", ["multipart-subscription", "sse-subscription"])
async def test_a_client_subscribes_over_http_and_sees_the_capture(
    gateway: GatewayClient, yuno: YunoClient, webhooks: Sandbox, node: Any, transport: str
) -> None:
    payment_id = await authorized(gateway, yuno)
    client = await node(transport, id=payment_id, count=2)

    assert (await client.line())["status"] == "PENDING"
    captured = await gateway.data(CAPTURE_PAYMENT, {"input": {"paymentId": payment_id}})
    assert captured["capturePayment"]["userErrors"] == []

    update = await client.line()
    assert (update["id"], update["status"], update["subStatus"]) == (
        payment_id,
        "SUCCEEDED",
        "CAPTURED",
    )
    await client.finished()


async def test_apollo_client_receives_the_catalog_after_the_amount(
    gateway: GatewayClient, node: Any
) -> None:
    session_id = await create_checkout_session(gateway, await create_customer(gateway))
    client = await node("defer", id=session_id)

    first = await client.line()
    assert (first["dataState"], first["hasMethods"]) == ("streaming", False)
    assert first["session"]["amount"] == {
        "__typename": "Money",
        "value": "26.90",
        "currency": "COP",
    }
    last = await client.line()
    assert (last["dataState"], last["hasMethods"]) == ("complete", True)
    assert {m["type"] for m in last["session"]["paymentMethods"]} >= {"CARD", "PSE"}
    await client.finished()


async def test_apollo_cache_holds_one_entry_per_payment_method(
    gateway: GatewayClient, sandbox_url: str, sandbox_config: Any, node: Any
) -> None:
    customer_id = await create_customer(gateway)
    vaulted = await enroll_card(gateway, sandbox_url, sandbox_config.public_api_key, customer_id)
    session_id = await create_checkout_session(gateway, customer_id)
    client = await node("cache", session=session_id, customer=customer_id)

    cache = await client.line()
    methods = {key: value for key, value in cache.items() if key.startswith("PaymentMethod:")}
    assert f"PaymentMethod:{vaulted}" in methods
    session_refs = cache[f"CheckoutSession:{session_id}"]["paymentMethods"]
    customer_refs = cache[f"Customer:{customer_id}"]["paymentMethods"]
    assert {"__ref": f"PaymentMethod:{vaulted}"} in session_refs
    assert customer_refs == [{"__ref": f"PaymentMethod:{vaulted}"}]
    assert len(methods) == len({r["__ref"] for r in session_refs + customer_refs})
    await client.finished()
