"""A customer token's times are JSON numbers, it lives at most ``GATEWAY_JWT_MAX_LIFETIME``
(24 h by default), and its ``sub`` is never a card number."""

import logging
import time
from typing import Any

import aiohttp
import jwt
import pytest
from aiohttp.test_utils import TestServer

from tests.conftest import JWT_SECRET, GatewayClient
from tests.storefront import create_customer

VIEWER = "{ viewer { merchantCustomerId } }"
NOW = int(time.time())
HOUR = 3600


def signed(**claims: Any) -> str:
    """A token with exactly these claims (no ``iat`` unless given), validly signed."""
    return jwt.encode({"sub": "shopper-a", **claims}, JWT_SECRET, algorithm="HS256")


async def status_of(server: TestServer, token: str) -> int:
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            server.make_url("/graphql"),
            json={"query": VIEWER},
            headers={"Authorization": f"Bearer {token}"},
        ) as response,
    ):
        return response.status


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(signed(iat=NOW, exp=str(NOW + 300)), id="exp-as-a-string"),
        pytest.param(signed(iat=str(NOW), exp=NOW + 300), id="iat-as-a-string"),
        pytest.param(signed(iat=NOW, nbf=str(NOW), exp=NOW + 300), id="nbf-as-a-string"),
        pytest.param(signed(iat=NOW, nbf=False, exp=NOW + 300), id="nbf-as-a-boolean"),
        pytest.param(signed(iat=NOW, exp=253402300799), id="expires-in-year-9999"),
        pytest.param(signed(iat=NOW, exp=NOW + 25 * HOUR), id="lives-25-hours"),
        pytest.param(signed(exp=NOW + 25 * HOUR), id="no-iat-expires-in-25-hours"),
    ],
)
async def test_tokens_with_bad_times_are_refused(gateway_server: TestServer, token: str) -> None:
    assert await status_of(gateway_server, token) == 401


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(signed(iat=NOW, exp=NOW + 300.5), id="fractional-exp"),
        pytest.param(signed(iat=NOW - HOUR, exp=NOW + 23 * HOUR), id="lives-exactly-24-hours"),
        pytest.param(signed(exp=NOW + 23 * HOUR), id="no-iat-expires-in-23-hours"),
    ],
)
async def test_tokens_with_numeric_times_within_the_lifetime_are_accepted(
    gateway: GatewayClient, token: str
) -> None:
    await create_customer(gateway, "shopper-a")
    data = await gateway.as_(f"Bearer {token}").data(VIEWER)
    assert data == {"viewer": {"merchantCustomerId": "shopper-a"}}


@pytest.mark.parametrize("subject", ["4111111111111111", "4111 1111 1111 1111"])
async def test_a_subject_holding_a_card_number_is_refused_and_not_logged(
    gateway_server: TestServer, caplog: pytest.LogCaptureFixture, subject: str
) -> None:
    token = signed(sub=subject, iat=NOW, exp=NOW + 300)
    with caplog.at_level(logging.DEBUG):
        assert await status_of(gateway_server, token) == 401
    assert all(subject not in r.getMessage() for r in caplog.records)
