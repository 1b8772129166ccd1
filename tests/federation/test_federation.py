"""Apollo Federation: the gateway's subgraph composed with a tiny orders subgraph and served by
@apollo/gateway, proven by the data the router returns and the emulator's request log.

The router calls the gateway as a service with a read-only API key of its own. The Node side
sits next to this module (``package.json``, ``orders.mjs``, ``compose.mjs``, ``router.mjs``);
``npm ci --prefix tests/federation`` installs it. Without Node or those modules the tests
that need them skip, except in CI (``CI=true``), where they fail.
"""

import asyncio
import json
import os
import re
import shutil
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer
from pydantic import SecretStr

from gateway.sandbox import Sandbox, SandboxConfig
from gateway.settings import Settings
from tests.conftest import GatewayClient
from tests.resolvers.test_checkout_flows import enroll_card
from tests.storefront import create_customer

HERE = Path(__file__).parent
NODE_PACKAGES = ("@apollo/composition", "@apollo/gateway", "@apollo/server", "@apollo/subgraph")
ROUTER_KEY = "test-router-key-read-only"
TIMEOUT = 30.0  # seconds for a Node process to compose, or to print its ready line

SERVICE_SDL = "{ _service { sdl } }"

ORDERS_WITH_CUSTOMERS = """
{
  orders {
    id
    total
    customer { id email paymentMethods { vaultedToken card { lastFour } } }
  }
}
"""

ORDER_EMAILS = "{ orders { customer { email } } }"

CUSTOMER_ENTITIES = """
query($representations: [_Any!]!) {
  _entities(representations: $representations) { ... on Customer { id email } }
}
"""


@dataclass
class Node:
    """Runs this folder's scripts with ``node`` and stops every server it started."""

    executable: str
    servers: list[asyncio.subprocess.Process] = field(default_factory=list)
    drains: list[asyncio.Task[bytes]] = field(default_factory=list)

    async def run(self, script: str, stdin: str) -> tuple[int, str, str]:
        """Exit status, stdout and stderr of a script that reads ``stdin`` and ends."""
        process = await self._exec(script, {}, asyncio.subprocess.PIPE)
        try:
            out, err = await asyncio.wait_for(process.communicate(stdin.encode()), TIMEOUT)
        except TimeoutError:
            process.kill()
            await process.wait()
            raise
        assert process.returncode is not None
        return process.returncode, out.decode(), err.decode()

    async def serve(self, script: str, env: dict[str, str], stdin: str = "") -> str:
        """Start a server script; its URL, once it prints ``<name> ready <url>``."""
        process = await self._exec(script, env, asyncio.subprocess.STDOUT)
        self.servers.append(process)
        assert process.stdin is not None
        assert process.stdout is not None
        process.stdin.write(stdin.encode())
        await process.stdin.drain()
        process.stdin.close()
        output: list[str] = []
        try:
            url = await asyncio.wait_for(_ready_url(process.stdout, output), TIMEOUT)
        except TimeoutError:
            raise AssertionError(f"{script} not ready in {TIMEOUT}s:\n{''.join(output)}") from None
        assert url, f"{script} exited before it was ready:\n{''.join(output)}"
        self.drains.append(asyncio.create_task(process.stdout.read()))  # never a full pipe
        return url

    async def stop(self) -> None:
        for process in self.servers:
            if process.returncode is None:
                process.terminate()
        for process in self.servers:
            try:
                await asyncio.wait_for(process.wait(), 5)
            except TimeoutError:
                process.kill()
                await process.wait()
        await asyncio.gather(*self.drains)

    async def _exec(
        self, script: str, env: dict[str, str], stderr: int
    ) -> asyncio.subprocess.Process:
        return await asyncio.create_subprocess_exec(
            self.executable,
            script,
            cwd=HERE,
            env={**os.environ, **env},
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            stderr=stderr,
        )


async def _ready_url(stdout: asyncio.StreamReader, output: list[str]) -> str:
    """The URL of the ``<name> ready <url>`` line; empty if the output ends without one."""
    while line := (await stdout.readline()).decode():
        output.append(line)
        if " ready " in line:
            return line.split()[-1]
    return ""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def gateway_settings(settings: Settings) -> Settings:
    """A key for the router that may only read customers, and nothing cached across
    requests, so the request log shows each query's Yuno calls."""
    keys = json.loads(settings.api_keys.get_secret_value()) if settings.api_keys else {}
    keys[ROUTER_KEY] = ["customers:read"]
    return settings.model_copy(
        update={
            "api_keys": SecretStr(json.dumps(keys)),
            "cache_ttl_customer": 0.0,
            "cache_ttl_payment_methods": 0.0,
        }
    )


@pytest.fixture
def node_executable() -> str:
    """``node``, with ``npm`` and this folder's packages installed; else skip (fail in CI)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    missing = [p for p in NODE_PACKAGES if not (HERE / "node_modules" / p).is_dir()]
    if node is None or npm is None or missing:
        reason = f"needs node, npm and `npm ci --prefix tests/federation` (missing: {missing})"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return node


@pytest.fixture
async def node(node_executable: str) -> AsyncIterator[Node]:
    runner = Node(node_executable)
    yield runner
    await runner.stop()


@pytest.fixture
def gateway_url(gateway_server: TestServer) -> str:
    return str(gateway_server.make_url("/graphql"))


async def start_orders(node: Node, customer_ids: list[str]) -> str:
    env = {"PORT": str(free_port()), "ORDER_CUSTOMER_IDS": json.dumps(customer_ids)}
    return await node.serve("orders.mjs", env)


async def start_router(node: Node, supergraph: str, service_authorization: str = "") -> str:
    """A router for ``supergraph``; with no service credential it forwards the caller's."""
    env = {"PORT": str(free_port()), "SUBGRAPH_AUTHORIZATION": service_authorization}
    return await node.serve("router.mjs", env, stdin=supergraph)


async def compose(node: Node, gateway: GatewayClient, gateway_url: str, orders_url: str) -> str:
    """The supergraph of our subgraph and the orders subgraph, each SDL from ``_service``."""
    orders = GatewayClient(gateway.http, orders_url)
    subgraphs = [
        {"name": "yuno", "url": gateway_url, "sdl": await _sdl(gateway)},
        {"name": "orders", "url": orders_url, "sdl": await _sdl(orders)},
    ]
    status, supergraph, errors = await node.run("compose.mjs", json.dumps(subgraphs))
    assert status == 0, f"composition failed:\n{errors}"
    return supergraph


async def _sdl(subgraph: GatewayClient) -> str:
    data = await subgraph.data(SERVICE_SDL)
    sdl: str = data["_service"]["sdl"]
    return sdl


def calls(sandbox: Sandbox, method: str, paths: set[str]) -> int:
    return sum(1 for r in sandbox.requests if r.method == method and r.path in paths)


async def test_composition_succeeds(node: Node, gateway: GatewayClient, gateway_url: str) -> None:
    orders_url = await start_orders(node, [])

    supergraph = await compose(node, gateway, gateway_url, orders_url)

    for type_name in ("Customer", "Order", "CheckoutSession", "Payment"):
        assert re.search(rf"^type {type_name}\b", supergraph, re.MULTILINE), type_name


async def test_router_joins_orders_to_customers_and_their_cards(
    node: Node,
    gateway: GatewayClient,
    gateway_url: str,
    sandbox: Sandbox,
    sandbox_url: str,
    sandbox_config: SandboxConfig,
) -> None:
    customers = [await create_customer(gateway, f"buyer-{n}") for n in range(3)]
    key = sandbox_config.public_api_key
    cards = {
        customers[0]: [await enroll_card(gateway, sandbox_url, key, customers[0])],
        customers[1]: [await enroll_card(gateway, sandbox_url, key, customers[1])],
        customers[2]: [],
    }
    order_customers = [customers[n % 3] for n in range(5)]
    orders_url = await start_orders(node, order_customers)
    supergraph = await compose(node, gateway, gateway_url, orders_url)
    router_url = await start_router(node, supergraph, f"Bearer {ROUTER_KEY}")
    sandbox.clear_requests()

    data = await GatewayClient(gateway.http, router_url).data(ORDERS_WITH_CUSTOMERS)

    assert data["orders"] == [
        {
            "id": f"order-{n + 1}",
            "total": f"{(n + 1) * 10}.00",
            "customer": {
                "id": customer_id,
                "email": f"buyer-{customers.index(customer_id)}@example.com",
                "paymentMethods": [
                    {"vaultedToken": token, "card": {"lastFour": "0002"}}
                    for token in cards[customer_id]
                ],
            },
        }
        for n, customer_id in enumerate(order_customers)
    ]
    assert calls(sandbox, "GET", {f"/v1/customers/{c}" for c in customers}) == 3
    assert calls(sandbox, "GET", {f"/v1/customers/{c}/payment-methods" for c in customers}) <= 3
    assert len(sandbox.requests) == 6  # nothing else went to Yuno


async def test_router_forwards_the_callers_authorization_without_a_service_key(
    node: Node, gateway: GatewayClient, gateway_url: str
) -> None:
    customer_id = await create_customer(gateway, "buyer-0")
    supergraph = await compose(node, gateway, gateway_url, await start_orders(node, [customer_id]))
    router = GatewayClient(gateway.http, await start_router(node, supergraph))

    allowed = await router.execute(ORDER_EMAILS, Authorization=f"Bearer {ROUTER_KEY}")
    refused = await router.execute(ORDER_EMAILS)

    assert allowed == {"data": {"orders": [{"customer": {"email": "buyer-0@example.com"}}]}}
    assert refused["data"] == {"orders": [{"customer": {"email": None}}]}
    assert {e["extensions"]["code"] for e in refused["errors"]} == {"UNAUTHENTICATED"}


async def test_entities_resolve_many_references_concurrently(
    gateway: GatewayClient, gateway_settings: Settings, sandbox: Sandbox
) -> None:
    customers = [await create_customer(gateway, f"buyer-{n}") for n in range(30)]
    references = [customers[n % 30] for n in range(100)]
    router = gateway.as_(f"Bearer {ROUTER_KEY}")
    sandbox.clear_requests()
    sandbox.set_latency(20)

    data = await router.data(
        CUSTOMER_ENTITIES,
        {"representations": [{"__typename": "Customer", "id": c} for c in references]},
    )

    assert [entity["id"] for entity in data["_entities"]] == references
    assert data["_entities"][31]["email"] == "buyer-1@example.com"
    assert calls(sandbox, "GET", {f"/v1/customers/{c}" for c in customers}) == 30
    assert len(sandbox.requests) == 30  # one call per distinct customer, nothing else
    assert 1 < sandbox.max_in_flight <= gateway_settings.max_concurrency
