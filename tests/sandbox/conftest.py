"""Fixtures for emulator tests: a fresh emulator on a real port, and a raw HTTP client to it."""

from collections.abc import AsyncIterator

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from gateway.sandbox import SANDBOX, SandboxConfig, create_sandbox_app
from tests.sandbox.api import Api, Clock


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def emulator_config(clock: Clock) -> SandboxConfig:
    return SandboxConfig(clock=clock, webhook_time_scale=0.001)


@pytest.fixture
async def emulator(emulator_config: SandboxConfig) -> AsyncIterator[TestServer]:
    server = TestServer(create_sandbox_app(emulator_config), host="127.0.0.1")
    await server.start_server()
    yield server
    await server.close()


@pytest.fixture
async def api(emulator: TestServer) -> AsyncIterator[Api]:
    async with aiohttp.ClientSession() as http:
        api = Api(http, str(emulator.make_url("")).rstrip("/"), emulator.app[SANDBOX])
        yield api
        for close in api.closers:
            await close()
