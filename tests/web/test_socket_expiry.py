"""A socket lives no longer than the token it was opened with."""

import aiohttp
from aiohttp.test_utils import TestServer

from gateway.yuno.client import YunoClient
from tests.conftest import GatewayClient
from tests.identity import bearer, customer_token
from tests.live import live_socket, next_data, subscribe
from tests.storefront import create_checkout_session, create_customer, pay_session

PAYMENT_UPDATED = "subscription($id: ID!) { paymentUpdated(id: $id) { id status } }"


async def test_a_subscription_ends_when_its_token_expires(
    gateway: GatewayClient, gateway_server: TestServer, yuno: YunoClient
) -> None:
    session_id = await create_checkout_session(gateway, await create_customer(gateway, "s-exp"))
    payment_id = (await pay_session(gateway, yuno, session_id))["payment"]["id"]
    token = customer_token("s-exp", expires_in=1.5)

    async with live_socket(gateway_server.make_url("/graphql"), bearer(token)) as socket:
        await subscribe(socket, PAYMENT_UPDATED, {"id": payment_id})
        assert (await next_data(socket))["paymentUpdated"]["id"] == payment_id
        closing = await socket.receive(timeout=10)

    assert closing.type == aiohttp.WSMsgType.CLOSE
    assert closing.data == 4403
    assert closing.extra == "Token expired"
