"""The edge tells queries, mutations and subscriptions apart by the parsed document, not by
matching text: each of these used to get the wrong answer."""

from typing import Any

from tests.conftest import SERVICE_KEY, GatewayClient

AUTH = {"Authorization": f"Bearer {SERVICE_KEY}"}


async def _get(gateway: GatewayClient, params: dict[str, str], **headers: str) -> Any:
    async with gateway.http.get(gateway.url, params=params, headers=headers) as response:
        return response.status, await response.json()


async def test_a_query_whose_string_argument_says_mutation_runs_over_get(
    gateway: GatewayClient,
) -> None:
    query = '{ paymentsByMerchantOrderId(merchantOrderId: "mutation order") { id } }'
    status, body = await _get(gateway, {"query": query}, **AUTH)
    assert (status, body) == (200, {"data": {"paymentsByMerchantOrderId": []}})


async def test_an_anonymous_query_over_get_runs(gateway: GatewayClient) -> None:
    status, body = await _get(
        gateway,
        {"query": "query Config { sdkConfig { environment } }"},
        **{"apollo-require-preflight": "true"},
    )
    assert (status, body) == (200, {"data": {"sdkConfig": {"environment": "SANDBOX"}}})


async def test_a_mutation_over_get_is_405_even_after_a_fragment(gateway: GatewayClient) -> None:
    query = (
        "fragment C on Customer { id } "
        'mutation { createCustomer(input: {merchantCustomerId: "m"}) { customer { ...C } } }'
    )
    async with gateway.http.get(gateway.url, params={"query": query}, headers=AUTH) as response:
        assert response.status == 405
        assert response.headers["Allow"] == "POST"


async def test_a_subscription_after_a_fragment_is_refused_over_plain_http(
    gateway: GatewayClient,
) -> None:
    document = (
        "fragment P on Payment { id status } "
        'subscription { paymentUpdated(id: "6f0e1f7a-3c1b-4d2e-9a8b-7c6d5e4f3a2b") { ...P } }'
    )
    result = await gateway.execute(document)
    assert [e["extensions"]["code"] for e in result["errors"]] == ["SUBSCRIPTION_NEEDS_WEBSOCKET"]


async def test_a_batch_runs_mutations_in_order_only_when_it_holds_one(
    gateway: GatewayClient,
) -> None:
    """A query whose text mentions "mutation" is still a query; the batch answers both."""
    batch = [
        {"query": '{ paymentsByMerchantOrderId(merchantOrderId: "mutation") { id } }'},
        {"query": "{ sdkConfig { environment } }"},
    ]
    async with gateway.http.post(gateway.url, json=batch, headers=AUTH) as response:
        answers = await response.json()
    assert answers == [
        {"data": {"paymentsByMerchantOrderId": []}},
        {"data": {"sdkConfig": {"environment": "SANDBOX"}}},
    ]
