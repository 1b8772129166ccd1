"""Fixtures every test shares: a real emulator on a real port, and the real client to it."""

from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from pydantic import SecretStr

from gateway.sandbox import SANDBOX, Sandbox, SandboxConfig, create_sandbox_app
from gateway.settings import Settings
from gateway.yuno.client import YunoClient


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    return SandboxConfig()


@pytest.fixture
async def sandbox_server(sandbox_config: SandboxConfig) -> AsyncIterator[TestServer]:
    server = TestServer(create_sandbox_app(sandbox_config), host="127.0.0.1")
    await server.start_server()
    yield server
    await server.close()


@pytest.fixture
def sandbox(sandbox_server: TestServer) -> Sandbox:
    app: web.Application = sandbox_server.app
    return app[SANDBOX]


@pytest.fixture
def sandbox_url(sandbox_server: TestServer) -> str:
    return str(sandbox_server.make_url("/v1"))


@pytest.fixture
def settings(sandbox_url: str, sandbox_config: SandboxConfig) -> Settings:
    return Settings(
        yuno_public_api_key=sandbox_config.public_api_key,
        yuno_private_secret_key=SecretStr(sandbox_config.private_secret_key),
        yuno_account_id=sandbox_config.account_id,
        yuno_api_url=sandbox_url,
        yuno_timeout=1.0,
        yuno_retry_backoff=0.01,
        yuno_retry_max_backoff=0.05,
        yuno_breaker_reset=0.3,
    )


@pytest.fixture
async def yuno(settings: Settings) -> AsyncIterator[YunoClient]:
    async with YunoClient.from_settings(settings) as client:
        yield client
