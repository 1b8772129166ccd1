"""Two emulator apps share nothing: records, logs, faults and latency are per instance."""

from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from gateway.sandbox import SANDBOX, FaultRule, SandboxConfig, create_sandbox_app
from tests.sandbox.api import Api


@pytest.fixture
async def other(api: Api) -> AsyncIterator[Api]:
    server = TestServer(create_sandbox_app(SandboxConfig()), host="127.0.0.1")
    await server.start_server()
    async with aiohttp.ClientSession() as http:
        yield Api(http, str(server.make_url("")).rstrip("/"), server.app[SANDBOX])
    await server.close()


async def test_two_instances_share_nothing(api: Api, other: Api) -> None:
    customer = await api.customer("only-here")
    api.sandbox.add_fault(FaultRule("error_500", path_prefix="/v1/payments"))
    api.sandbox.set_latency(5)

    there = await other.call("GET", f"/v1/customers/{customer['id']}")
    again = await other.call("POST", "/v1/customers", {"merchant_customer_id": "only-here"})

    assert there.body["code"] == "CUSTOMER_NOT_FOUND"
    assert again.status == 201
    assert other.sandbox.faults.rules == []
    assert other.sandbox.latency_ms == 0
    assert len(api.sandbox.requests) == 1
    assert len(other.sandbox.requests) == 2
