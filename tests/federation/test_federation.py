"""Federation: the gateway's subgraph composed with a tiny shop (an orders subgraph that
knows each order's customer by Yuno id, a buyers one that knows who placed it by merchant
customer id), by Apollo's composition and by Guild's, each supergraph served by
@apollo/gateway and by Hive Gateway, proven by the data the router returns and the
emulator's request log.

The router calls the gateway as a service with a read-only API key of its own. The Node side
sits next to this module (``package.json``, ``orders.mjs``, ``buyers.mjs``, ``compose.mjs``
and ``mesh.config.mjs`` for the mesh-compose CLI, ``router.mjs`` and ``hive.mjs``);
``npm ci --prefix tests/federation`` installs it. Without Node or those modules the tests
that need them skip, except in CI (``CI=true``), where they fail.
"""

import asyncio
import json
import os
import re
import shutil
import socket
import tempfile
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer
from pydantic import SecretStr

from gateway.sandbox import Sandbox, SandboxConfig
from gateway.sandbox.requestlog import RequestRecord
from gateway.settings import Settings
from tests.conftest import GatewayClient
from tests.resolvers.test_checkout_flows import enroll_card
from tests.storefront import create_customer

HERE = Path(__file__).parent
NODE_PACKAGES = (
    "@apollo/composition",
    "@apollo/gateway",
    "@apollo/server",
    "@apollo/subgraph",
    "@graphql-hive/gateway",
    "@graphql-mesh/compose-cli",
)
MESH_COMPOSE = "node_modules/@graphql-mesh/compose-cli/esm/bin.js"  # the mesh-compose CLI
ROUTER_KEY = "test-router-key-read-only"
TIMEOUT = 30.0  # seconds for a Node process to compose, or to print its ready line

SERVICE_SDL = "{ _service { sdl } }"

ORDERS_WITH_CUSTOMERS = """
{
  orders {
    id
    total
    customer { id merchantCustomerId email paymentMethods { vaultedToken card { lastFour } } }
    buyer { merchantCustomerId id email }
  }
}
"""

ORDER_EMAILS = "{ orders { customer { email } buyer { email } } }"

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

    async def run(
        self, script: str, *args: str, stdin: str = "", env: dict[str, str] | None = None
    ) -> tuple[int, str, str]:
        """Exit status, stdout and stderr of a script that reads ``stdin`` and ends."""
        process = await self._exec([script, *args], env or {}, asyncio.subprocess.PIPE)
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
        process = await self._exec([script], env, asyncio.subprocess.STDOUT)
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
        self, args: list[str], env: dict[str, str], stderr: int
    ) -> asyncio.subprocess.Process:
        return await asyncio.create_subprocess_exec(
            self.executable,
            *args,
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
            "cache_ttl_customer_by_merchant_id": 0.0,
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


async def start_shop(
    node: Node, customer_ids: Sequence[str] = (), buyer_ids: Sequence[str] = ()
) -> dict[str, str]:
    """The shop's subgraphs' URLs by name: orders of these customers (Yuno ids), placed by
    these buyers (merchant customer ids)."""
    orders = {"PORT": str(free_port()), "ORDER_CUSTOMER_IDS": json.dumps(customer_ids)}
    buyers = {"PORT": str(free_port()), "ORDER_BUYER_IDS": json.dumps(buyer_ids)}
    urls = await asyncio.gather(node.serve("orders.mjs", orders), node.serve("buyers.mjs", buyers))
    return dict(zip(("orders", "buyers"), urls, strict=True))


async def start_router(
    node: Node, supergraph: str, service_authorization: str = "", script: str = "router.mjs"
) -> str:
    """A router for ``supergraph``; with no service credential it forwards the caller's."""
    env = {"PORT": str(free_port()), "SUBGRAPH_AUTHORIZATION": service_authorization}
    return await node.serve(script, env, stdin=supergraph)


async def compose(
    node: Node, gateway: GatewayClient, gateway_url: str, shop: dict[str, str]
) -> str:
    """Apollo's supergraph of our subgraph and the shop's, each SDL from ``_service``."""
    subgraphs = [{"name": "yuno", "url": gateway_url, "sdl": await _sdl(gateway)}]
    for name, url in shop.items():
        sdl = await _sdl(GatewayClient(gateway.http, url))
        subgraphs.append({"name": name, "url": url, "sdl": sdl})
    status, supergraph, errors = await node.run("compose.mjs", stdin=json.dumps(subgraphs))
    assert status == 0, f"composition failed:\n{errors}"
    return supergraph


async def compose_with_mesh(
    node: Node, gateway: GatewayClient, gateway_url: str, shop: dict[str, str]
) -> str:
    """Guild's supergraph of the same, as the mesh-compose CLI writes it: it fetches each
    ``_service`` itself, with the router's key, which must not end up in the supergraph."""
    urls = {"yuno": gateway_url, **shop}
    env = {f"{name.upper()}_SUBGRAPH_URL": url for name, url in urls.items()}
    env["COMPOSE_AUTHORIZATION"] = f"Bearer {ROUTER_KEY}"
    with tempfile.TemporaryDirectory() as folder:
        output = Path(folder) / "supergraph.graphql"
        args = ("-c", "mesh.config.mjs", "-o", str(output))
        status, _, errors = await node.run(MESH_COMPOSE, *args, env=env)
        assert status == 0, f"composition failed:\n{errors}"
        return output.read_text()


Composer = Callable[[Node, GatewayClient, str, dict[str, str]], Awaitable[str]]
COMPOSERS: dict[str, Composer] = {"apollo": compose, "guild": compose_with_mesh}
ROUTERS = {"apollo": "router.mjs", "hive": "hive.mjs"}  # @apollo/gateway, Hive Gateway


async def _sdl(subgraph: GatewayClient) -> str:
    data = await subgraph.data(SERVICE_SDL)
    sdl: str = data["_service"]["sdl"]
    return sdl


def calls(sandbox: Sandbox, method: str, targets: set[str]) -> int:
    """Requests to any of ``targets``: a path, and its query string if it had one."""
    return sum(1 for r in sandbox.requests if r.method == method and _target(r) in targets)


def _target(request: RequestRecord) -> str:
    return f"{request.path}?{request.query}" if request.query else request.path


@pytest.mark.parametrize("composer", COMPOSERS)
async def test_composition_succeeds(
    node: Node, gateway: GatewayClient, gateway_url: str, composer: str
) -> None:
    shop = await start_shop(node)

    supergraph = await COMPOSERS[composer](node, gateway, gateway_url, shop)

    for type_name in ("Customer", "Order", "CheckoutSession", "Payment"):
        assert re.search(rf"^type {type_name}\b", supergraph, re.MULTILINE), type_name
    assert ROUTER_KEY not in supergraph  # Guild's composed with it; routers send their own


# Every supergraph with every router. Guild's names the gateway's credential in a @transport
# header, which Hive Gateway sends and @apollo/gateway ignores; Apollo's names none, so
# hive.mjs sends SUBGRAPH_AUTHORIZATION itself, as router.mjs does for both.
@pytest.mark.parametrize("router", ROUTERS)
@pytest.mark.parametrize("composer", COMPOSERS)
async def test_router_joins_orders_to_customers_by_either_key(
    node: Node,
    gateway: GatewayClient,
    gateway_url: str,
    sandbox: Sandbox,
    sandbox_url: str,
    sandbox_config: SandboxConfig,
    composer: str,
    router: str,
) -> None:
    customers = [await create_customer(gateway, f"buyer-{n}") for n in range(3)]
    key = sandbox_config.public_api_key
    cards = {
        customers[0]: [await enroll_card(gateway, sandbox_url, key, customers[0])],
        customers[1]: [await enroll_card(gateway, sandbox_url, key, customers[1])],
        customers[2]: [],
    }
    order_customers = [n % 3 for n in range(5)]
    order_buyers = [(n + 1) % 3 for n in range(5)]  # someone else placed each order
    shop = await start_shop(
        node, [customers[c] for c in order_customers], [f"buyer-{b}" for b in order_buyers]
    )
    supergraph = await COMPOSERS[composer](node, gateway, gateway_url, shop)
    router_url = await start_router(node, supergraph, f"Bearer {ROUTER_KEY}", ROUTERS[router])
    sandbox.clear_requests()

    data = await GatewayClient(gateway.http, router_url).data(ORDERS_WITH_CUSTOMERS)

    assert data["orders"] == [
        {
            "id": f"order-{n + 1}",
            "total": f"{(n + 1) * 10}.00",
            "customer": {
                "id": customers[c],
                "merchantCustomerId": f"buyer-{c}",
                "email": f"buyer-{c}@example.com",
                "paymentMethods": [
                    {"vaultedToken": token, "card": {"lastFour": "0002"}}
                    for token in cards[customers[c]]
                ],
            },
            "buyer": {
                "merchantCustomerId": f"buyer-{b}",
                "id": customers[b],
                "email": f"buyer-{b}@example.com",
            },
        }
        for n, (c, b) in enumerate(zip(order_customers, order_buyers, strict=True))
    ]
    # Each distinct customer once per key (@apollo/gateway repeats references; the gateway's
    # loaders batch them), and nothing else.
    by_id = {f"/v1/customers/{c}" for c in customers}
    by_merchant_id = {f"/v1/customers?merchant_customer_id=buyer-{n}" for n in range(3)}
    methods = {f"/v1/customers/{c}/payment-methods" for c in customers}
    assert calls(sandbox, "GET", by_id) == 3
    assert calls(sandbox, "GET", by_merchant_id) == 3
    assert calls(sandbox, "GET", methods) == 3
    assert len(sandbox.requests) == 9


@pytest.mark.parametrize(("composer", "router"), [("apollo", "apollo"), ("guild", "hive")])
async def test_router_forwards_the_callers_authorization_without_a_service_key(
    node: Node, gateway: GatewayClient, gateway_url: str, composer: str, router: str
) -> None:
    customer_id = await create_customer(gateway, "buyer-0")
    shop = await start_shop(node, [customer_id], ["buyer-0"])
    supergraph = await COMPOSERS[composer](node, gateway, gateway_url, shop)
    router_url = await start_router(node, supergraph, script=ROUTERS[router])
    client = GatewayClient(gateway.http, router_url)

    allowed = await client.execute(ORDER_EMAILS, Authorization=f"Bearer {ROUTER_KEY}")
    refused = await client.execute(ORDER_EMAILS)

    seen = {"customer": {"email": "buyer-0@example.com"}, "buyer": {"email": "buyer-0@example.com"}}
    unseen = {"customer": {"email": None}, "buyer": {"email": None}}
    assert allowed == {"data": {"orders": [seen]}}
    assert refused["data"] == {"orders": [unseen]}
    assert {e["extensions"]["code"] for e in refused["errors"]} == {"UNAUTHENTICATED"}


async def test_entities_resolve_many_references_concurrently(
    gateway: GatewayClient, gateway_settings: Settings, sandbox: Sandbox
) -> None:
    customers = [await create_customer(gateway, f"buyer-{n}") for n in range(30)]
    references = [n % 30 for n in range(100)]  # by id, then by merchant id (routers dedupe)
    representations = [{"__typename": "Customer", "id": customers[n]} for n in references]
    representations += [
        {"__typename": "Customer", "merchantCustomerId": f"buyer-{n}"} for n in references[:60]
    ]
    router = gateway.as_(f"Bearer {ROUTER_KEY}")
    sandbox.clear_requests()
    sandbox.set_latency(20)

    data = await router.data(CUSTOMER_ENTITIES, {"representations": representations})

    assert [entity["id"] for entity in data["_entities"]] == [
        customers[n] for n in references + references[:60]
    ]
    assert data["_entities"][31]["email"] == "buyer-1@example.com"
    assert data["_entities"][131]["email"] == "buyer-1@example.com"
    by_merchant_id = {f"/v1/customers?merchant_customer_id=buyer-{n}" for n in range(30)}
    assert calls(sandbox, "GET", {f"/v1/customers/{c}" for c in customers}) == 30
    assert calls(sandbox, "GET", by_merchant_id) == 30
    assert len(sandbox.requests) == 60  # one call per distinct customer and key, nothing else
    assert 1 < sandbox.max_in_flight <= gateway_settings.max_concurrency
