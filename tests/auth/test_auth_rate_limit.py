"""Failed authentications are rate limited per client address: past
``GATEWAY_AUTH_FAILURES_PER_MINUTE``, the address gets 429 before its credentials are checked;
with Redis, every replica shares the count."""

import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from gateway.app import RUNTIME, create_app
from gateway.settings import Settings
from tests.conftest import SERVICE_KEY
from tests.identity import bearer, customer_token
from tests.services import RedisServer

FAILURES = 5
QUERY = {"query": "{ sdkConfig { environment } }"}
GOOD = f"Bearer {SERVICE_KEY}"
BAD = "Bearer not-a-known-api-key"


@pytest.fixture
def gateway_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"auth_failures_per_minute": FAILURES})


def freeze_the_minute(*servers: TestServer) -> None:
    """Counts are per clock minute: a test must not see one turn halfway."""
    now = time.time()
    for server in servers:
        server.app[RUNTIME].limiter.clock = lambda: now


@pytest.fixture(autouse=True)
def _one_minute(gateway_server: TestServer) -> None:
    freeze_the_minute(gateway_server)


async def post(
    server: TestServer, authorization: str | None, address: str = "127.0.0.1"
) -> tuple[int, Any, Any]:
    """One request from ``address`` (any 127.0.0.0/8 address is this machine)."""
    headers = {} if authorization is None else {"Authorization": authorization}
    connector = aiohttp.TCPConnector(local_addr=(address, 0))
    async with (
        aiohttp.ClientSession(connector=connector) as http,
        http.post(server.make_url("/graphql"), json=QUERY, headers=headers) as response,
    ):
        return response.status, response.headers, await response.json()


async def test_an_address_that_keeps_failing_gets_429_even_with_good_credentials(
    gateway_server: TestServer,
) -> None:
    # given an address that failed to authenticate the allowed number of times
    statuses = [(await post(gateway_server, BAD))[0] for _ in range(FAILURES)]
    assert statuses == [401] * FAILURES
    # when it sends anything with credentials, even valid ones
    for authorization in (BAD, GOOD, bearer(customer_token("shopper-a"))):
        status, headers, body = await post(gateway_server, authorization)
        # then it is refused before they are checked
        assert status == 429
        assert int(headers["Retry-After"]) >= 1
        assert body["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
    # and another address is not affected
    assert (await post(gateway_server, GOOD, address="127.0.0.2"))[0] == 200


async def test_successful_authentications_are_not_counted(gateway_server: TestServer) -> None:
    for _ in range(2 * FAILURES):
        assert (await post(gateway_server, GOOD))[0] == 200
    statuses = [(await post(gateway_server, BAD))[0] for _ in range(FAILURES)]
    assert statuses == [401] * FAILURES


async def test_a_locked_out_address_still_reads_public_fields_without_credentials(
    gateway_server: TestServer,
) -> None:
    for _ in range(FAILURES + 1):
        await post(gateway_server, BAD)
    assert (await post(gateway_server, GOOD))[0] == 429
    assert (await post(gateway_server, None))[0] == 200


@pytest.fixture
async def replicas(
    settings: Settings, redis_server: RedisServer
) -> AsyncIterator[tuple[TestServer, TestServer]]:
    shared = settings.model_copy(
        update={"auth_failures_per_minute": FAILURES, "cache_url": redis_server.url}
    )
    first = TestServer(create_app(shared), host="127.0.0.1")
    second = TestServer(create_app(shared), host="127.0.0.1")
    await first.start_server()
    await second.start_server()
    freeze_the_minute(first, second)
    yield first, second
    await first.close()
    await second.close()


async def test_replicas_share_the_failure_count_through_redis(
    replicas: tuple[TestServer, TestServer],
) -> None:
    first, second = replicas
    for _ in range(FAILURES):
        assert (await post(first, BAD))[0] == 401
    assert (await post(second, GOOD))[0] == 429
