"""The ``gateway`` command as a user runs it: the emulator alone answering the README's curl,
and the schema export."""

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import aiohttp

from gateway.sandbox import DEV_PRIVATE_SECRET_KEY, DEV_PUBLIC_API_KEY
from tests.services import GatewayProcess, free_port, wait_for_port

GATEWAY = str(Path(sys.executable).parent / "gateway")


async def test_gateway_sandbox_answers_the_readme_request(tmp_path: Path) -> None:
    port = free_port()
    log = (tmp_path / "sandbox.log").open("wb")
    process = await asyncio.create_subprocess_exec(
        GATEWAY, "sandbox", "--port", str(port), stdout=log, stderr=subprocess.STDOUT
    )
    try:
        await asyncio.to_thread(wait_for_port, port, 30)
        headers = {
            "public-api-key": DEV_PUBLIC_API_KEY,
            "private-secret-key": DEV_PRIVATE_SECRET_KEY,
        }
        async with (
            aiohttp.ClientSession() as http,
            http.post(
                f"http://127.0.0.1:{port}/v1/customers",
                json={"merchant_customer_id": "shopper-1"},
                headers=headers,
            ) as response,
        ):
            assert response.status == 201
            assert (await response.json())["merchant_customer_id"] == "shopper-1"
    finally:
        process.terminate()
        await asyncio.wait_for(process.wait(), timeout=10)
        log.close()
    assert f"http://127.0.0.1:{port}/v1" in (tmp_path / "sandbox.log").read_text()


def test_export_schema_prints_the_sdl() -> None:
    out = subprocess.run([GATEWAY, "export-schema"], capture_output=True, text=True, check=True)
    assert "type Query" in out.stdout
    assert "paymentUpdated(id: ID!): Payment!" in out.stdout


async def test_gateway_serve_without_configuration_is_sandbox_mode_and_says_so_first(
    tmp_path: Path,
) -> None:
    gateway = GatewayProcess({}, tmp_path / "serve.log")
    await asyncio.to_thread(gateway.start)
    try:
        async with (
            aiohttp.ClientSession() as http,
            http.post(
                gateway.url + "/graphql", json={"query": "{ sdkConfig { environment } }"}
            ) as response,
        ):
            assert (await response.json())["data"]["sdkConfig"]["environment"] == "SANDBOX"
    finally:
        assert await asyncio.to_thread(gateway.terminate) == 0
    first = json.loads(gateway.log().splitlines()[0])
    assert "sandbox mode" in first["message"]
    assert "embedded Yuno emulator" in first["message"]
