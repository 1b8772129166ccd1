"""A customer token's ``scope`` claim grants only what the merchant allows in
``GATEWAY_SHOPPER_SCOPES_ALLOWED`` (nothing by default); the rest is ignored."""

import logging
from dataclasses import dataclass

import pytest

from gateway.app import create_app
from gateway.sandbox import Sandbox
from gateway.settings import Settings
from gateway.yuno.client import YunoClient
from tests.conftest import GatewayClient
from tests.documents import REFUND_PAYMENT
from tests.identity import bearer, customer_token
from tests.storefront import create_checkout_session, create_customer, pay_session

CUSTOMER = "query($id: ID!) { customer(id: $id) { id } }"


@pytest.fixture
def allowed() -> list[str]:
    """``GATEWAY_SHOPPER_SCOPES_ALLOWED``: its default unless a test parametrizes it."""
    return []


@pytest.fixture
def gateway_settings(settings: Settings, allowed: list[str]) -> Settings:
    return settings.model_copy(update={"shopper_scopes_allowed": allowed})


@dataclass
class Shopper:
    customer_id: str
    payment_id: str


@pytest.fixture
async def shoppers(gateway: GatewayClient, yuno: YunoClient) -> dict[str, Shopper]:
    made = {}
    for name in ("shopper-a", "shopper-b"):
        customer_id = await create_customer(gateway, name)
        paid = await pay_session(
            gateway, yuno, await create_checkout_session(gateway, customer_id, order=name)
        )
        made[name] = Shopper(customer_id, paid["payment"]["id"])
    return made


def shopper_a(gateway: GatewayClient, scope: str) -> GatewayClient:
    return gateway.as_(bearer(customer_token("shopper-a", scope=scope)))


@pytest.mark.parametrize("whose", ["shopper-a", "shopper-b"])
async def test_a_refund_scope_in_a_shopper_token_is_ignored_by_default(
    gateway: GatewayClient, shoppers: dict[str, Shopper], sandbox: Sandbox, whose: str
) -> None:
    # given shopper A's token claims payments:refund, which the merchant has not allowed
    a = shopper_a(gateway, "payments:refund")
    sandbox.clear_requests()
    # when A refunds its own payment or shopper B's
    data = await a.data(REFUND_PAYMENT, {"input": {"paymentId": shoppers[whose].payment_id}})
    # then the refund is not allowed, and Yuno is never asked to move money
    assert data["refundPayment"]["userErrors"][0]["code"] == "NOT_ALLOWED"
    assert data["refundPayment"]["payment"] is None
    assert [r.method for r in sandbox.requests if r.method != "GET"] == []


async def test_a_cross_customer_scope_in_a_shopper_token_is_ignored_by_default(
    gateway: GatewayClient, shoppers: dict[str, Shopper]
) -> None:
    a = shopper_a(gateway, "customers:read *")
    data = await a.data(CUSTOMER, {"id": shoppers["shopper-b"].customer_id})
    assert data == {"customer": None}


@pytest.mark.parametrize("allowed", [["payments:refund"]])
async def test_scopes_the_merchant_allows_are_granted_and_only_those(
    gateway: GatewayClient, shoppers: dict[str, Shopper]
) -> None:
    # given the merchant lets customer tokens carry payments:refund (support agents)
    agent = gateway.as_(bearer(customer_token("support-agent", scope="payments:refund *")))
    # then the agent refunds any payment ...
    data = await agent.data(
        REFUND_PAYMENT, {"input": {"paymentId": shoppers["shopper-b"].payment_id}}
    )
    assert data["refundPayment"]["userErrors"] == []
    assert data["refundPayment"]["payment"]["status"] == "REFUNDED"
    # ... but "*" in its token grants nothing more
    assert await agent.data(CUSTOMER, {"id": shoppers["shopper-b"].customer_id}) == {
        "customer": None
    }


@pytest.mark.parametrize("allowed", [["payments:refund"]])
@pytest.mark.parametrize("claim", [5, {"payments:refund": True}, [{"payments:refund": True}], None])
async def test_a_scope_claim_that_is_not_a_string_or_list_of_strings_grants_nothing(
    gateway: GatewayClient, shoppers: dict[str, Shopper], sandbox: Sandbox, claim: object
) -> None:
    a = gateway.as_(bearer(customer_token("shopper-a", scope=claim)))
    sandbox.clear_requests()
    data = await a.data(REFUND_PAYMENT, {"input": {"paymentId": shoppers["shopper-a"].payment_id}})
    assert data["refundPayment"]["userErrors"][0]["code"] == "NOT_ALLOWED"
    assert [r.method for r in sandbox.requests if r.method != "GET"] == []


async def test_ignored_scopes_are_logged_without_the_token(
    gateway: GatewayClient, caplog: pytest.LogCaptureFixture
) -> None:
    token = customer_token("shopper-a", scope="payments:refund customers:read")
    with caplog.at_level(logging.INFO, logger="gateway.auth"):
        await gateway.as_(bearer(token)).execute("{ sdkConfig { environment } }")
    ignored = [r.getMessage() for r in caplog.records if "scopes ignored" in r.getMessage()]
    assert ignored == [
        "customer token scopes ignored (not in GATEWAY_SHOPPER_SCOPES_ALLOWED): "
        "customers:read payments:refund"
    ]
    assert all(token not in r.getMessage() for r in caplog.records)


def test_an_unknown_scope_in_the_setting_stops_the_start(settings: Settings) -> None:
    typo = settings.model_copy(update={"shopper_scopes_allowed": ["payments:refunds"]})
    with pytest.raises(ValueError, match="payments:refunds"):
        create_app(typo)
