"""The gateway as a client app sees it, through the Python ``gql`` client: a shopper's whole
checkout over HTTP, and a payment's updates over graphql-transport-ws."""

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp.test_utils import TestServer
from gql import Client, GraphQLRequest, gql
from gql.transport.aiohttp import AIOHTTPTransport
from gql.transport.websockets import WebsocketsTransport
from pydantic import SecretStr

from gateway.sandbox import Sandbox
from gateway.settings import Settings
from gateway.yuno.client import YunoClient
from tests.conftest import SERVICE_KEY
from tests.identity import bearer, customer_token
from tests.shopper import VISA_SUCCEEDED

WEBHOOK_SECRET = "gql-test-webhook-secret"

BACK_OFFICE_CREATES = gql("""
mutation Prepare($customer: CreateCustomerInput!) {
  createCustomer(input: $customer) { customer { id } userErrors { code } }
}
""")
BACK_OFFICE_SESSION = gql("""
mutation Session($input: CreateCheckoutSessionInput!) {
  createCheckoutSession(input: $input) { session { id } userErrors { code } }
}
""")
SHOPPER_SEES = gql("""
query Checkout($id: ID!) {
  viewer { merchantCustomerId }
  checkoutSession(id: $id) { amount { value currency } paymentMethods { type name } }
}
""")
SHOPPER_PAYS = gql("""
mutation Pay($input: CreatePaymentInput!) {
  createPayment(input: $input) {
    payment { id status subStatus amount { value } }
    userErrors { code }
  }
}
""")
CAPTURE = gql("""
mutation Capture($id: ID!) {
  capturePayment(input: {paymentId: $id}) { payment { status } userErrors { code } }
}
""")
UPDATES = gql("""
subscription Updates($id: ID!) { paymentUpdated(id: $id) { status subStatus } }
""")


@pytest.fixture
def gateway_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"yuno_webhook_secret": SecretStr(WEBHOOK_SECRET)})


async def run(session: Any, document: GraphQLRequest, variables: dict[str, Any]) -> Any:
    """One operation, the way gql 4 wants it (a GraphQLRequest with its variables)."""
    return await session.execute(GraphQLRequest(document, variable_values=variables))


def http_client(server: TestServer, token: str) -> Client:
    transport = AIOHTTPTransport(
        url=str(server.make_url("/graphql")), headers={"Authorization": bearer(token)}
    )
    return Client(transport=transport)


@pytest.fixture
async def checkout(gateway_server: TestServer) -> AsyncIterator[str]:
    """The back office prepares a customer and a checkout session for shopper-7."""
    async with http_client(gateway_server, SERVICE_KEY) as office:
        made = await run(
            office, BACK_OFFICE_CREATES, {"customer": {"merchantCustomerId": "shopper-7"}}
        )
        customer_id = made["createCustomer"]["customer"]["id"]
        session = await run(
            office,
            BACK_OFFICE_SESSION,
            {
                "input": {
                    "customerId": customer_id,
                    "merchantOrderId": "order-7",
                    "paymentDescription": "A lamp",
                    "country": "CO",
                    "amount": {"value": "120.00", "currency": "COP"},
                }
            },
        )
        yield session["createCheckoutSession"]["session"]["id"]


async def test_a_shopper_checks_out_with_gql(
    gateway_server: TestServer, checkout: str, yuno: YunoClient
) -> None:
    async with http_client(gateway_server, customer_token("shopper-7")) as app:
        seen = await run(app, SHOPPER_SEES, {"id": checkout})
        assert seen["viewer"] == {"merchantCustomerId": "shopper-7"}
        assert seen["checkoutSession"]["amount"] == {"value": "120.00", "currency": "COP"}
        assert "CARD" in {m["type"] for m in seen["checkoutSession"]["paymentMethods"]}

        token = (await yuno.create_one_time_token(checkout, VISA_SUCCEEDED)).token
        paid = await run(
            app,
            SHOPPER_PAYS,
            {
                "input": {
                    "checkoutSessionId": checkout,
                    "paymentMethod": {"token": token},
                    "idempotencyKey": "order-7-attempt-1",
                }
            },
        )
    assert paid["createPayment"]["userErrors"] == []
    assert paid["createPayment"]["payment"]["status"] == "SUCCEEDED"
    assert paid["createPayment"]["payment"]["amount"] == {"value": "120.00"}


async def test_a_subscription_receives_succeeded_after_authorize_then_capture(
    gateway_server: TestServer, checkout: str, yuno: YunoClient, sandbox: Sandbox
) -> None:
    sandbox.configure_webhook(str(gateway_server.make_url("/webhooks/yuno")), WEBHOOK_SECRET)
    shopper = customer_token("shopper-7")
    async with http_client(gateway_server, shopper) as app:
        token = (await yuno.create_one_time_token(checkout, VISA_SUCCEEDED)).token
        authorized = await run(
            app,
            SHOPPER_PAYS,
            {
                "input": {
                    "checkoutSessionId": checkout,
                    "paymentMethod": {"token": token},
                    "capture": False,
                }
            },
        )
    payment_id = authorized["createPayment"]["payment"]["id"]

    socket = WebsocketsTransport(
        url=str(gateway_server.make_url("/graphql")).replace("http", "ws", 1),
        init_payload={"Authorization": bearer(shopper)},
        subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
    )
    async with Client(transport=socket) as live:
        updates = live.subscribe(GraphQLRequest(UPDATES, variable_values={"id": payment_id}))
        first = await asyncio.wait_for(anext(updates), timeout=10)
        assert first["paymentUpdated"] == {"status": "PENDING", "subStatus": "AUTHORIZED"}

        async with http_client(gateway_server, SERVICE_KEY) as office:
            await run(office, CAPTURE, {"id": payment_id})
        update = await asyncio.wait_for(anext(updates), timeout=10)
        assert update["paymentUpdated"] == {"status": "SUCCEEDED", "subStatus": "CAPTURED"}
        await updates.aclose()
