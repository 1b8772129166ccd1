"""No secret or token ever shows up in logs, error messages, GraphQL responses or repr()."""

import json
import logging
from typing import Any

import pytest
from pydantic import SecretStr

from gateway.sandbox import SandboxConfig
from gateway.settings import Settings
from gateway.yuno.client import YunoClient
from tests.conftest import JWT_SECRET, SERVICE_KEY, GatewayClient
from tests.documents import CAPTURE_PAYMENT, CREATE_PAYMENT, PAYMENT
from tests.identity import bearer, customer_token
from tests.resolvers.test_checkout_flows import enroll_card
from tests.shopper import VISA_SUCCEEDED
from tests.storefront import create_checkout_session, create_customer

WEBHOOK_SECRET = "webhook-secret-never-shown-1234"


@pytest.fixture
def gateway_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"yuno_webhook_secret": SecretStr(WEBHOOK_SECRET)})


async def test_a_full_payment_flow_leaks_no_secret(
    gateway: GatewayClient,
    yuno: YunoClient,
    sandbox_url: str,
    sandbox_config: SandboxConfig,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    customer_id = await create_customer(gateway, "shopper-s")
    vaulted = await enroll_card(gateway, sandbox_url, sandbox_config.public_api_key, customer_id)
    session_id = await create_checkout_session(gateway, customer_id)
    one_time = (await yuno.create_one_time_token(session_id, VISA_SUCCEEDED)).token
    shopper = gateway.as_(bearer(customer_token("shopper-s")))
    pay_input = {"checkoutSessionId": session_id, "paymentMethod": {"token": one_time}}
    paid = await shopper.execute(CREATE_PAYMENT, {"input": {**pay_input, "capture": False}})
    payment_id = paid["data"]["createPayment"]["payment"]["id"]
    responses: list[Any] = [
        paid,
        await gateway.execute(CAPTURE_PAYMENT, {"input": {"paymentId": payment_id}}),
        await shopper.execute(PAYMENT, {"id": payment_id}),
        await shopper.execute('{ customer(id: "nope") { id } }'),
    ]
    refused = {"Authorization": "Bearer wrong"}
    query = {"query": "{ viewer { id } }"}
    async with gateway.http.post(gateway.url, json=query, headers=refused) as response:
        responses.append(await response.json())

    shown = caplog.text + json.dumps(responses)
    secrets = {
        "Yuno private key": sandbox_config.private_secret_key,
        "JWT secret": JWT_SECRET,
        "API key": SERVICE_KEY,
        "webhook secret": WEBHOOK_SECRET,
    }
    for name, value in secrets.items():
        assert value not in shown, f"{name} leaked"
    assert one_time not in caplog.text
    assert vaulted not in caplog.text
    assert caplog.records  # the flow did log something


def test_settings_and_clients_do_not_show_secrets(settings: Settings) -> None:
    client = YunoClient.from_settings(settings)
    shown = repr(settings) + str(settings) + repr(vars(client.transport))
    for value in (JWT_SECRET, SERVICE_KEY, "sandbox_dev_private_secret_key"):
        assert value not in shown
