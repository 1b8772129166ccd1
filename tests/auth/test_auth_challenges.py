"""A refused credential says what to fix, as RFC 6750 asks: ``WWW-Authenticate: Bearer
error=..., error_description=...``, never which key or secret was tried."""

import time

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from tests.auth.test_authentication import VIEWER
from tests.conftest import JWT_SECRET
from tests.identity import bearer, customer_token

CASES = [
    pytest.param(
        bearer(customer_token("shopper-a", expires_in=-120)),
        "invalid_token",
        "expired",
        id="expired",
    ),
    pytest.param(
        bearer(customer_token("shopper-a", nbf=int(time.time()) + 600)),
        "invalid_token",
        "not valid yet",
        id="nbf",
    ),
    pytest.param(
        bearer(customer_token("shopper-a", aud="someone-else")),
        "invalid_token",
        "another audience",
        id="audience",
    ),
    pytest.param(bearer("a.b.c"), "invalid_token", "malformed", id="malformed"),
    pytest.param(
        bearer(customer_token("shopper-a", expires_in=90_000)),
        "invalid_token",
        "lives longer",
        id="too-long-lived",
    ),
    pytest.param(bearer("not-a-key"), "invalid_token", "Unknown credentials", id="api-key"),
    pytest.param("Basic dXNlcjpwYXNz", "invalid_request", "Bearer <token>", id="basic"),
]


@pytest.mark.parametrize(("authorization", "error", "says"), CASES)
async def test_a_refusal_names_what_to_fix(
    gateway_server: TestServer, authorization: str, error: str, says: str
) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            gateway_server.make_url("/graphql"),
            json={"query": VIEWER},
            headers={"Authorization": authorization, "X-Request-ID": "req-401"},
        ) as response,
    ):
        challenge = response.headers["WWW-Authenticate"]
        body = await response.json()

    assert response.status == 401
    assert challenge.startswith(f'Bearer error="{error}", error_description="')
    assert says in challenge
    assert JWT_SECRET not in challenge
    [refused] = body["errors"]
    assert refused["extensions"] == {"code": "UNAUTHENTICATED", "requestId": "req-401"}
