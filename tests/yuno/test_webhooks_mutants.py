"""What mutation testing (tests/mutation.sh) found unpinned in the webhook verifier: a
signature header that is not UTF-8 is a forged delivery (401), not a crash (500).

aiohttp reads header bytes that are not UTF-8 as lone surrogates; ``signature_matches``
encodes them back with ``surrogateescape`` so the comparison still runs in constant time.
The request is written by hand because an HTTP client would not send such bytes.
"""

import asyncio
import json

import pytest
from aiohttp.test_utils import TestServer
from pydantic import SecretStr

from gateway.settings import Settings
from gateway.yuno.webhooks import signature

SECRET = "mutants-webhook-secret"
BODY = json.dumps({"type": "payment", "type_event": "payment.succeeded", "data": {}}).encode()


@pytest.fixture
def gateway_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"yuno_webhook_secret": SecretStr(SECRET)})


async def status_of_delivery(server: TestServer, raw_signature: bytes) -> int:
    reader, writer = await asyncio.open_connection(server.host, server.port)
    try:
        writer.write(
            b"POST /webhooks/yuno HTTP/1.1\r\n"
            + f"Host: {server.host}:{server.port}\r\n".encode()
            + b"Content-Type: application/json\r\n"
            + f"Content-Length: {len(BODY)}\r\n".encode()
            + b"Connection: close\r\n"
            + b"x-hmac-signature: "
            + raw_signature
            + b"\r\n\r\n"
            + BODY
        )
        await writer.drain()
        status_line = await reader.readline()
    finally:
        writer.close()
        await writer.wait_closed()
    return int(status_line.split()[1])


@pytest.mark.parametrize(
    ("signed", "tail"),
    [
        pytest.param(False, b"\xff\xfe", id="not-utf-8"),
        pytest.param(True, b"\xc3", id="valid-then-a-broken-byte"),
    ],
)
async def test_a_signature_that_is_not_utf_8_is_refused_not_a_crash(
    gateway_server: TestServer, signed: bool, tail: bytes
) -> None:
    # Signed here, not in the parameters: mutation testing swaps signature() after import.
    raw_signature = (signature(SECRET, BODY).encode() if signed else b"") + tail
    assert await status_of_delivery(gateway_server, raw_signature) == 401


async def test_the_raw_request_is_heard_when_the_signature_is_right(
    gateway_server: TestServer,
) -> None:
    """The same hand-written request, correctly signed, gets past the signature check."""
    assert await status_of_delivery(gateway_server, signature(SECRET, BODY).encode()) != 401
