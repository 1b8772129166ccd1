"""DataLoaders and the lookup cache, proven by the emulator's request log: N objects that
point at K Yuno resources make K calls, concurrently; cached lookups make one."""

import asyncio

import pytest

from gateway.sandbox import FaultRule, Sandbox, SandboxConfig
from gateway.settings import Settings
from gateway.yuno.client import YunoClient
from tests.conftest import GatewayClient
from tests.documents import CREATE_CUSTOMER_SESSION, ENROLL
from tests.shopper import MASTERCARD_SUCCEEDED, VISA_SUCCEEDED, complete_enrollment
from tests.storefront import create_checkout_session, create_customer, pay_session

PAYMENTS_AND_CUSTOMERS = """
query($order: String!) {
  paymentsByMerchantOrderId(merchantOrderId: $order) { id customer { email } }
}
"""

METHODS_TWICE = """
query($id: ID!) {
  a: checkoutSession(id: $id) { paymentMethods { type vaultedToken } }
  b: checkoutSession(id: $id) { paymentMethods { type } customer { email } }
}
"""

SESSION_METHODS = (
    "query($id: ID!) { checkoutSession(id: $id) { paymentMethods { type category } } }"
)

TWO_CUSTOMERS = """
query($good: ID!, $bad: ID!) {
  good: customer(id: $good) { email }
  bad: customer(id: $bad) { email }
}
"""


def calls(sandbox: Sandbox, method: str, prefix: str, suffix: str = "") -> int:
    return sum(
        1
        for r in sandbox.requests
        if r.method == method and r.path.startswith(prefix) and r.path.endswith(suffix)
    )


@pytest.fixture
def gateway_settings(settings: Settings) -> Settings:
    """Customers uncached across requests and no answer reused (tests/web/test_response_
    cache.py is the response cache's), so each query shows its own Yuno calls."""
    return settings.model_copy(update={"cache_ttl_customer": 0.0, "response_cache": False})


async def test_twenty_payments_of_three_customers_make_three_customer_calls(
    gateway: GatewayClient, yuno: YunoClient, sandbox: Sandbox
) -> None:
    customers = [await create_customer(gateway, f"shopper-{n}") for n in range(3)]
    for n in range(20):
        session = await create_checkout_session(gateway, customers[n % 3], order="order-batch")
        await pay_session(gateway, yuno, session)
    sandbox.clear_requests()
    sandbox.set_latency(20)

    data = await gateway.data(PAYMENTS_AND_CUSTOMERS, {"order": "order-batch"})

    assert len(data["paymentsByMerchantOrderId"]) == 20
    assert calls(sandbox, "GET", "/v1/payments") == 1
    assert calls(sandbox, "GET", "/v1/customers/") == 3
    assert sandbox.max_in_flight == 3  # the three customer calls ran at the same time


async def test_session_methods_are_one_call_per_query_and_cached_across_requests(
    gateway: GatewayClient, sandbox: Sandbox
) -> None:
    customer_id = await create_customer(gateway)
    session_id = await create_checkout_session(gateway, customer_id)
    sandbox.clear_requests()

    await gateway.data(METHODS_TWICE, {"id": session_id})
    await gateway.data(METHODS_TWICE, {"id": session_id})

    assert calls(sandbox, "GET", "/v1/checkout/sessions/", "/payment-methods") == 1
    assert calls(sandbox, "GET", "/v1/customers/") == 2  # uncached here: one per request


async def test_concurrent_misses_for_one_session_make_one_call(
    gateway: GatewayClient, sandbox: Sandbox
) -> None:
    customer_id = await create_customer(gateway)
    session_id = await create_checkout_session(gateway, customer_id)
    sandbox.clear_requests()
    sandbox.set_latency(20)

    results = await asyncio.gather(
        *(gateway.data(SESSION_METHODS, {"id": session_id}) for _ in range(200))
    )

    assert all(r["checkoutSession"]["paymentMethods"] for r in results)
    assert calls(sandbox, "GET", "/v1/checkout/sessions/", "/payment-methods") == 1
    assert calls(sandbox, "GET", f"/v1/checkout/sessions/{session_id}") == 2  # session + methods


async def test_enrolling_refreshes_the_cached_method_lists(
    gateway: GatewayClient, sandbox_url: str, sandbox_config: SandboxConfig
) -> None:
    customer_id = await create_customer(gateway)
    session_id = await create_checkout_session(gateway, customer_id)
    before = await gateway.data(SESSION_METHODS, {"id": session_id})
    catalog = before["checkoutSession"]["paymentMethods"]
    assert [m["type"] for m in catalog if m["category"] == "CARD"] == ["CARD"]  # none enrolled

    for card in (VISA_SUCCEEDED, MASTERCARD_SUCCEEDED):
        created = await gateway.data(
            CREATE_CUSTOMER_SESSION, {"input": {"customerId": customer_id, "country": "CO"}}
        )
        enrollment = await gateway.data(
            ENROLL,
            {
                "input": {
                    "customerSessionId": created["createCustomerSession"]["session"]["id"],
                    "paymentMethodType": "CARD",
                    "country": "CO",
                }
            },
        )
        enrollment_id = enrollment["enrollPaymentMethod"]["paymentMethod"]["id"]
        await complete_enrollment(sandbox_url, sandbox_config.public_api_key, enrollment_id, card)

    after = await gateway.data(
        "query($id: ID!) { checkoutSession(id: $id) { paymentMethods { vaultedToken } } }",
        {"id": session_id},
    )
    tokens = [m["vaultedToken"] for m in after["checkoutSession"]["paymentMethods"]]
    assert len([t for t in tokens if t]) == 2


async def test_a_failed_key_fails_only_its_own_field(
    gateway: GatewayClient, sandbox: Sandbox
) -> None:
    good = await create_customer(gateway, "good")
    bad = await create_customer(gateway, "bad")
    sandbox.add_fault(FaultRule(kind="error_500", path_prefix=f"/v1/customers/{bad}"))

    result = await gateway.execute(TWO_CUSTOMERS, {"good": good, "bad": bad})

    assert result["data"] == {"good": {"email": "good@example.com"}, "bad": None}
    [error] = result["errors"]
    assert error["path"] == ["bad"]
    assert error["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"
    assert error["message"] == "The payments provider is unavailable; try again shortly."


async def test_an_unknown_id_reads_as_null(gateway: GatewayClient) -> None:
    result = await gateway.data(
        '{ customer(id: "00000000-0000-4000-8000-000000000000") { id } '
        'payment(id: "nope") { id } checkoutSession(id: "nope") { id } }'
    )
    assert result == {"customer": None, "payment": None, "checkoutSession": None}


async def test_one_payment_asked_for_many_times_in_a_query_is_one_call(
    gateway: GatewayClient, yuno: YunoClient, sandbox: Sandbox
) -> None:
    """Payments are never in the lookup cache, so only the request's DataLoader can
    de-duplicate these: five fields, one Yuno call."""
    session_id = await create_checkout_session(gateway, await create_customer(gateway))
    payment_id = (await pay_session(gateway, yuno, session_id))["payment"]["id"]
    sandbox.clear_requests()

    aliases = " ".join(f"p{n}: payment(id: $id) {{ id status }}" for n in range(5))
    data = await gateway.data(f"query($id: ID!) {{ {aliases} }}", {"id": payment_id})

    assert {data[f"p{n}"]["id"] for n in range(5)} == {payment_id}
    assert calls(sandbox, "GET", f"/v1/payments/{payment_id}") == 1
