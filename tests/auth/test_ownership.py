"""Shopper A cannot see or change shopper B's things, by any path, and cannot tell B's ids
from ids that do not exist."""

from dataclasses import dataclass
from typing import Any

import pytest

from gateway.sandbox import Sandbox, SandboxConfig
from gateway.settings import Settings
from gateway.yuno.client import YunoClient
from tests.conftest import GatewayClient
from tests.documents import (
    CANCEL_PAYMENT,
    CAPTURE_PAYMENT,
    CREATE_CHECKOUT_SESSION,
    CREATE_CUSTOMER_SESSION,
    CREATE_PAYMENT,
    REFUND_PAYMENT,
    UNENROLL,
    UPDATE_CUSTOMER,
)
from tests.identity import bearer, customer_token
from tests.resolvers.test_checkout_flows import enroll_card
from tests.storefront import create_checkout_session, create_customer, pay_session

MISSING = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def gateway_settings(settings: Settings) -> Settings:
    """A merchant whose identity provider also signs support agents' tokens lets a
    customer token's ``scope`` claim grant refunds (tests/auth/test_shopper_scopes.py)."""
    return settings.model_copy(update={"shopper_scopes_allowed": ["payments:refund"]})


@dataclass
class Shopper:
    merchant_id: str
    customer_id: str
    card: str
    session_id: str
    payment_id: str
    client: GatewayClient


@pytest.fixture
async def shoppers(
    gateway: GatewayClient, yuno: YunoClient, sandbox_url: str, sandbox_config: SandboxConfig
) -> tuple[Shopper, Shopper]:
    made = []
    for name in ("shopper-a", "shopper-b"):
        customer_id = await create_customer(gateway, name)
        card = await enroll_card(gateway, sandbox_url, sandbox_config.public_api_key, customer_id)
        paid = await pay_session(
            gateway, yuno, await create_checkout_session(gateway, customer_id, order="order-0001")
        )
        session_id = await create_checkout_session(gateway, customer_id, order=f"open-{name}")
        client = gateway.as_(bearer(customer_token(name)))
        made.append(Shopper(name, customer_id, card, session_id, paid["payment"]["id"], client))
    return made[0], made[1]


READS = {
    "customer": "query($id: ID!) { customer(id: $id) { id paymentMethods { vaultedToken } } }",
    "checkoutSession": "query($id: ID!) "
    "{ checkoutSession(id: $id) { id paymentMethods { vaultedToken } } }",
    "payment": "query($id: ID!) { payment(id: $id) { id customer { id } } }",
}


@pytest.mark.parametrize("field", READS)
async def test_a_shopper_reads_its_own_things(
    shoppers: tuple[Shopper, Shopper], field: str
) -> None:
    a, _ = shoppers
    own = {"customer": a.customer_id, "checkoutSession": a.session_id, "payment": a.payment_id}
    data = await a.client.data(READS[field], {"id": own[field]})
    assert data[field]["id"] == own[field]


@pytest.mark.parametrize("field", READS)
async def test_another_shoppers_things_read_exactly_like_missing_ones(
    shoppers: tuple[Shopper, Shopper], field: str
) -> None:
    a, b = shoppers
    theirs = {"customer": b.customer_id, "checkoutSession": b.session_id, "payment": b.payment_id}
    foreign = await a.client.execute(READS[field], {"id": theirs[field]})
    missing = await a.client.execute(READS[field], {"id": MISSING})
    assert foreign == missing == {"data": {field: None}}


async def test_aliases_and_nesting_do_not_leak(shoppers: tuple[Shopper, Shopper]) -> None:
    a, b = shoppers
    data = await a.client.data(
        """query($a: ID!, $b: ID!, $pb: ID!, $m: String!) {
          mine: customer(id: $a) { id }
          theirs: customer(id: $b) { id }
          theirPayment: payment(id: $pb) { customer { id } }
          byMerchantId: customerByMerchantId(merchantCustomerId: $m) { id }
          viewer { id paymentMethods { vaultedToken } }
          byOrder: paymentsByMerchantOrderId(merchantOrderId: "order-0001") { id customer { id } }
        }""",
        {"a": a.customer_id, "b": b.customer_id, "pb": b.payment_id, "m": b.merchant_id},
    )
    assert data["mine"] == {"id": a.customer_id}
    assert data["theirs"] is None
    assert data["theirPayment"] is None
    assert data["byMerchantId"] is None
    assert data["viewer"] == {"id": a.customer_id, "paymentMethods": [{"vaultedToken": a.card}]}
    assert data["byOrder"] == [{"id": a.payment_id, "customer": {"id": a.customer_id}}]


async def test_entities_honour_ownership(shoppers: tuple[Shopper, Shopper]) -> None:
    a, b = shoppers
    data = await a.client.data(
        """query($r: [_Any!]!) { _entities(representations: $r) {
             ... on Customer { id } ... on Payment { id } ... on CheckoutSession { id } } }""",
        {
            "r": [
                {"__typename": "Customer", "id": a.customer_id},
                {"__typename": "Customer", "id": b.customer_id},
                {"__typename": "Payment", "id": b.payment_id},
                {"__typename": "CheckoutSession", "id": b.session_id},
            ]
        },
    )
    assert data["_entities"] == [{"id": a.customer_id}, None, None, None]


def user_errors(data: dict[str, Any]) -> list[dict[str, Any]]:
    [payload] = data.values()
    errors: list[dict[str, Any]] = payload["userErrors"]
    return [{k: e[k] for k in ("field", "code") if k in e} for e in errors]


@pytest.mark.parametrize(
    ("document", "make_input"),
    [
        (UPDATE_CUSTOMER, lambda b: {"id": b.customer_id, "firstName": "Mallory"}),
        (CREATE_CUSTOMER_SESSION, lambda b: {"customerId": b.customer_id, "country": "CO"}),
        (UNENROLL, lambda b: {"customerId": b.customer_id, "paymentMethodId": b.card}),
        (
            CREATE_PAYMENT,
            lambda b: {
                "checkoutSessionId": b.session_id,
                "paymentMethod": {"vaultedToken": b.card},
            },
        ),
    ],
)
async def test_changing_another_shoppers_things_answers_like_a_missing_id(
    shoppers: tuple[Shopper, Shopper], sandbox: Sandbox, document: str, make_input: Any
) -> None:
    a, b = shoppers
    sandbox.clear_requests()
    foreign = user_errors(await a.client.data(document, {"input": make_input(b)}))

    missing = b.__class__(**{**b.__dict__, "customer_id": MISSING, "session_id": MISSING})
    missing.card = MISSING
    absent = user_errors(await a.client.data(document, {"input": make_input(missing)}))

    assert foreign == absent
    assert foreign[0]["code"].endswith("NOT_FOUND")
    assert [r.method for r in sandbox.requests if r.method != "GET"] == []


@pytest.mark.parametrize(
    ("document", "make_input"),
    [
        (CAPTURE_PAYMENT, lambda s: {"paymentId": s.payment_id}),
        (CANCEL_PAYMENT, lambda s: {"paymentId": s.payment_id}),
        (REFUND_PAYMENT, lambda s: {"paymentId": s.payment_id}),
        (
            CREATE_CHECKOUT_SESSION,
            lambda s: {
                "customerId": s.customer_id,
                "merchantOrderId": "order-9999",
                "paymentDescription": "My own price",
                "country": "CO",
                "amount": {"value": "0.01", "currency": "COP"},
            },
        ),
        (
            CREATE_PAYMENT,
            lambda s: {
                "paymentMethod": {"vaultedToken": s.card},
                "amount": {"value": "0.01", "currency": "COP"},
                "merchantOrderId": "order-9999",
                "description": "My own price",
                "country": "CO",
                "customerId": s.customer_id,
            },
        ),
    ],
)
async def test_what_is_not_the_shoppers_to_decide_needs_a_scope(
    shoppers: tuple[Shopper, Shopper], sandbox: Sandbox, document: str, make_input: Any
) -> None:
    a, _ = shoppers
    sandbox.clear_requests()
    errors = user_errors(await a.client.data(document, {"input": make_input(a)}))
    assert errors[0]["code"] == "NOT_ALLOWED"
    assert [r.method for r in sandbox.requests if r.method != "GET"] == []


async def test_a_scope_in_the_token_grants_it(
    shoppers: tuple[Shopper, Shopper], gateway: GatewayClient
) -> None:
    a, _ = shoppers
    agent = gateway.as_(bearer(customer_token("support-agent", scope="payments:refund")))
    data = await agent.data(REFUND_PAYMENT, {"input": {"paymentId": a.payment_id}})
    assert data["refundPayment"]["userErrors"] == []
    assert data["refundPayment"]["payment"]["status"] == "REFUNDED"


async def test_a_shopper_pays_its_own_session(
    shoppers: tuple[Shopper, Shopper],
) -> None:
    a, _ = shoppers
    data = await a.client.data(
        CREATE_PAYMENT,
        {"input": {"checkoutSessionId": a.session_id, "paymentMethod": {"vaultedToken": a.card}}},
    )
    assert data["createPayment"]["userErrors"] == []
    assert data["createPayment"]["payment"]["status"] == "SUCCEEDED"
