"""Every client idempotency key is checked at the edge and scoped before Yuno sees it.

The cases below cover every mutation whose input takes an ``idempotencyKey``; a test walks
the served schema so that a new keyed mutation fails here until it is added (and so held
to the same rule).
"""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from graphql import GraphQLInputObjectType, GraphQLNonNull

from gateway.app import schema_limits
from gateway.auth import CustomerPrincipal, ServicePrincipal
from gateway.resolvers.idempotency import yuno_key
from gateway.sandbox import FaultRule, Sandbox, SandboxConfig
from gateway.schema.schema import build_schema
from gateway.settings import Settings
from gateway.yuno.client import YunoClient
from tests.conftest import GatewayClient
from tests.identity import bearer, customer_token
from tests.resolvers.test_checkout_flows import enroll_card
from tests.shopper import VISA_SUCCEEDED
from tests.storefront import create_checkout_session, create_customer, pay_session

ENROLL = """
mutation($input: EnrollPaymentMethodInput!) {
  enrollPaymentMethod(input: $input) { paymentMethod { id } userErrors { field code } }
}"""
UNENROLL = """
mutation($input: UnenrollPaymentMethodInput!) {
  unenrollPaymentMethod(input: $input) {
    paymentMethod { vaultedToken card { lastFour } } userErrors { field code }
  }
}"""
CREATE_CUSTOMER_SESSION = """
mutation($input: CreateCustomerSessionInput!) {
  createCustomerSession(input: $input) { session { id } userErrors { code } }
}"""
CUSTOMER_METHODS = "query($id: ID!) { customer(id: $id) { paymentMethods { vaultedToken } } }"


@dataclass
class World:
    gateway: GatewayClient
    yuno: YunoClient
    sandbox_url: str
    public_key: str

    async def customer_session(self, customer_id: str) -> str:
        data = await self.gateway.data(
            CREATE_CUSTOMER_SESSION, {"input": {"customerId": customer_id, "country": "CO"}}
        )
        session_id: str = data["createCustomerSession"]["session"]["id"]
        return session_id

    async def card(self, customer_id: str) -> str:
        return await enroll_card(self.gateway, self.sandbox_url, self.public_key, customer_id)

    async def paid(self, capture: bool = True) -> str:
        session_id = await create_checkout_session(
            self.gateway, await create_customer(self.gateway, "keys-shopper"), amount="50"
        )
        payload = await pay_session(self.gateway, self.yuno, session_id, capture=capture)
        payment_id: str = payload["payment"]["id"]
        return payment_id


Setup = Callable[[World], Awaitable[tuple[str, dict[str, Any]]]]


async def _enroll(world: World) -> tuple[str, dict[str, Any]]:
    session_id = await world.customer_session(await create_customer(world.gateway))
    return "enrollPaymentMethod", {
        "customerSessionId": session_id,
        "paymentMethodType": "CARD",
        "country": "CO",
    }


async def _unenroll(world: World) -> tuple[str, dict[str, Any]]:
    customer_id = await create_customer(world.gateway)
    card = await world.card(customer_id)
    return "unenrollPaymentMethod", {"customerId": customer_id, "paymentMethodId": card}


async def _create_payment(world: World) -> tuple[str, dict[str, Any]]:
    customer_id = await create_customer(world.gateway)
    session_id = await create_checkout_session(world.gateway, customer_id)
    token = (await world.yuno.create_one_time_token(session_id, VISA_SUCCEEDED)).token
    return "createPayment", {"checkoutSessionId": session_id, "paymentMethod": {"token": token}}


async def _capture(world: World) -> tuple[str, dict[str, Any]]:
    return "capturePayment", {"paymentId": await world.paid(capture=False)}


async def _cancel(world: World) -> tuple[str, dict[str, Any]]:
    return "cancelPayment", {"paymentId": await world.paid(capture=False)}


async def _refund(world: World) -> tuple[str, dict[str, Any]]:
    return "refundPayment", {"paymentId": await world.paid()}


async def _cancel_or_refund(world: World) -> tuple[str, dict[str, Any]]:
    return "cancelOrRefundPayment", {"paymentId": await world.paid()}


async def _verify(world: World) -> tuple[str, dict[str, Any]]:
    customer_id = await create_customer(world.gateway)
    card = await world.card(customer_id)
    return "verifyPaymentMethod", {
        "customerId": customer_id,
        "vaultedToken": card,
        "currency": "COP",
    }


async def _vault(world: World) -> tuple[str, dict[str, Any]]:
    customer_id = await create_customer(world.gateway)
    session_id = await create_checkout_session(world.gateway, customer_id)
    token = (await world.yuno.create_one_time_token(session_id, VISA_SUCCEEDED)).token
    return "vaultPaymentMethod", {"customerId": customer_id, "token": token, "country": "CO"}


#: A valid input for each keyed mutation, made fresh for each test.
KEYED_MUTATIONS: dict[str, Setup] = {
    "cancelOrRefundPayment": _cancel_or_refund,
    "verifyPaymentMethod": _verify,
    "vaultPaymentMethod": _vault,
    "enrollPaymentMethod": _enroll,
    "unenrollPaymentMethod": _unenroll,
    "createPayment": _create_payment,
    "capturePayment": _capture,
    "cancelPayment": _cancel,
    "refundPayment": _refund,
}

INPUT_TYPES = {
    "cancelOrRefundPayment": "CancelOrRefundPaymentInput",
    "verifyPaymentMethod": "VerifyPaymentMethodInput",
    "vaultPaymentMethod": "VaultPaymentMethodInput",
    "enrollPaymentMethod": "EnrollPaymentMethodInput",
    "unenrollPaymentMethod": "UnenrollPaymentMethodInput",
    "createPayment": "CreatePaymentInput",
    "capturePayment": "CapturePaymentInput",
    "cancelPayment": "CancelPaymentInput",
    "refundPayment": "RefundPaymentInput",
}

BAD_KEYS = ["x\ny", "with space", "", "k" * 65, "ключ", "tab\tkey", "nul\x00"]


@pytest.fixture
def world(
    gateway: GatewayClient, yuno: YunoClient, sandbox_url: str, sandbox_config: SandboxConfig
) -> World:
    return World(gateway, yuno, sandbox_url, sandbox_config.public_api_key)


def _document(mutation: str) -> str:
    return (
        f"mutation($input: {INPUT_TYPES[mutation]}!) "
        f"{{ {mutation}(input: $input) {{ userErrors {{ field code }} }} }}"
    )


def test_every_mutation_that_takes_a_key_is_held_to_the_rule() -> None:
    mutation_type = build_schema(schema_limits(Settings()))._schema.mutation_type
    assert mutation_type is not None
    keyed = set()
    for name, field in mutation_type.fields.items():
        input_type = field.args["input"].type
        if isinstance(input_type, GraphQLNonNull):
            input_type = input_type.of_type
        assert isinstance(input_type, GraphQLInputObjectType)
        if "idempotencyKey" in input_type.fields:
            keyed.add(name)
            assert INPUT_TYPES.get(name) == input_type.name
    assert keyed == set(KEYED_MUTATIONS)


@pytest.mark.parametrize("mutation", KEYED_MUTATIONS)
@pytest.mark.parametrize("key", BAD_KEYS, ids=repr)
async def test_a_malformed_key_is_a_user_error_with_no_yuno_write(
    world: World, sandbox: Sandbox, mutation: str, key: str
) -> None:
    name, given = await KEYED_MUTATIONS[mutation](world)
    sandbox.clear_requests()

    data = await world.gateway.data(_document(name), {"input": {**given, "idempotencyKey": key}})

    assert data[name]["userErrors"] == [
        {"field": ["input", "idempotencyKey"], "code": "INVALID_IDEMPOTENCY_KEY"}
    ]
    assert [r for r in sandbox.requests if r.method != "GET"] == []


@pytest.mark.parametrize("mutation", KEYED_MUTATIONS)
async def test_yuno_never_sees_the_clients_key(
    world: World, sandbox: Sandbox, mutation: str
) -> None:
    name, given = await KEYED_MUTATIONS[mutation](world)
    sandbox.clear_requests()

    data = await world.gateway.data(
        _document(name), {"input": {**given, "idempotencyKey": "client-key-1"}}
    )

    assert data[name]["userErrors"] == []
    sent = [r.idempotency_key for r in sandbox.requests if r.method != "GET"]
    assert sent
    assert all(key and key != "client-key-1" for key in sent)


async def test_a_key_with_a_control_character_never_locks_the_breaker(
    world: World, sandbox: Sandbox, gateway: GatewayClient
) -> None:
    """The attack: a raw key with a newline sent while the breaker is half-open used to
    keep the probe slot forever. Now it is refused at the edge, and Yuno stays reachable."""
    name, given = await _enroll(world)
    sandbox.add_fault(FaultRule(kind="error_503"))
    for _ in range(3):
        await gateway.execute(CUSTOMER_METHODS, {"id": "6d7b7c53-9a6e-4a36-9c1e-0a9e4d6b1d2f"})
    sandbox.clear_faults()
    await _half_open(world)

    refused = await gateway.data(_document(name), {"input": {**given, "idempotencyKey": "x\ny"}})
    assert refused[name]["userErrors"][0]["code"] == "INVALID_IDEMPOTENCY_KEY"

    again = await gateway.data(_document(name), {"input": {**given, "idempotencyKey": "ok-1"}})
    assert again[name]["userErrors"] == []


async def _half_open(world: World) -> None:
    await asyncio.sleep(0.35)  # the test settings' breaker reset is 0.3 s


async def test_shopper_b_reusing_shopper_as_unenroll_key_never_gets_as_card(
    world: World, gateway: GatewayClient
) -> None:
    cards = {}
    for name in ("shopper-a", "shopper-b"):
        customer_id = await create_customer(gateway, name)
        cards[name] = (customer_id, await world.card(customer_id))
    answers = {}
    for name, (customer_id, card) in cards.items():
        shopper = gateway.as_(bearer(customer_token(name)))
        data = await shopper.data(
            UNENROLL,
            {"input": {"customerId": customer_id, "paymentMethodId": card, "idempotencyKey": "u1"}},
        )
        assert data["unenrollPaymentMethod"]["userErrors"] == []
        answers[name] = data["unenrollPaymentMethod"]["paymentMethod"]["vaultedToken"]

    assert answers == {name: card for name, (_, card) in cards.items()}
    for customer_id, _ in cards.values():
        left = await gateway.data(CUSTOMER_METHODS, {"id": customer_id})
        assert left["customer"]["paymentMethods"] == []


async def test_shopper_b_reusing_shopper_as_enroll_key_gets_its_own_enrollment(
    world: World, gateway: GatewayClient
) -> None:
    enrolled = []
    for name in ("shopper-a", "shopper-b"):
        session_id = await world.customer_session(await create_customer(gateway, name))
        shopper = gateway.as_(bearer(customer_token(name)))
        data = await shopper.data(
            ENROLL,
            {
                "input": {
                    "customerSessionId": session_id,
                    "paymentMethodType": "CARD",
                    "country": "CO",
                    "idempotencyKey": "enroll-1",
                }
            },
        )
        assert data["enrollPaymentMethod"]["userErrors"] == []
        enrolled.append(data["enrollPaymentMethod"]["paymentMethod"]["id"])
    assert enrolled[0] != enrolled[1]


def test_the_key_yuno_sees_changes_with_each_part() -> None:
    shopper, other = CustomerPrincipal("shopper-a"), CustomerPrincipal("shopper-b")
    base = yuno_key(shopper, "payment", "session:1", "k")
    assert base == yuno_key(shopper, "payment", "session:1", "k")
    assert (
        len(
            {
                base,
                yuno_key(other, "payment", "session:1", "k"),
                yuno_key(ServicePrincipal("back-office"), "payment", "session:1", "k"),
                yuno_key(shopper, "refund", "session:1", "k"),
                yuno_key(shopper, "payment", "session:2", "k"),
                yuno_key(shopper, "payment", "session:1", "k2"),
            }
        )
        == 6
    )


async def test_one_shopper_reusing_a_key_for_two_carts_pays_both(
    gateway: GatewayClient, yuno: YunoClient
) -> None:
    customer_id = await create_customer(gateway, "shopper-a")
    shopper = gateway.as_(bearer(customer_token("shopper-a")))
    paid = {}
    for order in ("cart-1", "cart-2"):
        session_id = await create_checkout_session(gateway, customer_id, order=order)
        token = (await yuno.create_one_time_token(session_id, VISA_SUCCEEDED)).token
        data = await shopper.data(
            PAY,
            {
                "input": {
                    "checkoutSessionId": session_id,
                    "paymentMethod": {"token": token},
                    "idempotencyKey": "pay-1",
                }
            },
        )
        paid[session_id] = data["createPayment"]["payment"]["checkoutSession"]["id"]
    assert paid == {session_id: session_id for session_id in paid}


async def test_a_key_is_a_retry_only_for_the_caller_that_sent_it(
    gateway: GatewayClient, yuno: YunoClient
) -> None:
    """The back office pays a shopper's session with key k; the shopper sending k for the
    same session is not a retry of that request, so it is told the session is used."""
    session_id = await create_checkout_session(gateway, await create_customer(gateway, "s-a"))
    token = (await yuno.create_one_time_token(session_id, VISA_SUCCEEDED)).token
    pay = {"checkoutSessionId": session_id, "paymentMethod": {"token": token}}
    first = await gateway.data(PAY, {"input": {**pay, "idempotencyKey": "k"}})
    assert first["createPayment"]["userErrors"] == []

    shopper = gateway.as_(bearer(customer_token("s-a")))
    again = await shopper.data(PAY, {"input": {**pay, "idempotencyKey": "k"}})

    assert again["createPayment"]["payment"] is None
    assert [e["code"] for e in again["createPayment"]["userErrors"]] == ["CHECKOUT_SESSION_USED"]


PAY = """
mutation($input: CreatePaymentInput!) {
  createPayment(input: $input) {
    payment { id checkoutSession { id } } userErrors { field code }
  }
}"""
