"""What mutation testing (tests/mutation.sh) found unpinned in ``web.browsers``: the words
of the CSRF refusal, and CORS, which no other test sent a request with an ``Origin`` for."""

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from gateway.settings import Settings
from tests.conftest import SERVICE_KEY

SHOP = "https://shop.example"
SDK_CONFIG = "{ sdkConfig { environment } }"


@pytest.fixture
def gateway_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"cors_origins": [SHOP]})


async def test_a_csrf_refusal_says_how_to_send_the_get_and_names_its_request(
    gateway_server: TestServer,
) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.get(
            gateway_server.make_url("/graphql"),
            params={"query": SDK_CONFIG},
            headers={"X-Request-ID": "req-csrf"},
        ) as response,
    ):
        body = await response.json()

    assert response.status == 400
    assert body == {
        "errors": [
            {
                "message": "This GET could be a cross-site request forgery: send it with an "
                "'apollo-require-preflight: true' header, or use POST with JSON.",
                "extensions": {"code": "CSRF_PREVENTED", "requestId": "req-csrf"},
            }
        ]
    }


async def test_a_preflight_from_an_allowed_origin_is_answered_here(
    gateway_server: TestServer,
) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.options(
            gateway_server.make_url("/graphql"),
            headers={
                "Origin": SHOP,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization, content-type",
            },
        ) as response,
    ):
        headers = response.headers

    assert response.status == 204
    assert headers["Access-Control-Allow-Origin"] == SHOP
    assert headers["Access-Control-Allow-Methods"] == "GET, POST"
    assert headers["Access-Control-Allow-Headers"] == (
        "Authorization, Content-Type, Accept, X-Request-ID, "
        "apollo-require-preflight, x-apollo-operation-name"
    )
    assert headers["Access-Control-Max-Age"] == "600"
    assert headers["Vary"] == "Origin"


async def test_an_allowed_origin_may_read_the_answer_and_its_request_id(
    gateway_server: TestServer,
) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.post(
            gateway_server.make_url("/graphql"),
            json={"query": SDK_CONFIG},
            headers={"Origin": SHOP, "Authorization": f"Bearer {SERVICE_KEY}"},
        ) as response,
    ):
        body = await response.json()

    assert response.status == 200
    assert body["data"]["sdkConfig"]["environment"] == "SANDBOX"
    assert response.headers["Access-Control-Allow-Origin"] == SHOP
    assert response.headers["Access-Control-Expose-Headers"] == "X-Request-ID"
    assert response.headers["Vary"] == "Origin"


@pytest.mark.parametrize("method", ["OPTIONS", "POST"])
async def test_another_origin_gets_no_cors_headers(gateway_server: TestServer, method: str) -> None:
    async with (
        aiohttp.ClientSession() as http,
        http.request(
            method,
            gateway_server.make_url("/graphql"),
            json={"query": SDK_CONFIG},
            headers={
                "Origin": "https://evil.example",
                "Access-Control-Request-Method": "POST",
                "Authorization": f"Bearer {SERVICE_KEY}",
            },
        ) as response,
    ):
        await response.read()

    assert response.status != 204
    assert not [name for name in response.headers if name.lower().startswith("access-control-")]
