"""Every log line written while a request is served names that request."""

import io
import json
import logging
from collections.abc import Iterator

import pytest
from aiohttp.test_utils import TestServer

from gateway.logs import JsonFormatter
from tests.conftest import GatewayClient


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield stream
    root.removeHandler(handler)
    root.setLevel(previous)


async def test_each_log_line_of_a_request_carries_its_request_id(
    gateway: GatewayClient, gateway_server: TestServer, log_lines: io.StringIO
) -> None:
    """A refused token is logged by the authentication middleware, before any resolver."""
    async with gateway.http.post(
        gateway.url,
        json={"query": "{ viewer { id } }"},
        headers={"Authorization": "Bearer a.b.c", "X-Request-ID": "req-logs-1"},
    ) as response:
        assert response.status == 401
    lines = [json.loads(line) for line in log_lines.getvalue().splitlines()]
    mine = [line for line in lines if line.get("logger", "").startswith("gateway")]

    assert mine, lines
    assert {line.get("request_id") for line in mine} == {"req-logs-1"}
