"""Fixtures every test shares: a real emulator on a real port, and the real client to it."""

import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from pydantic import SecretStr

from gateway.app import create_app
from gateway.sandbox import SANDBOX, Sandbox, SandboxConfig, create_sandbox_app
from gateway.settings import Settings
from gateway.yuno.client import YunoClient
from tests.services import RedisServer

#: The real browser's fixtures (chromium, page, page_log).
pytest_plugins = ["tests.browser"]

#: The back office's key in tests: every scope.
SERVICE_KEY = "test-service-key-with-every-scope"
#: The identity provider's HS256 secret in tests.
JWT_SECRET = "test-identity-provider-secret-0123456789"


#: Yuno's webhook retry schedule (5 min to 96 h) compressed ten thousand times: seconds.
WEBHOOK_TIME_SCALE = 0.0001


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    return SandboxConfig(webhook_time_scale=WEBHOOK_TIME_SCALE)


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
        yuno_timeout=5.0,  # generous: CI shares 2 cores with a browser; fault tests lower it
        yuno_retry_backoff=0.01,
        yuno_retry_max_backoff=0.05,
        yuno_breaker_reset=0.3,
        api_keys=SecretStr(json.dumps({SERVICE_KEY: ["*"]})),
        jwt_secret=SecretStr(JWT_SECRET),
    )


@pytest.fixture
async def yuno(settings: Settings) -> AsyncIterator[YunoClient]:
    async with YunoClient.from_settings(settings) as client:
        yield client


@pytest.fixture
def redis_server(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def gateway_settings(settings: Settings) -> Settings:
    """The gateway's settings: the test emulator as its Yuno, memory cache."""
    return settings


@pytest.fixture
async def gateway_server(gateway_settings: Settings) -> AsyncIterator[TestServer]:
    server = TestServer(create_app(gateway_settings), host="127.0.0.1")
    await server.start_server()
    yield server
    await server.close()


@pytest.fixture
async def gateway(gateway_server: TestServer) -> AsyncIterator["GatewayClient"]:
    async with aiohttp.ClientSession() as http:
        yield GatewayClient(http, str(gateway_server.make_url("/graphql")), f"Bearer {SERVICE_KEY}")


class GatewayClient:
    """A GraphQL client as an app would use one: JSON over HTTP POST to /graphql."""

    def __init__(
        self, http: aiohttp.ClientSession, url: str, authorization: str | None = None
    ) -> None:
        self.http = http
        self.url = url
        self.authorization = authorization

    def as_(self, authorization: str | None) -> "GatewayClient":
        """The same gateway, seen by another caller."""
        return GatewayClient(self.http, self.url, authorization)

    async def execute(
        self, document: str, variables: dict[str, Any] | None = None, **headers: str
    ) -> dict[str, Any]:
        """The response body; asserts the HTTP exchange itself succeeded."""
        body = {"query": document, "variables": variables or {}}
        if self.authorization is not None:
            headers.setdefault("Authorization", self.authorization)
        async with self.http.post(self.url, json=body, headers=headers) as response:
            assert response.status == 200, await response.text()
            result: dict[str, Any] = await response.json()
            return result

    async def data(self, document: str, variables: dict[str, Any] | None = None) -> Any:
        """The ``data`` of a response that must have no errors."""
        result = await self.execute(document, variables)
        assert "errors" not in result, result["errors"]
        return result["data"]
