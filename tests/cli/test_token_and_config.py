"""``gateway token`` signs a shopper token the gateway accepts; a setting that cannot work
is one line naming it, and exit status 2."""

import os
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import jwt
import pytest
from aiohttp.test_utils import TestServer

from gateway.app import DEV_JWT_SECRET, create_app
from gateway.settings import Settings
from tests.conftest import JWT_SECRET, GatewayClient
from tests.services import free_port

GATEWAY = str(Path(sys.executable).parent / "gateway")


def run(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("YUNO_", "GATEWAY_"))}
    return subprocess.run(
        [GATEWAY, *args], capture_output=True, text=True, env={**clean, **env}, timeout=60
    )


def test_gateway_token_signs_the_claims_asked_for() -> None:
    made = run(
        "token",
        "--sub",
        "shopper-1",
        "--scope",
        "payments:refund",
        "--ttl",
        "600",
        GATEWAY_JWT_SECRET=JWT_SECRET,
    )
    assert made.returncode == 0, made.stderr
    claims = jwt.decode(made.stdout.strip(), JWT_SECRET, algorithms=["HS256"])
    assert claims["sub"] == "shopper-1"
    assert claims["scope"] == "payments:refund"
    assert claims["exp"] - claims["iat"] == 600
    assert abs(claims["iat"] - time.time()) < 60


async def test_the_gateway_accepts_a_token_it_printed(
    gateway: GatewayClient, gateway_server: TestServer
) -> None:
    made = run("token", "--sub", "shopper-1", GATEWAY_JWT_SECRET=JWT_SECRET)
    shopper = gateway.as_(f"Bearer {made.stdout.strip()}")
    data = await shopper.data("{ viewer { id } }")
    assert data == {"viewer": None}  # authenticated; shopper-1 is not a Yuno customer yet


def test_gateway_token_in_sandbox_mode_uses_the_sandbox_secret() -> None:
    made = run("token", "--sub", "shopper-1")
    assert made.returncode == 0, made.stderr
    claims = jwt.decode(made.stdout.strip(), DEV_JWT_SECRET, algorithms=["HS256"])
    assert claims["sub"] == "shopper-1"


@pytest.mark.parametrize(
    ("env", "names"),
    [
        ({"GATEWAY_PORT": "eighty"}, "GATEWAY_PORT"),
        ({"YUNO_PUBLIC_API_KEY": "prod_x", "YUNO_PRIVATE_SECRET_KEY": "s"}, "GATEWAY_API_KEYS"),
    ],
    ids=["bad-port", "production-without-client-auth"],
)
def test_a_setting_that_cannot_work_is_one_line_and_status_2(
    env: dict[str, str], names: str
) -> None:
    failed = run("serve", **env)
    assert failed.returncode == 2
    lines = failed.stderr.strip().splitlines()
    assert len(lines) == 1, failed.stderr
    assert names in lines[0]
    assert "Traceback" not in failed.stderr


async def test_the_embedded_emulator_listens_where_it_is_told() -> None:
    port = free_port()
    server = TestServer(create_app(Settings(sandbox_port=port)), host="127.0.0.1")
    await server.start_server()
    try:
        async with aiohttp.ClientSession() as http:
            gateway = GatewayClient(http, str(server.make_url("/graphql")))
            data = await gateway.data("{ sdkConfig { apiBaseUrl } }")
    finally:
        await server.close()
    assert data["sdkConfig"]["apiBaseUrl"] == f"http://127.0.0.1:{port}/v1"
