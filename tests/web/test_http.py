"""GraphQL over HTTP as the spec and real clients expect it from the gateway."""

from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from gateway.sandbox import Sandbox
from tests.conftest import SERVICE_KEY

GRAPHQL_RESPONSE = "application/graphql-response+json"
QUERY = "{ sdkConfig { environment } }"


@pytest.fixture
async def http() -> Any:
    async with aiohttp.ClientSession(headers={"Authorization": f"Bearer {SERVICE_KEY}"}) as session:
        yield session


def url(server: TestServer, path: str = "/graphql") -> str:
    return str(server.make_url(path))


async def test_post_json_answers_json(
    gateway_server: TestServer, http: aiohttp.ClientSession
) -> None:
    async with http.post(url(gateway_server), json={"query": QUERY}) as response:
        assert response.status == 200
        assert response.content_type == "application/json"
        assert await response.json() == {"data": {"sdkConfig": {"environment": "SANDBOX"}}}
        assert response.headers["X-Request-ID"]


async def test_get_runs_queries(gateway_server: TestServer, http: aiohttp.ClientSession) -> None:
    async with http.get(url(gateway_server), params={"query": QUERY}) as response:
        assert response.status == 200
        assert (await response.json())["data"]["sdkConfig"]["environment"] == "SANDBOX"


async def test_graphql_response_media_type_when_asked(
    gateway_server: TestServer, http: aiohttp.ClientSession
) -> None:
    headers = {"Accept": GRAPHQL_RESPONSE}
    async with http.post(url(gateway_server), json={"query": QUERY}, headers=headers) as response:
        assert response.status == 200
        assert response.content_type == GRAPHQL_RESPONSE


async def test_invalid_document_is_400_under_graphql_response(
    gateway_server: TestServer, http: aiohttp.ClientSession
) -> None:
    headers = {"Accept": GRAPHQL_RESPONSE}
    body = {"query": "{ noSuchField }"}
    async with http.post(url(gateway_server), json=body, headers=headers) as response:
        assert response.status == 400
        result = await response.json(content_type=GRAPHQL_RESPONSE)
        assert "data" not in result
        assert result["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"


async def test_text_that_is_not_graphql_is_a_parse_error(
    gateway_server: TestServer, http: aiohttp.ClientSession
) -> None:
    async with http.post(url(gateway_server), json={"query": "hello there"}) as response:
        result = await response.json()
        assert result["errors"][0]["extensions"]["code"] == "GRAPHQL_PARSE_FAILED"
        assert result["data"] is None


async def test_malformed_json_is_400(
    gateway_server: TestServer, http: aiohttp.ClientSession
) -> None:
    headers = {"Content-Type": "application/json"}
    async with http.post(url(gateway_server), data=b'{"query": ', headers=headers) as response:
        assert response.status == 400


async def test_mutation_over_get_is_405_with_allow(
    gateway_server: TestServer, http: aiohttp.ClientSession, sandbox: Sandbox
) -> None:
    document = (
        'mutation { createCustomer(input: {merchantCustomerId: "x"}) { userErrors { code } } }'
    )
    async with http.get(url(gateway_server), params={"query": document}) as response:
        assert response.status == 405
        assert response.headers["Allow"] == "POST"
    assert sandbox.requests == []


async def test_unsupported_content_type_is_415(
    gateway_server: TestServer, http: aiohttp.ClientSession
) -> None:
    headers = {"Content-Type": "text/plain"}
    async with http.post(url(gateway_server), data=QUERY, headers=headers) as response:
        assert response.status == 415


async def test_batch_runs_mutations_in_order(
    gateway_server: TestServer, http: aiohttp.ClientSession, sandbox: Sandbox
) -> None:
    create = (
        'mutation { createCustomer(input: {merchantCustomerId: "%s"}) '
        "{ customer { merchantCustomerId } userErrors { code } } }"
    )
    batch = [{"query": create % f"batch-{n}"} for n in range(5)]
    async with http.post(url(gateway_server), json=batch) as response:
        assert response.status == 200
        results = await response.json()
    names = [r["data"]["createCustomer"]["customer"]["merchantCustomerId"] for r in results]
    assert names == [f"batch-{n}" for n in range(5)]
    logged = [r.body for r in sandbox.requests if r.path == "/v1/customers"]
    assert [f"batch-{n}" in body for n, body in enumerate(logged)] == [True] * 5


async def test_batch_over_the_cap_is_refused(
    gateway_server: TestServer, http: aiohttp.ClientSession
) -> None:
    batch = [{"query": QUERY}] * 11
    async with http.post(url(gateway_server), json=batch) as response:
        assert response.status == 400


async def test_request_id_is_carried_back(
    gateway_server: TestServer, http: aiohttp.ClientSession
) -> None:
    headers = {"X-Request-ID": "client-abc-123"}
    async with http.post(url(gateway_server), json={"query": QUERY}, headers=headers) as response:
        assert response.headers["X-Request-ID"] == "client-abc-123"


async def test_health_endpoints(gateway_server: TestServer, http: aiohttp.ClientSession) -> None:
    async with http.get(url(gateway_server, "/healthz")) as response:
        assert response.status == 200
    async with http.get(url(gateway_server, "/readyz")) as response:
        assert (await response.json()) == {"status": "ready"}


async def test_request_id_reaches_yuno(
    gateway_server: TestServer, http: aiohttp.ClientSession, sandbox: Sandbox
) -> None:
    body = {"query": '{ customer(id: "00000000-0000-4000-8000-000000000000") { id } }'}
    headers = {"X-Request-ID": "trace-me-42"}
    async with http.post(url(gateway_server), json=body, headers=headers) as response:
        assert response.status == 200
    assert [r.request_id for r in sandbox.requests] == ["trace-me-42"]


async def test_a_browser_gets_graphiql_from_the_package(gateway_server: TestServer) -> None:
    async with (
        aiohttp.ClientSession() as anonymous,
        anonymous.get(url(gateway_server), headers={"Accept": "text/html"}) as response,
    ):
        assert response.status == 200
        assert response.content_type == "text/html"
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
        page = await response.text()
    assert "/graphiql/static/graphiql-3.9.0.min.js" in page
    assert "https://" not in page
