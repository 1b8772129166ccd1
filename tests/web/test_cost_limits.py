"""What one request, one socket or one client may cost, bounded before the work is done:
memory for parsed documents, CPU for validating them, Yuno calls for lists and sockets."""

import hashlib
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from gateway.app import VIEW
from gateway.sandbox import Sandbox
from gateway.schema.documents import DocumentCache
from gateway.schema.schema import GatewaySchema
from gateway.settings import Settings
from tests.conftest import SERVICE_KEY, GatewayClient
from tests.identity import bearer, customer_token
from tests.live import PROTOCOL, live_socket, subscribe
from tests.storefront import create_customer

ENTITIES = """
query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id } } }
"""
PAYMENT_UPDATED = "subscription($id: ID!) { paymentUpdated(id: $id) { id status } }"


def rss_bytes() -> int:
    """This process's resident set, as the kernel counts it (the gateway runs in it)."""
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * 4096


async def post(gateway: GatewayClient, body: Any, authorization: str | None) -> dict[str, Any]:
    headers = {"Authorization": authorization} if authorization else {}
    async with gateway.http.post(gateway.url, json=body, headers=headers) as response:
        result: dict[str, Any] = await response.json()
        return result


def codes(result: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in result.get("errors", [])]


def heavy_document(n: int) -> str:
    """~50 KB and ~2,600 tokens (under the token limit): it would parse to megabytes."""
    chunks = [f"{'alias' * 8}{n}x{i}: __typename" for i in range(860)]
    return "{ " + " ".join(chunks) + " }"


async def test_600_anonymous_50kb_documents_leave_memory_flat(gateway: GatewayClient) -> None:
    await post(gateway, {"query": heavy_document(-1)}, None)  # warm up the server's path
    before = rss_bytes()

    refused = set()
    for n in range(600):
        result = await post(gateway, {"query": heavy_document(n)}, None)
        refused.update(codes(result))

    assert refused == {"DOCUMENT_TOO_LARGE"}
    assert rss_bytes() - before < 50 * 1024**2


async def test_documents_that_did_not_validate_are_not_kept(
    gateway: GatewayClient, gateway_server: TestServer
) -> None:
    schema = gateway_server.app[VIEW].schema
    assert isinstance(schema, GatewaySchema)
    [cache] = [e for e in schema.extensions if isinstance(e, type) and issubclass(e, DocumentCache)]
    store = cache.store
    kept = len(store)

    for n in range(20):
        result = await post(gateway, {"query": f"{{ noSuchField{n} }}"}, f"Bearer {SERVICE_KEY}")
        assert codes(result) == ["GRAPHQL_VALIDATION_FAILED"]
    await post(gateway, {"query": "{ sdkConfig { environment } }"}, f"Bearer {SERVICE_KEY}")

    assert len(store) == kept + 1


@pytest.mark.parametrize(
    "document",
    [
        "{ " + "sdkConfig { publicApiKey } " * 1_200 + "}",
        "{ " + "sdkConfig { publicApiKey } " * 9 + "}",
        "query { "
        + " ".join(f"...F{i}" for i in range(40))
        + " } "
        + " ".join(f"fragment F{i} on Query {{ sdkConfig {{ publicApiKey }} }}" for i in range(40)),
        "query { ...A } fragment A on Query { ...B ...B2 } "
        + "fragment B on Query { "
        + "sdkConfig { environment } " * 8
        + "} "
        + "fragment B2 on Query { "
        + "sdkConfig { environment } " * 8
        + "}",
    ],
    ids=["1200-repeats", "9-repeats", "40-fragments-same-field", "nested-fragments"],
)
async def test_documents_whose_validation_would_be_costly_are_refused_first(
    gateway: GatewayClient, document: str
) -> None:
    result = await post(gateway, {"query": document}, f"Bearer {SERVICE_KEY}")
    assert codes(result) == ["QUERY_TOO_COMPLEX"]


async def test_repeats_within_the_limit_still_run(gateway: GatewayClient) -> None:
    document = "{ " + "sdkConfig { publicApiKey } " * 8 + "}"
    result = await post(gateway, {"query": document}, f"Bearer {SERVICE_KEY}")
    assert "errors" not in result


async def test_a_batch_of_entities_counts_against_one_budget(
    gateway: GatewayClient, sandbox: Sandbox
) -> None:
    """The attack: 10 batched operations of 200 representations each made 2,000 Yuno calls."""
    customer_id = await create_customer(gateway)
    representations = [{"__typename": "Customer", "id": customer_id}] * 200
    sandbox.clear_requests()

    batch = [{"query": ENTITIES, "variables": {"r": representations}} for _ in range(10)]
    results = await post(gateway, batch, f"Bearer {SERVICE_KEY}")

    assert isinstance(results, list)
    refused = [codes(result) for result in results if "errors" in result]
    assert len(refused) == 9
    assert all(c == ["REQUEST_BUDGET_EXCEEDED"] for c in refused)
    assert len(sandbox.requests) <= 200


async def test_two_aliased_entities_fields_answer_both(gateway: GatewayClient) -> None:
    customer_id = await create_customer(gateway)
    document = (
        "query($r: [_Any!]!) { "
        "a: _entities(representations: $r) { ... on Customer { id } } "
        "b: _entities(representations: $r) { ... on Customer { id } } }"
    )
    variables = {"r": [{"__typename": "Customer", "id": customer_id}]}

    result = await post(gateway, {"query": document, "variables": variables}, gateway.authorization)

    assert result == {"data": {"a": [{"id": customer_id}], "b": [{"id": customer_id}]}}


async def test_an_anonymous_socket_is_refused(gateway_server: TestServer) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.ws_connect(gateway_server.make_url("/graphql"), protocols=[PROTOCOL]) as socket,
    ):
        await socket.send_json({"type": "connection_init", "payload": {}})
        closing = await socket.receive(timeout=10)
    assert closing.type == aiohttp.WSMsgType.CLOSE
    assert closing.data == 4403


async def test_the_legacy_graphql_ws_protocol_is_not_offered(gateway_server: TestServer) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.ws_connect(gateway_server.make_url("/graphql"), protocols=["graphql-ws"]) as socket,
    ):
        assert socket.protocol is None
        closing = await socket.receive(timeout=10)
    assert closing.type == aiohttp.WSMsgType.CLOSE


@pytest.fixture
def gateway_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"rate_limit_per_minute": 1_000})


class TestSocketRateLimit:
    @pytest.fixture
    def gateway_settings(self, settings: Settings) -> Settings:
        return settings.model_copy(update={"rate_limit_per_minute": 5})

    async def test_each_subscribe_counts_against_the_rate_limit(
        self, gateway_server: TestServer, sandbox: Sandbox
    ) -> None:
        """The attack: one socket's subscribe messages made 3,000 Yuno calls in 5 s."""
        sandbox.clear_requests()
        answers: dict[str, str] = {}
        async with live_socket(gateway_server.make_url("/graphql"), f"Bearer {SERVICE_KEY}") as ws:
            for n in range(12):
                missing = hashlib.md5(str(n).encode()).hexdigest()
                await subscribe(ws, PAYMENT_UPDATED, {"id": missing}, id=str(n))
            while len(answers) < 12:
                message = await ws.receive_json(timeout=10)
                if message["type"] == "error":
                    answers[message["id"]] = message["payload"][0]["extensions"]["code"]
                elif message["type"] == "next":
                    answers[message["id"]] = (
                        (message["payload"].get("errors") or [{}])[0]
                        .get("extensions", {})
                        .get("code", "NEXT")
                    )

        assert list(answers.values()).count("RATE_LIMITED") >= 7
        assert len([r for r in sandbox.requests if r.path.startswith("/v1/payments")]) <= 5


@pytest.mark.parametrize(
    ("document", "variables"),
    [
        ('{ customerByMerchantId(merchantCustomerId: "4507 9900 0000 0002") { id } }', {}),
        (
            "query($m: String!) { customerByMerchantId(merchantCustomerId: $m) { id } }",
            {"m": "".join(chr(0xFF10 + int(d)) for d in "4507990000000002")},
        ),
        (
            "query($m: String!) { paymentsByMerchantOrderId(merchantOrderId: $m) { id } }",
            {"m": "order 4507.9900.0000.0002"},
        ),
    ],
    ids=["literal", "fullwidth-variable", "dotted-variable"],
)
async def test_query_arguments_holding_a_card_are_refused_before_yuno(
    gateway: GatewayClient, sandbox: Sandbox, document: str, variables: dict[str, Any]
) -> None:
    sandbox.clear_requests()
    result = await post(
        gateway, {"query": document, "variables": variables}, f"Bearer {SERVICE_KEY}"
    )
    assert codes(result) == ["CARD_NUMBER_NOT_ALLOWED"]
    assert "0002" not in str(result)
    assert sandbox.requests == []


async def test_repeats_that_multiply_down_a_path_are_refused(gateway: GatewayClient) -> None:
    """7 customers each with 8 paymentMethods each with 8 cards: few repeats per selection
    set, 448 merged card fields for the overlap rule (1.8 s of validation)."""
    inner = "paymentMethods { " + "card { lastFour } " * 8 + "} "
    document = "{ " + ('customer(id: "x") { ' + inner * 8 + "} ") * 7 + "}"
    result = await post(gateway, {"query": document}, f"Bearer {SERVICE_KEY}")
    assert codes(result) == ["QUERY_TOO_COMPLEX"]


async def test_a_customer_is_an_entity_by_its_merchant_id_too(gateway: GatewayClient) -> None:
    customer_id = await create_customer(gateway, "merchant-key-1")
    document = (
        "query($r: [_Any!]!) { _entities(representations: $r) "
        "{ ... on Customer { id merchantCustomerId } } }"
    )
    variables = {"r": [{"__typename": "Customer", "merchantCustomerId": "merchant-key-1"}]}
    result = await post(gateway, {"query": document, "variables": variables}, gateway.authorization)
    assert result == {
        "data": {"_entities": [{"id": customer_id, "merchantCustomerId": "merchant-key-1"}]}
    }


async def test_another_shoppers_merchant_id_key_reads_as_missing(gateway: GatewayClient) -> None:
    await create_customer(gateway, "merchant-key-a")
    await create_customer(gateway, "merchant-key-b")
    shopper_b = gateway.as_(bearer(customer_token("merchant-key-b")))
    document = "query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id } } }"
    variables = {"r": [{"__typename": "Customer", "merchantCustomerId": "merchant-key-a"}]}
    assert await shopper_b.data(document, variables) == {"_entities": [None]}
