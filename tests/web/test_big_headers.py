"""A request too malformed to reach the app (a header past 8 KB, a broken header) gets a
short JSON error that quotes none of it, one log line without a traceback, and the server
carries on."""

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from gateway.app import create_app
from gateway.sandbox import SandboxConfig
from gateway.settings import Settings
from gateway.web.protocol import answer_unparsable_requests
from tests.conftest import JWT_SECRET, SERVICE_KEY
from tests.services import GatewayProcess

SECRET = b"eyJhbGciOiJIUzI1NiJ9.secret-part-of-the-token"
OVERSIZED = b"Authorization: Bearer " + SECRET + b"x" * (9 * 1024)
BROKEN = b"Authori\x01zation: Bearer " + SECRET
QUERY = b'{"query": "{ sdkConfig { environment } }"}'


@pytest.fixture
async def port(gateway_settings: Settings) -> AsyncIterator[int]:
    """The gateway as ``gateway serve`` runs it (``gateway.server``), on a free port."""
    runner = web.AppRunner(create_app(gateway_settings), access_log=None)
    await runner.setup()
    answer_unparsable_requests(runner)
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    yield runner.addresses[0][1]
    await runner.cleanup()


async def exchange(port: int, header: bytes) -> tuple[int, bytes]:
    """One raw HTTP/1.1 request with ``header``; the status and the whole answer."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(
        b"POST /graphql HTTP/1.1\r\nHost: gateway\r\nConnection: close\r\n"
        b"Content-Type: application/json\r\n"
        b"Content-Length: %d\r\n%s\r\n\r\n%s" % (len(QUERY), header, QUERY)
    )
    await writer.drain()
    answer = await reader.read()
    writer.close()
    await writer.wait_closed()
    return int(answer.split(b" ", 2)[1]), answer


def body_of(answer: bytes) -> Any:
    return json.loads(answer.partition(b"\r\n\r\n")[2])


@pytest.mark.parametrize(
    ("header", "status", "code"),
    [
        pytest.param(OVERSIZED, 431, "HEADERS_TOO_LARGE", id="9-kb-authorization"),
        pytest.param(BROKEN, 400, "BAD_REQUEST", id="control-character-in-a-name"),
    ],
)
async def test_unparsable_requests_get_a_json_error_without_their_bytes(
    port: int, caplog: pytest.LogCaptureFixture, header: bytes, status: int, code: str
) -> None:
    with caplog.at_level(logging.DEBUG):
        answered, answer = await exchange(port, header)
    assert answered == status
    [error] = body_of(answer)["errors"]
    assert error["extensions"] == {"code": code}
    assert SECRET not in answer
    assert [r for r in caplog.records if r.exc_info] == []
    assert all(SECRET.decode() not in r.getMessage() for r in caplog.records)
    # and the server still answers the next request
    answered, _ = await exchange(port, f"Authorization: Bearer {SERVICE_KEY}".encode())
    assert answered == 200


async def test_gateway_serve_answers_an_oversized_header_cleanly(
    sandbox_url: str, sandbox_config: SandboxConfig, tmp_path: Path
) -> None:
    process = GatewayProcess(
        {
            "YUNO_PUBLIC_API_KEY": sandbox_config.public_api_key,
            "YUNO_PRIVATE_SECRET_KEY": sandbox_config.private_secret_key,
            "YUNO_ACCOUNT_ID": sandbox_config.account_id,
            "YUNO_API_URL": sandbox_url,
            "GATEWAY_API_KEYS": json.dumps({SERVICE_KEY: ["*"]}),
            "GATEWAY_JWT_SECRET": JWT_SECRET,
        },
        tmp_path / "gateway.log",
    )
    process.start()
    try:
        status, answer = await exchange(process.port, OVERSIZED)
    finally:
        assert process.terminate() == 0
    assert status == 431
    assert SECRET not in answer
    assert "Traceback" not in process.log()
    assert SECRET.decode() not in process.log()
