"""The response cache's safety, over real HTTP against the emulator: a repeated read costs
no Yuno call, but two callers never share an answer; a write or a webhook ends exactly the
answers built on what it changed, even one that was running when it changed; mutations,
errors, subscriptions and partial answers are never kept; a GET persisted query answers 304
while its answer stands, and 200 with a new ETag after a change."""

import asyncio
import hashlib
import json
import uuid
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from multidict import CIMultiDict
from pydantic import SecretStr

from gateway.app import RESPONSES, create_app
from gateway.sandbox import FaultRule, Sandbox
from gateway.settings import Settings
from gateway.yuno.client import YunoClient
from gateway.yuno.models import CaptureRequest
from gateway.yuno.models.common import MoneyRequest
from gateway.yuno.models.payments import AUTHORIZE
from tests.conftest import SERVICE_KEY, GatewayClient
from tests.documents import CAPTURE_PAYMENT
from tests.identity import bearer, customer_token
from tests.storefront import create_checkout_session, create_customer, pay_session

WEBHOOK_SECRET = "response-cache-webhook-secret"
SESSION = "query Session($id: ID!) { checkoutSession(id: $id) { id amount { value } } }"
SESSION_AND_CUSTOMER = """
query($id: ID!) { checkoutSession(id: $id) { amount { value } customer { email } } }
"""
PAYMENT = "query Payment($id: ID!) { payment(id: $id) { id status subStatus } }"
VIEWER = "{ viewer { merchantCustomerId email } }"
UPDATE_AMOUNT = """
mutation($input: UpdateCheckoutSessionInput!) {
  updateCheckoutSession(input: $input) { session { id } userErrors { code } }
}
"""


@pytest.fixture
def gateway_settings(settings: Settings) -> Settings:
    """No lookup kept between requests: every Yuno call an executed read makes shows."""
    return settings.model_copy(
        update={
            "yuno_webhook_secret": SecretStr(WEBHOOK_SECRET),
            "cache_ttl_customer": 0.0,
            "cache_ttl_checkout_session": 0.0,
        }
    )


def yuno_reads(sandbox: Sandbox) -> int:
    return sum(1 for r in sandbox.requests if r.method == "GET")


async def session_of(gateway: GatewayClient) -> str:
    """A checkout session of a new customer."""
    customer_id = await create_customer(gateway, f"shopper-{uuid.uuid4().hex[:8]}")
    return await create_checkout_session(gateway, customer_id)


async def test_a_repeated_read_is_answered_without_a_yuno_call(
    gateway: GatewayClient, gateway_server: TestServer, sandbox: Sandbox
) -> None:
    session_id = await session_of(gateway)
    first = await gateway.execute(SESSION, {"id": session_id})
    sandbox.clear_requests()

    again = await gateway.execute(SESSION, {"id": session_id})

    assert again == first
    assert sandbox.requests == []
    cache = gateway_server.app[RESPONSES]
    assert cache is not None
    assert cache.hits == 1


async def test_two_shoppers_with_the_same_query_never_share_an_answer(
    gateway: GatewayClient, sandbox: Sandbox
) -> None:
    for name in ("ana", "bea"):
        await create_customer(gateway, name)
    ana = gateway.as_(bearer(customer_token("ana")))
    bea = gateway.as_(bearer(customer_token("bea")))
    assert (await ana.data(VIEWER))["viewer"]["merchantCustomerId"] == "ana"
    sandbox.clear_requests()

    seen_by_bea = await bea.data(VIEWER)
    seen_by_service = await gateway.data(VIEWER)

    assert seen_by_bea["viewer"]["merchantCustomerId"] == "bea"
    assert seen_by_service == {"viewer": None}
    assert yuno_reads(sandbox) >= 1  # bea's answer ran: nothing of ana's was reused


async def test_a_write_ends_exactly_the_answers_built_on_what_it_changed(
    gateway: GatewayClient, sandbox: Sandbox
) -> None:
    changed, untouched = await session_of(gateway), await session_of(gateway)
    for session_id in (changed, untouched):
        await gateway.data(SESSION, {"id": session_id})

    update = {"input": {"id": changed, "amount": {"value": "99.00", "currency": "COP"}}}
    assert (await gateway.data(UPDATE_AMOUNT, update))["updateCheckoutSession"]["userErrors"] == []
    sandbox.clear_requests()

    fresh = await gateway.data(SESSION, {"id": changed})
    assert fresh["checkoutSession"]["amount"]["value"] == "99.00"
    assert [r.path for r in sandbox.requests] == [f"/v1/checkout/sessions/{changed}"]
    await gateway.data(SESSION, {"id": untouched})
    assert len(sandbox.requests) == 1  # the untouched session's answer still stands


async def test_a_webhook_ends_the_answers_that_show_its_payment(
    gateway: GatewayClient, gateway_server: TestServer, sandbox: Sandbox, yuno: YunoClient
) -> None:
    sandbox.configure_webhook(str(gateway_server.make_url("/webhooks/yuno")), WEBHOOK_SECRET)
    paid = [
        (await pay_session(gateway, yuno, await session_of(gateway), capture=False))["payment"]
        for _ in range(2)
    ]
    captured, other = paid[0]["id"], paid[1]["id"]
    for payment_id in (captured, other):
        before = await gateway.data(PAYMENT, {"id": payment_id})
        assert before["payment"]["subStatus"] == "AUTHORIZED"

    await capture_at_yuno(yuno, captured)  # not through the gateway: only the webhook tells
    await sandbox.webhooks.drain()
    sandbox.clear_requests()

    after = await gateway.data(PAYMENT, {"id": captured})
    assert after["payment"] == {"id": captured, "status": "SUCCEEDED", "subStatus": "CAPTURED"}
    await gateway.data(PAYMENT, {"id": other})
    assert [r.path for r in sandbox.requests] == [f"/v1/payments/{captured}"]


async def capture_at_yuno(yuno: YunoClient, payment_id: str) -> None:
    """A capture the gateway does not make, as a back office at Yuno would."""
    payment = await yuno.get_payment(payment_id)
    authorization = payment.transaction_of(frozenset({AUTHORIZE}))
    assert authorization is not None
    amount = MoneyRequest(value=payment.amount.value, currency=payment.amount.currency)
    capture = CaptureRequest(merchant_reference=payment.merchant_order_id, amount=amount)
    await yuno.move_payment(payment_id, authorization.id, capture)


async def test_an_answer_that_was_running_when_its_session_changed_is_not_kept(
    gateway: GatewayClient, gateway_server: TestServer, sandbox: Sandbox
) -> None:
    customer_id = await create_customer(gateway, "slow-reader")
    session_id = await create_checkout_session(gateway, customer_id)
    # The read fetches the session, then its customer, which Yuno answers late: the
    # session changes in between.
    sandbox.add_fault(
        FaultRule(
            "timeout_after_processing",
            count=1,
            method="GET",
            path_prefix=f"/v1/customers/{customer_id}",
            hold_seconds=0.5,
        )
    )
    slow_read = asyncio.create_task(gateway.data(SESSION_AND_CUSTOMER, {"id": session_id}))
    await asyncio.sleep(0.2)
    update = {"input": {"id": session_id, "amount": {"value": "55.00", "currency": "COP"}}}
    await gateway.data(UPDATE_AMOUNT, update)
    stale = await slow_read
    assert stale["checkoutSession"]["amount"]["value"] == "26.90"  # read before the change

    fresh = await gateway.data(SESSION_AND_CUSTOMER, {"id": session_id})

    assert fresh["checkoutSession"]["amount"]["value"] == "55.00"
    cache = gateway_server.app[RESPONSES]
    assert cache is not None
    assert cache.raced == 1


async def test_mutations_are_never_kept(gateway: GatewayClient, sandbox: Sandbox) -> None:
    document = """
    mutation($input: CreateCustomerInput!) { createCustomer(input: $input) { customer { id } } }
    """
    sandbox.clear_requests()
    for _ in range(2):
        variables = {"input": {"merchantCustomerId": "twice", "email": "t@example.com"}}
        await gateway.execute(document, variables)
    assert sum(1 for r in sandbox.requests if r.method == "POST") == 2


async def test_an_answer_with_an_error_is_never_kept(
    gateway: GatewayClient, sandbox: Sandbox
) -> None:
    session_id = await session_of(gateway)
    fault = FaultRule("error_503", method="GET", path_prefix=f"/v1/checkout/sessions/{session_id}")
    sandbox.add_fault(fault)
    failed = await gateway.execute(SESSION, {"id": session_id})
    assert failed["errors"][0]["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"
    sandbox.faults.clear()

    recovered = await gateway.execute(SESSION, {"id": session_id})

    assert recovered["data"]["checkoutSession"]["id"] == session_id


async def test_a_partial_answer_is_never_kept(gateway: GatewayClient, sandbox: Sandbox) -> None:
    """The session read, its catalog failed: data with errors."""
    session_id = await session_of(gateway)
    methods = f"/v1/checkout/sessions/{session_id}/payment-methods"
    sandbox.add_fault(FaultRule("error_503", method="GET", path_prefix=methods))
    document = "query($id: ID!) { checkoutSession(id: $id) { id paymentMethods { id } } }"
    partial = await gateway.execute(document, {"id": session_id})
    assert partial["data"]["checkoutSession"] is None or partial["errors"]
    sandbox.faults.clear()

    whole = await gateway.execute(document, {"id": session_id})

    assert "errors" not in whole
    assert whole["data"]["checkoutSession"]["paymentMethods"]


async def test_subscriptions_are_never_kept(
    gateway: GatewayClient, gateway_server: TestServer, yuno: YunoClient
) -> None:
    payment_id = (await pay_session(gateway, yuno, await session_of(gateway), capture=False))[
        "payment"
    ]["id"]
    body = {"query": "subscription($id: ID!) { paymentUpdated(id: $id) { status } }"}
    body["variables"] = {"id": payment_id}  # type: ignore[assignment]
    headers = {"Authorization": f"Bearer {SERVICE_KEY}", "Accept": "text/event-stream"}
    for _ in range(2):
        async with aiohttp.ClientSession() as http:
            url = gateway_server.make_url("/graphql")
            async with http.post(url, json=body, headers=headers) as reply:
                assert reply.headers["Content-Type"].startswith("text/event-stream")
                seen = b""
                async with asyncio.timeout(10):
                    while b"AUTHORIZED" not in seen and b"PENDING" not in seen:
                        seen += await reply.content.readany()
    cache = gateway_server.app[RESPONSES]
    assert cache is not None
    assert (cache.hits, cache.stores) == (0, 0)


async def get(
    server: TestServer, params: dict[str, str], **headers: str
) -> tuple[int, CIMultiDict[str], bytes]:
    headers = {
        "Authorization": f"Bearer {SERVICE_KEY}",
        "apollo-require-preflight": "true",
        **headers,
    }
    async with (
        aiohttp.ClientSession() as http,
        http.get(server.make_url("/graphql"), params=params, headers=headers) as reply,
    ):
        return reply.status, CIMultiDict(reply.headers), await reply.read()


async def test_a_get_persisted_query_answers_304_until_its_answer_changes(
    gateway: GatewayClient, gateway_server: TestServer
) -> None:
    session_id = await session_of(gateway)
    digest = hashlib.sha256(SESSION.encode()).hexdigest()
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": digest}}
    registered = {"query": SESSION, "variables": {"id": session_id}, "extensions": extensions}
    async with gateway.http.post(
        gateway.url, json=registered, headers={"Authorization": f"Bearer {SERVICE_KEY}"}
    ) as response:
        assert response.status == 200
    params = {"variables": json.dumps({"id": session_id}), "extensions": json.dumps(extensions)}

    status, headers, body = await get(gateway_server, params)
    assert status == 200
    assert json.loads(body)["data"]["checkoutSession"]["id"] == session_id
    etag = headers["ETag"]
    assert headers["Cache-Control"].startswith("private, max-age=")
    assert 0 < int(headers["Cache-Control"].rsplit("=", 1)[1]) <= 30
    unchanged = await get(gateway_server, params, **{"If-None-Match": etag})
    assert (unchanged[0], unchanged[1]["ETag"], unchanged[2]) == (304, etag, b"")

    update = {"input": {"id": session_id, "amount": {"value": "12.00", "currency": "COP"}}}
    await gateway.data(UPDATE_AMOUNT, update)
    status, headers, body = await get(gateway_server, params, **{"If-None-Match": etag})

    assert status == 200
    assert headers["ETag"] != etag
    assert json.loads(body)["data"]["checkoutSession"]["amount"]["value"] == "12.00"


async def test_the_cache_can_be_turned_off(gateway_settings: Settings, sandbox: Sandbox) -> None:
    app = create_app(gateway_settings.model_copy(update={"response_cache": False}))
    assert app[RESPONSES] is None
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        async with aiohttp.ClientSession() as http:
            client = GatewayClient(http, str(server.make_url("/graphql")), f"Bearer {SERVICE_KEY}")
            session_id = await session_of(client)
            sandbox.clear_requests()
            answers: list[Any] = [await client.data(SESSION, {"id": session_id}) for _ in range(2)]
    finally:
        await server.close()
    assert answers[0] == answers[1]
    assert yuno_reads(sandbox) == 2


async def test_capture_through_the_gateway_ends_the_payment_s_answers(
    gateway: GatewayClient, sandbox: Sandbox, yuno: YunoClient
) -> None:
    payment_id = (await pay_session(gateway, yuno, await session_of(gateway), capture=False))[
        "payment"
    ]["id"]
    await gateway.data(PAYMENT, {"id": payment_id})
    await gateway.data(CAPTURE_PAYMENT, {"input": {"paymentId": payment_id}})

    after = await gateway.data(PAYMENT, {"id": payment_id})

    assert after["payment"]["status"] == "SUCCEEDED"
