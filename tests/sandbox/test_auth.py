"""Credentials: both keys on server routes, the public key alone on SDK routes."""

from tests.sandbox.api import CREDENTIALS, SDK_CREDENTIALS, Api, card


async def test_credentials_missing_keys_are_rejected(api: Api) -> None:
    reply = await api.call("GET", "/v1/customers/x", headers={})

    assert reply.status == 401
    assert reply.body["code"] == "INVALID_CREDENTIALS"
    assert reply.body["messages"]


async def test_credentials_wrong_private_key_is_rejected(api: Api) -> None:
    headers = {**CREDENTIALS, "private-secret-key": "nope"}

    reply = await api.call("POST", "/v1/customers", {"merchant_customer_id": "m"}, headers=headers)

    assert reply.status == 401
    assert api.sandbox.store.customers == {}


async def test_credentials_server_route_needs_private_key(api: Api) -> None:
    reply = await api.call("GET", "/v1/customers/x", headers=SDK_CREDENTIALS)

    assert reply.status == 401


async def test_credentials_sdk_route_accepts_public_key_alone(api: Api) -> None:
    customer = await api.customer()

    method = await api.enrolled_card(customer["id"])

    assert method["status"] == "ENROLLED"


async def test_credentials_sdk_route_rejects_wrong_public_key(api: Api) -> None:
    session = await api.checkout()

    reply = await api.call(
        "POST",
        f"/v1/checkout/sessions/{session}/token",
        {"payment_method": {"type": "CARD", "card": card()}},
        headers={"public-api-key": "wrong"},
    )

    assert reply.status == 401


async def test_credentials_private_key_never_logged(api: Api) -> None:
    await api.customer()

    logged = repr(api.sandbox.requests)

    assert CREDENTIALS["private-secret-key"] not in logged
