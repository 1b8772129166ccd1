"""The emulator's SDK routes are what a shopper's browser calls with Yuno's public key:
they take that key alone and answer pages of the configured origins (CORS); server routes
never do."""

import pytest

from gateway.sandbox import SandboxConfig
from tests.sandbox.api import SDK_CREDENTIALS, Api, card

SHOP = "http://shop.test"


@pytest.fixture
def emulator_config() -> SandboxConfig:
    return SandboxConfig(cors_origins=(SHOP,))


async def test_a_page_of_an_allowed_origin_mints_a_token(api: Api) -> None:
    session = await api.checkout()
    path = f"/v1/checkout/sessions/{session}/token"
    preflight = await api.call(
        "OPTIONS",
        path,
        headers={
            "Origin": SHOP,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, public-api-key",
        },
    )
    minted = await api.call(
        "POST",
        path,
        {"payment_method": {"type": "CARD", "card": card()}},
        headers={**SDK_CREDENTIALS, "Origin": SHOP},
    )

    assert preflight.status == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == SHOP
    assert "public-api-key" in preflight.headers["Access-Control-Allow-Headers"]
    assert minted.status == 201
    assert minted.headers["Access-Control-Allow-Origin"] == SHOP


async def test_other_origins_and_server_routes_get_no_cors(api: Api) -> None:
    session = await api.checkout()
    foreign = await api.call(
        "POST",
        f"/v1/checkout/sessions/{session}/token",
        {"payment_method": {"type": "CARD", "card": card()}},
        headers={**SDK_CREDENTIALS, "Origin": "http://evil.test"},
    )
    server = await api.call(
        "POST", "/v1/customers", {"merchant_customer_id": "m-cors"}, headers=None
    )
    assert "Access-Control-Allow-Origin" not in foreign.headers
    assert "Access-Control-Allow-Origin" not in server.headers


async def test_an_sdk_route_without_the_public_key_does_not_ask_for_the_secret(
    api: Api,
) -> None:
    session = await api.checkout()
    refused = await api.call(
        "POST",
        f"/v1/checkout/sessions/{session}/token",
        {"payment_method": {"type": "CARD", "card": card()}},
        headers={},
    )
    assert refused.status == 401
    assert "private-secret-key" not in refused.body["messages"][0]
    assert "public key alone" in refused.body["messages"][0]
