"""Inputs that used to reach Yuno malformed or answer differently from a missing thing."""

from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from pydantic import SecretStr

from gateway.app import create_app
from gateway.sandbox import Sandbox, SandboxConfig
from gateway.settings import Settings
from tests.conftest import SERVICE_KEY, GatewayClient
from tests.resolvers.test_checkout_flows import enroll_card
from tests.storefront import create_checkout_session, create_customer

READS = {
    "customer": "query($id: ID!) { customer(id: $id) { id } }",
    "checkoutSession": "query($id: ID!) { checkoutSession(id: $id) { id } }",
    "payment": "query($id: ID!) { payment(id: $id) { id } }",
}
PAY = """
mutation($input: CreatePaymentInput!) {
  createPayment(input: $input) { payment { id } userErrors { field code message } }
}"""


@pytest.mark.parametrize("field", READS)
@pytest.mark.parametrize("bad_id", ["%2e%2e", "", "/", "?", "#", "..", "a/b", "x%2Fy"])
async def test_a_malformed_id_reads_as_missing_without_asking_yuno(
    gateway: GatewayClient, sandbox: Sandbox, field: str, bad_id: str
) -> None:
    sandbox.clear_requests()
    data = await gateway.data(READS[field], {"id": bad_id})
    assert data == {field: None}
    assert sandbox.requests == []


async def test_another_customers_vaulted_token_answers_like_an_unknown_one(
    gateway: GatewayClient, sandbox: Sandbox, sandbox_url: str, sandbox_config: SandboxConfig
) -> None:
    owner = await create_customer(gateway, "owner")
    card = await enroll_card(gateway, sandbox_url, sandbox_config.public_api_key, owner)
    other = await create_customer(gateway, "other")
    answers = []
    for token in (card, "6f0e1f7a-3c1b-4d2e-9a8b-7c6d5e4f3a2b"):
        session_id = await create_checkout_session(gateway, other, order=f"o-{token[:4]}")
        sandbox.clear_requests()
        data = await gateway.data(
            PAY,
            {"input": {"checkoutSessionId": session_id, "paymentMethod": {"vaultedToken": token}}},
        )
        answers.append(data["createPayment"])
        assert not [r for r in sandbox.requests if r.method == "POST"]
    assert answers[0] == answers[1]
    assert answers[0]["userErrors"][0]["code"] == "PAYMENT_METHOD_NOT_FOUND"


async def test_a_decimal_with_too_many_integer_digits_says_so(gateway: GatewayClient) -> None:
    result = await gateway.execute(
        "mutation($input: CreateCheckoutSessionInput!) "
        "{ createCheckoutSession(input: $input) { userErrors { code } } }",
        {
            "input": {
                "customerId": "c",
                "merchantOrderId": "o",
                "paymentDescription": "d",
                "country": "CO",
                "amount": {"value": "123456789012345", "currency": "COP"},
            }
        },
    )
    assert "14 integer digits" in result["errors"][0]["message"]


def production(settings: Settings, **changes: Any) -> Settings:
    return settings.model_copy(update={"yuno_public_api_key": "prod_merchant_key", **changes})


async def _get(server: TestServer, path: str, **headers: str) -> tuple[int, str]:
    async with (
        aiohttp.ClientSession() as http,
        http.get(server.make_url(path), headers=headers) as response,
    ):
        return response.status, await response.text()


async def test_production_keys_close_graphiql_introspection_and_metrics(settings: Settings) -> None:
    server = TestServer(create_app(production(settings)), host="127.0.0.1")
    await server.start_server()
    try:
        _, page = await _get(server, "/graphql", Accept="text/html")
        assert "graphiql" not in page.lower()
        assert (await _get(server, "/metrics"))[0] == 404
        status, body = await _get(
            server,
            "/graphql?query=%7B__schema%7Btypes%7Bname%7D%7D%7D",
            Authorization=f"Bearer {SERVICE_KEY}",
        )
        assert "INTROSPECTION_DISABLED" in body, (status, body)
    finally:
        await server.close()


async def test_metrics_behind_a_token_ask_for_it(settings: Settings) -> None:
    tuned = production(settings, metrics_token=SecretStr("metrics-secret"))
    server = TestServer(create_app(tuned), host="127.0.0.1")
    await server.start_server()
    try:
        assert (await _get(server, "/metrics"))[0] == 401
        assert (await _get(server, "/metrics", Authorization="Bearer wrong"))[0] == 401
        status, body = await _get(server, "/metrics", Authorization="Bearer metrics-secret")
        assert status == 200
        assert "gateway_" in body
    finally:
        await server.close()


async def test_production_keys_may_still_open_graphiql_and_introspection(
    settings: Settings,
) -> None:
    tuned = production(settings, graphiql=True, introspection=True)
    server = TestServer(create_app(tuned), host="127.0.0.1")
    await server.start_server()
    try:
        status, body = await _get(server, "/graphql", Accept="text/html")
        assert status == 200
        assert "graphiql" in body.lower()
    finally:
        await server.close()
