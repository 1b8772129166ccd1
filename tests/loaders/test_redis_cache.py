"""The lookup cache in a real Redis: shared between gateways, JSON under a namespace, and
never a reason to fail a request."""

import json
import logging
from collections.abc import AsyncIterator

import pytest
import redis.asyncio as aioredis
from aiohttp.test_utils import TestServer
from pydantic import TypeAdapter

from gateway.app import create_app
from gateway.loaders import LookupCache, backend_from_settings
from gateway.sandbox import Sandbox
from gateway.settings import Settings
from tests.conftest import SERVICE_KEY, GatewayClient
from tests.services import RedisServer, free_port
from tests.storefront import create_checkout_session, create_customer

SESSION_METHODS = "query($id: ID!) { checkoutSession(id: $id) { paymentMethods { type } } }"


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def gateway_settings(settings: Settings, redis_server: RedisServer) -> Settings:
    return settings.model_copy(update={"cache_url": redis_server.url})


@pytest.fixture
async def second_gateway(
    gateway_settings: Settings, gateway: GatewayClient
) -> AsyncIterator[GatewayClient]:
    server = TestServer(create_app(gateway_settings), host="127.0.0.1")
    await server.start_server()
    yield GatewayClient(gateway.http, str(server.make_url("/graphql")), gateway.authorization)
    await server.close()


def method_list_calls(sandbox: Sandbox) -> int:
    return sum(1 for r in sandbox.requests if r.path.endswith("/payment-methods"))


async def test_a_lookup_cached_by_one_gateway_is_a_hit_on_another(
    gateway: GatewayClient, second_gateway: GatewayClient, sandbox: Sandbox
) -> None:
    session_id = await create_checkout_session(gateway, await create_customer(gateway))
    sandbox.clear_requests()

    await gateway.data(SESSION_METHODS, {"id": session_id})
    await second_gateway.data(SESSION_METHODS, {"id": session_id})

    assert method_list_calls(sandbox) == 1


async def test_entries_are_json_under_the_namespace(
    gateway: GatewayClient, redis_server: RedisServer, gateway_settings: Settings
) -> None:
    session_id = await create_checkout_session(gateway, await create_customer(gateway))
    await gateway.data(SESSION_METHODS, {"id": session_id})

    client = aioredis.from_url(redis_server.url, decode_responses=True)
    try:
        keys = [str(k) for k in await client.keys("*")]
        assert keys
        assert all(k.startswith(gateway_settings.cache_namespace + ":") for k in keys)
        methods_key = next(k for k in keys if ":checkout-methods:" in k)
        stored = await client.get(methods_key)
        assert stored is not None
        assert json.loads(stored)[0]["type"] == "CARD"
    finally:
        await client.aclose()


async def test_gateway_answers_from_yuno_when_redis_is_down(
    gateway: GatewayClient,
    redis_server: RedisServer,
    sandbox: Sandbox,
    caplog: pytest.LogCaptureFixture,
) -> None:
    session_id = await create_checkout_session(gateway, await create_customer(gateway))
    redis_server.stop()

    with caplog.at_level(logging.WARNING, logger="gateway.loaders.cache"):
        data = await gateway.data(SESSION_METHODS, {"id": session_id})

    assert data["checkoutSession"]["paymentMethods"]
    assert "cache get failed; serving from Yuno" in caplog.text


async def test_cache_comes_back_by_itself_when_redis_returns(
    redis_server: RedisServer, settings: Settings
) -> None:
    clock = Clock()
    cache = LookupCache(
        backend_from_settings(settings.model_copy(update={"cache_url": redis_server.url})),
        clock=clock,
    )
    adapter = TypeAdapter(str)
    loads = 0

    async def load() -> str:
        nonlocal loads
        loads += 1
        return "value"

    try:
        redis_server.stop()
        assert await cache.fetch("k", 60, adapter, load) == "value"
        assert cache.failures >= 1
        assert not cache.available

        redis_server.start()
        clock.now += 5
        assert cache.available
        await cache.fetch("k", 60, adapter, load)
        await cache.fetch("k", 60, adapter, load)
        assert loads == 2  # one while down, one to refill; then a hit
        assert cache.hits == 1
    finally:
        await cache.close()


async def test_an_unreachable_redis_never_fails_startup_or_requests(settings: Settings) -> None:
    dead = settings.model_copy(update={"cache_url": f"redis://127.0.0.1:{free_port()}/0"})
    server = TestServer(create_app(dead), host="127.0.0.1")
    await server.start_server()
    try:
        import aiohttp

        async with aiohttp.ClientSession() as http:
            client = GatewayClient(http, str(server.make_url("/graphql")), f"Bearer {SERVICE_KEY}")
            customer_id = await create_customer(client)
            session_id = await create_checkout_session(client, customer_id)
            data = await client.data(SESSION_METHODS, {"id": session_id})
            assert data["checkoutSession"]["paymentMethods"]
    finally:
        await server.close()
