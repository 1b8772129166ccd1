"""A connection Yuno never accepts: the request never left, so a write is retried and then
fails as unavailable, never as "outcome unknown"."""

import json
import socket
from collections.abc import Iterator
from decimal import Decimal

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from pydantic import SecretStr

from gateway.app import create_app
from gateway.sandbox import SandboxConfig
from gateway.settings import Settings
from gateway.yuno.client import YunoClient
from gateway.yuno.errors import YunoConnectFailed
from gateway.yuno.models import PaymentCreate
from gateway.yuno.models.common import MoneyRequest
from gateway.yuno.models.payments import CustomerPayerRequest, PaymentMethodRequest
from tests.conftest import SERVICE_KEY


@pytest.fixture
def unaccepting_url() -> Iterator[str]:
    """A port whose accept queue is full: the kernel drops further SYNs, so a connect
    neither succeeds nor is refused until the client's connect timeout."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    address = server.getsockname()
    fillers = []
    for _ in range(4):
        filler = socket.socket()
        filler.setblocking(False)
        filler.connect_ex(address)
        fillers.append(filler)
    yield f"http://{address[0]}:{address[1]}/v1"
    for filler in fillers:
        filler.close()
    server.close()


def unreachable(url: str, config: SandboxConfig) -> Settings:
    return Settings(
        yuno_public_api_key=config.public_api_key,
        yuno_private_secret_key=SecretStr(config.private_secret_key),
        yuno_account_id=config.account_id,
        yuno_api_url=url,
        yuno_connect_timeout=0.2,
        yuno_timeout=2.0,
        yuno_retry_attempts=3,
        yuno_retry_backoff=0.01,
        yuno_retry_max_backoff=0.02,
        api_keys=SecretStr(json.dumps({SERVICE_KEY: ["*"]})),
    )


def payment() -> PaymentCreate:
    return PaymentCreate(
        description="Two coffees",
        country="CO",
        merchant_order_id="order-1",
        amount=MoneyRequest(value=Decimal("10"), currency="COP"),
        customer_payer=CustomerPayerRequest(id="c"),
        payment_method=PaymentMethodRequest(type="CARD", token="t"),
        workflow="DIRECT",
    )


async def test_a_write_that_cannot_connect_is_retried_and_fails_as_not_sent(
    unaccepting_url: str, sandbox_config: SandboxConfig
) -> None:
    attempts: list[str] = []
    async with YunoClient.from_settings(unreachable(unaccepting_url, sandbox_config)) as client:
        client.transport.observer = lambda method, path, outcome, _: attempts.append(outcome)
        with pytest.raises(YunoConnectFailed):
            await client.create_payment(payment(), "key-1")
    assert attempts == ["YunoConnectFailed"] * 3


async def test_a_payment_that_cannot_connect_is_unavailable_not_unknown(
    unaccepting_url: str, sandbox_config: SandboxConfig
) -> None:
    server = TestServer(create_app(unreachable(unaccepting_url, sandbox_config)), host="127.0.0.1")
    await server.start_server()
    pay = {
        "customerId": "6f0e1f7a-3c1b-4d2e-9a8b-7c6d5e4f3a2b",
        "merchantOrderId": "order-0001",
        "description": "Two coffees",
        "country": "CO",
        "amount": {"value": "10", "currency": "COP"},
        "paymentMethod": {"token": "one-time-token"},
        "idempotencyKey": "k1",
    }
    document = (
        "mutation($input: CreatePaymentInput!) "
        "{ createPayment(input: $input) { payment { id } userErrors { code } } }"
    )
    try:
        async with (
            aiohttp.ClientSession() as http,
            http.post(
                server.make_url("/graphql"),
                json={"query": document, "variables": {"input": pay}},
                headers={"Authorization": f"Bearer {SERVICE_KEY}"},
            ) as response,
        ):
            result = await response.json()
    finally:
        await server.close()
    assert [e["extensions"]["code"] for e in result["errors"]] == ["UPSTREAM_UNAVAILABLE"]
    assert "PAYMENT_OUTCOME_UNKNOWN" not in json.dumps(result)
