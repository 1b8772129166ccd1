"""``/metrics``: what an operator graphs, fed by real traffic."""

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from gateway.sandbox import FaultRule, Sandbox
from gateway.settings import Settings
from tests.conftest import GatewayClient
from tests.storefront import create_checkout_session, create_customer

SESSION_METHODS = "query Methods($id: ID!) { checkoutSession(id: $id) { paymentMethods { type } } }"
SESSION_METHODS_AND_NAMES = SESSION_METHODS.replace("{ type }", "{ type name }")


@pytest.fixture
def gateway_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"yuno_retry_attempts": 1, "yuno_breaker_threshold": 2})


async def scrape(server: TestServer) -> str:
    async with (
        aiohttp.ClientSession() as http,
        http.get(server.make_url("/metrics")) as response,
    ):
        assert response.status == 200
        return await response.text()


def value(text: str, prefix: str) -> float:
    lines = [line for line in text.splitlines() if line.startswith(prefix)]
    assert lines, f"no {prefix} in /metrics"
    return sum(float(line.rsplit(" ", 1)[1]) for line in lines)


async def test_requests_yuno_calls_cache_and_batches_are_counted(
    gateway: GatewayClient, gateway_server: TestServer
) -> None:
    session_id = await create_checkout_session(gateway, await create_customer(gateway))
    await gateway.data(SESSION_METHODS, {"id": session_id})
    await gateway.data(SESSION_METHODS_AND_NAMES, {"id": session_id})  # executes: another
    await gateway.data(SESSION_METHODS_AND_NAMES, {"id": session_id})  # the cached answer

    text = await scrape(gateway_server)
    assert value(text, 'gateway_graphql_requests_total{operation="Methods",outcome="ok"}') == 2
    assert value(text, "gateway_response_cache_hits_total") == 1
    assert value(text, "gateway_response_cache_misses_total") == 2
    assert value(text, "gateway_response_cache_stores_total") == 2
    assert (
        value(
            text,
            'gateway_yuno_calls_total{endpoint="/checkout/sessions/{id}/payment-methods",'
            'method="GET",outcome="ok"}',
        )
        == 1
    )
    assert value(text, "gateway_cache_hits_total") >= 1
    assert value(text, "gateway_cache_misses_total") >= 1
    assert (
        value(text, 'gateway_dataloader_batch_size_count{loader="CheckoutSessionByIdLoader"}') == 2
    )
    assert value(text, "gateway_yuno_breaker_state") == 0
    assert value(text, "gateway_ready") == 1


async def test_breaker_transitions_are_visible(
    gateway: GatewayClient, gateway_server: TestServer, sandbox: Sandbox
) -> None:
    customer_id = await create_customer(gateway)
    sandbox.add_fault(FaultRule(kind="error_503"))
    for _ in range(3):
        await gateway.execute("query($id: ID!) { customer(id: $id) { id } }", {"id": customer_id})

    text = await scrape(gateway_server)
    assert value(text, "gateway_yuno_breaker_state") == 2
    assert value(text, 'gateway_yuno_breaker_transitions_total{to="open"}') == 1
    assert (
        value(
            text,
            'gateway_yuno_calls_total{endpoint="/customers/{id}",method="GET",outcome="YunoCircuitOpen"}',
        )
        == 1
    )
