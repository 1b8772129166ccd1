"""Every request is bounded; each limit, crossed, gets its documented error and no Yuno call."""

import uuid
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from gateway.sandbox import Sandbox
from gateway.settings import Settings
from tests.conftest import SERVICE_KEY, GatewayClient
from tests.documents import CREATE_CUSTOMER
from tests.identity import bearer, customer_token

AUTH = {"Authorization": f"Bearer {SERVICE_KEY}"}


@pytest.fixture
def gateway_settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "max_body_bytes": 4096,
            "max_depth": 4,
            "max_aliases": 3,
            "max_tokens": 400,
            "max_batch_operations": 2,
            "max_list_size": 5,
            "rate_limit_per_minute": 30,
        }
    )


async def post(
    server: TestServer, body: Any, headers: dict[str, str] | None = None
) -> tuple[int, Any, Any]:
    async with (
        aiohttp.ClientSession() as http,
        http.post(server.make_url("/graphql"), json=body, headers={**AUTH, **(headers or {})}) as r,
    ):
        return r.status, r.headers, await r.json()


def code(body: Any) -> str:
    errors = body["errors"] if isinstance(body, dict) else body
    result: str = errors[0]["extensions"]["code"]
    return result


async def test_body_size(gateway_server: TestServer, sandbox: Sandbox) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            gateway_server.make_url("/graphql"),
            json={"query": "{ sdkConfig { environment } }", "padding": "x" * 5000},
            headers=AUTH,
        ) as response,
    ):
        assert response.status == 413
    assert sandbox.requests == []


async def test_depth(gateway: GatewayClient, sandbox: Sandbox) -> None:
    deep = (
        '{ payment(id: "p") { checkoutSession { customer '
        "{ paymentMethods { card { brand } } } } } }"
    )
    result = await gateway.execute(deep)
    assert code(result) == "GRAPHQL_VALIDATION_FAILED"
    assert "exceeds maximum operation depth" in result["errors"][0]["message"]
    assert sandbox.requests == []


async def test_aliases(gateway: GatewayClient, sandbox: Sandbox) -> None:
    many = "{ " + " ".join(f'a{n}: customer(id: "{n}") {{ id }}' for n in range(5)) + " }"
    result = await gateway.execute(many)
    assert code(result) == "GRAPHQL_VALIDATION_FAILED"
    assert sandbox.requests == []


async def test_tokens(gateway: GatewayClient, sandbox: Sandbox) -> None:
    huge = "{ " + " ".join("sdkConfig { environment }" for _ in range(100)) + " }"
    result = await gateway.execute(huge)
    assert code(result) == "GRAPHQL_PARSE_FAILED"
    assert "more than 400 tokens" in result["errors"][0]["message"]
    assert sandbox.requests == []


async def test_batch_size(gateway_server: TestServer, sandbox: Sandbox) -> None:
    batch = [{"query": "{ sdkConfig { environment } }"}] * 3
    async with (
        aiohttp.ClientSession() as http,
        http.post(gateway_server.make_url("/graphql"), json=batch, headers=AUTH) as response,
    ):
        assert response.status == 400
        assert "Too many operations" in await response.text()
    assert sandbox.requests == []


async def test_list_argument_size(gateway: GatewayClient, sandbox: Sandbox) -> None:
    representations = [{"__typename": "Customer", "id": str(n)} for n in range(6)]
    result = await gateway.execute(
        "query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id } } }",
        {"r": representations},
    )
    assert code(result) == "LIST_TOO_LONG"
    assert sandbox.requests == []


async def test_rate_per_principal(gateway_server: TestServer, sandbox: Sandbox) -> None:
    query = {"query": "{ sdkConfig { environment } }"}
    shopper = {"Authorization": bearer(customer_token("busy-shopper"))}
    statuses = [(await post(gateway_server, query, shopper))[0] for _ in range(30)]
    assert set(statuses) == {200}
    status, headers, body = await post(gateway_server, query, shopper)
    assert status == 429
    assert int(headers["Retry-After"]) >= 1
    assert code(body) == "RATE_LIMITED"
    # another principal has its own count
    assert (await post(gateway_server, query))[0] == 200
    assert sandbox.requests == []


async def test_get_without_a_preflight_header_is_refused(
    gateway_server: TestServer, sandbox: Sandbox
) -> None:
    params = {"query": "{ sdkConfig { environment } }"}
    async with (
        aiohttp.ClientSession() as http,
        http.get(gateway_server.make_url("/graphql"), params=params) as response,
    ):
        assert response.status == 400
        assert code(await response.json()) == "CSRF_PREVENTED"
    async with (
        aiohttp.ClientSession() as http,
        http.get(
            gateway_server.make_url("/graphql"),
            params=params,
            headers={"apollo-require-preflight": "true"},
        ) as response,
    ):
        assert response.status == 200


@pytest.mark.parametrize(
    "field",
    [
        {"firstName": "4507 9900 0000 0002"},
        {"metadata": [{"key": "note", "value": "card 5252-4400-0000-0002 exp 11/28"}]},
        {
            "billingAddress": {
                "addressLine1": "371449635398431 Main St",
                "city": "Bogota",
                "country": "CO",
            }
        },
    ],
)
async def test_card_numbers_are_refused_before_yuno(
    gateway: GatewayClient, sandbox: Sandbox, field: dict[str, Any]
) -> None:
    data = await gateway.data(CREATE_CUSTOMER, {"input": {"merchantCustomerId": "m-1", **field}})
    [error] = data["createCustomer"]["userErrors"]
    assert error["code"] == "CARD_NUMBER_NOT_ALLOWED"
    assert "0002" not in error["message"]
    assert sandbox.requests == []


async def test_documents_and_phones_are_not_mistaken_for_cards(
    gateway: GatewayClient,
) -> None:
    data = await gateway.data(
        CREATE_CUSTOMER,
        {
            "input": {
                "merchantCustomerId": "company-1",
                "document": {"documentType": "CNPJ", "documentNumber": "45079900000002"},
                "phone": {"countryCode": "55", "number": "11 91234-5678"},
            }
        },
    )
    assert data["createCustomer"]["userErrors"] == []


async def test_introspection_can_be_switched_off(settings: Settings) -> None:
    from gateway.app import create_app

    server = TestServer(create_app(settings.model_copy(update={"introspection": False})))
    await server.start_server()
    try:
        _, _, body = await post(server, {"query": "{ __schema { types { name } } }"})
        assert code(body) == "INTROSPECTION_DISABLED"
    finally:
        await server.close()


def test_ids_are_never_mistaken_for_card_numbers() -> None:
    from gateway.schema.card_numbers import contains_card_number

    assert not contains_card_number("4dd51746-2732-4828-9787-5d8895b0ebe4")
    assert not any(contains_card_number(str(uuid.uuid4())) for _ in range(20_000))
    assert contains_card_number("ref 4dd51746-2732-4828-9787-5d8895b0ebe4 card 4507990000000002")
