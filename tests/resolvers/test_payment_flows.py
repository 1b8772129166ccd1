"""Every way Yuno takes a payment, through GraphQL, over real HTTP against the emulator:
3-D Secure challenges, PIX, OXXO, PSE, webhooks that arrive twice or out of order, partial
captures, cancel-or-refund, zero-amount verify, enrollment declines, session updates and
customer deletion; each refusal with its code and no Yuno write."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from pydantic import SecretStr

from gateway.sandbox import Sandbox, SandboxConfig
from gateway.settings import Settings
from gateway.yuno.client import YunoClient
from tests.conftest import SERVICE_KEY, WEBHOOK_TIME_SCALE, GatewayClient
from tests.documents import CREATE_CUSTOMER_SESSION, ENROLL
from tests.identity import bearer, customer_token
from tests.live import live_socket, next_data, subscribe
from tests.resolvers.test_checkout_flows import enroll_card
from tests.shopper import card, complete_enrollment
from tests.storefront import create_customer

WEBHOOK_SECRET = "flows-webhook-secret"
CALLBACK = "https://shop.example/checkout/return"
CPF = {"documentType": "CPF", "documentNumber": "11144477735"}

PAYMENT = """
  id status subStatus responseCode sdkActionRequired merchantAdviceCode
  captured { value } refunded { value }
  transactions { type status amount { value } responseCode }
  nextAction {
    __typename
    ... on ThreeDSChallenge { url }
    ... on RedirectAction { url }
    ... on QrCodeAction { code imageUrl expiresAt }
    ... on VoucherAction { reference voucherUrl: url barcode expiresAt }
  }
"""
CREATE_PAYMENT = f"""
mutation($input: CreatePaymentInput!) {{
  createPayment(input: $input) {{ payment {{ {PAYMENT} }} userErrors {{ field code message }} }}
}}"""
SESSION = """
mutation($input: CreateCheckoutSessionInput!) {
  createCheckoutSession(input: $input) {
    session { id paymentMethods { type } } userErrors { code }
  }
}"""
PAYMENT_QUERY = f"query($id: ID!) {{ payment(id: $id) {{ {PAYMENT} }} }}"
UPDATED = "subscription($id: ID!) { paymentUpdated(id: $id) { status subStatus } }"
CAPTURE = f"""
mutation($input: CapturePaymentInput!) {{
  capturePayment(input: $input) {{ payment {{ {PAYMENT} }} userErrors {{ field code }} }}
}}"""
CANCEL_OR_REFUND = f"""
mutation($input: CancelOrRefundPaymentInput!) {{
  cancelOrRefundPayment(input: $input) {{ payment {{ {PAYMENT} }} userErrors {{ field code }} }}
}}"""
VERIFY = f"""
mutation($input: VerifyPaymentMethodInput!) {{
  verifyPaymentMethod(input: $input) {{ payment {{ {PAYMENT} }} userErrors {{ field code }} }}
}}"""
UPDATE_SESSION = """
mutation($input: UpdateCheckoutSessionInput!) {
  updateCheckoutSession(input: $input) {
    session { id amount { value currency } paymentDescription } userErrors { field code }
  }
}"""
DELETE_CUSTOMER = """
mutation($input: DeleteCustomerInput!) {
  deleteCustomer(input: $input) { deletedCustomerId userErrors { field code } }
}"""
CUSTOMER_METHOD = """
query($customer: ID!, $id: ID!) {
  customer(id: $customer) { paymentMethod(id: $id) { id status } }
}"""


@pytest.fixture
def sandbox_config() -> SandboxConfig:
    return SandboxConfig(webhook_time_scale=WEBHOOK_TIME_SCALE)


@pytest.fixture
def gateway_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"yuno_webhook_secret": SecretStr(WEBHOOK_SECRET)})


@pytest.fixture
def webhooks(sandbox: Sandbox, gateway_server: TestServer) -> Sandbox:
    sandbox.configure_webhook(str(gateway_server.make_url("/webhooks/yuno")), WEBHOOK_SECRET)
    return sandbox


@pytest.fixture
async def ws(gateway_server: TestServer) -> AsyncIterator[aiohttp.ClientWebSocketResponse]:
    async with live_socket(gateway_server.make_url("/graphql"), f"Bearer {SERVICE_KEY}") as socket:
        yield socket


def writes(sandbox: Sandbox) -> list[str]:
    return [f"{r.method} {r.path}" for r in sandbox.requests if r.method != "GET"]


async def session(
    gateway: GatewayClient,
    country: str = "CO",
    currency: str = "COP",
    *,
    customer: str | None = None,
    amount: str = "50.00",
) -> str:
    customer_id = customer or await create_customer(gateway, f"flows-{uuid.uuid4().hex[:12]}")
    data = await gateway.data(
        SESSION,
        {
            "input": {
                "customerId": customer_id,
                "merchantOrderId": f"order-{country}",
                "paymentDescription": "A basket",
                "country": country,
                "amount": {"value": amount, "currency": currency},
                "callbackUrl": CALLBACK,
            }
        },
    )
    assert data["createCheckoutSession"]["userErrors"] == []
    session_id: str = data["createCheckoutSession"]["session"]["id"]
    return session_id


async def pay(gateway: GatewayClient, **given: Any) -> dict[str, Any]:
    data = await gateway.data(CREATE_PAYMENT, {"input": given})
    result: dict[str, Any] = data["createPayment"]
    return result


async def card_payment(
    gateway: GatewayClient, yuno: YunoClient, number: str, **extra: Any
) -> dict[str, Any]:
    session_id = await session(gateway)
    token = (await yuno.create_one_time_token(session_id, card(number))).token
    paid = await pay(gateway, checkoutSessionId=session_id, paymentMethod={"token": token}, **extra)
    assert paid["userErrors"] == [], paid
    payment: dict[str, Any] = paid["payment"]
    return payment


async def settle(sandbox_url: str, payment_id: str, outcome: str, otp: str | None = None) -> None:
    base = sandbox_url.removesuffix("/v1")
    body = {"outcome": outcome, **({"otp": otp} if otp else {})}
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{base}/_sandbox/payments/{payment_id}", json=body) as reply,
    ):
        assert reply.status == 200, await reply.text()


async def watch(ws: aiohttp.ClientWebSocketResponse, payment_id: str) -> str:
    await subscribe(ws, UPDATED, {"id": payment_id})
    status: str = (await next_data(ws))["paymentUpdated"]["status"]
    return status


async def next_status(ws: aiohttp.ClientWebSocketResponse) -> tuple[str, str]:
    update = (await next_data(ws))["paymentUpdated"]
    return update["status"], update["subStatus"]


async def test_a_challenge_card_pays_pending_and_the_right_otp_succeeds(
    gateway: GatewayClient,
    yuno: YunoClient,
    sandbox_url: str,
    webhooks: Sandbox,
    ws: aiohttp.ClientWebSocketResponse,
) -> None:
    payment = await card_payment(gateway, yuno, "4916994064252017")
    assert (payment["status"], payment["subStatus"], payment["responseCode"]) == (
        "PENDING",
        "WAITING_ADDITIONAL_STEP",
        "CHALLENGE_REQUIRED",
    )
    assert payment["sdkActionRequired"] is True
    assert payment["nextAction"]["__typename"] == "ThreeDSChallenge"
    assert payment["nextAction"]["url"].endswith(f"/sandbox/3ds/{payment['id']}")
    assert await watch(ws, payment["id"]) == "PENDING"

    await settle(sandbox_url, payment["id"], "pay", otp="1234")

    assert await next_status(ws) == ("SUCCEEDED", "APPROVED")
    done = (await gateway.data(PAYMENT_QUERY, {"id": payment["id"]}))["payment"]
    assert (done["responseCode"], done["nextAction"], done["sdkActionRequired"]) == (
        "SUCCEEDED_THREE_D_SECURE",
        None,
        False,
    )
    assert [t["type"] for t in done["transactions"]] == ["THREE_D_SECURE", "PURCHASE"]


async def test_a_wrong_otp_ends_declined(
    gateway: GatewayClient,
    yuno: YunoClient,
    sandbox_url: str,
    webhooks: Sandbox,
    ws: aiohttp.ClientWebSocketResponse,
) -> None:
    payment = await card_payment(gateway, yuno, "348638267931507")
    assert await watch(ws, payment["id"]) == "PENDING"
    await settle(sandbox_url, payment["id"], "pay", otp="0000")
    assert (await next_status(ws))[0] == "DECLINED"


async def test_a_frictionless_card_succeeds_at_once(
    gateway: GatewayClient, yuno: YunoClient
) -> None:
    payment = await card_payment(gateway, yuno, "4234123412340000")
    assert (payment["status"], payment["responseCode"], payment["nextAction"]) == (
        "SUCCEEDED",
        "SUCCEEDED_THREE_D_SECURE",
        None,
    )


async def test_pix_shows_a_qr_code_and_ends_paid_or_expired(
    gateway: GatewayClient,
    sandbox_url: str,
    webhooks: Sandbox,
    ws: aiohttp.ClientWebSocketResponse,
) -> None:
    paid = await pay(
        gateway,
        checkoutSessionId=await session(gateway, "BR", "BRL"),
        paymentMethod={"type": "PIX"},
        payerDocument=CPF,
    )
    payment = paid["payment"]
    assert (payment["status"], payment["sdkActionRequired"]) == ("READY_TO_PAY", True)
    action = payment["nextAction"]
    assert action["__typename"] == "QrCodeAction"
    assert action["code"].startswith("000201")
    assert action["imageUrl"].endswith(f"/sandbox/qr/{payment['id']}.svg")
    assert action["expiresAt"] is not None
    assert await watch(ws, payment["id"]) == "READY_TO_PAY"
    await settle(sandbox_url, payment["id"], "pay")
    assert await next_status(ws) == ("SUCCEEDED", "APPROVED")

    other = await pay(
        gateway,
        checkoutSessionId=await session(gateway, "BR", "BRL"),
        paymentMethod={"type": "PIX"},
        payerDocument=CPF,
    )
    await settle(sandbox_url, other["payment"]["id"], "expire")
    await webhooks.webhooks.drain()
    expired = (await gateway.data(PAYMENT_QUERY, {"id": other["payment"]["id"]}))["payment"]
    assert (expired["status"], expired["nextAction"]) == ("EXPIRED", None)


@pytest.mark.parametrize(
    ("document", "code"),
    [
        (None, "PAYER_DOCUMENT_REQUIRED"),
        ({"documentType": "CPF", "documentNumber": "11144477736"}, "INVALID_PAYER_DOCUMENT"),
        ({"documentType": "CC", "documentNumber": "1010268952"}, "INVALID_PAYER_DOCUMENT"),
    ],
)
async def test_pix_needs_a_valid_brazilian_document_before_any_yuno_write(
    gateway: GatewayClient, sandbox: Sandbox, document: dict[str, str] | None, code: str
) -> None:
    session_id = await session(gateway, "BR", "BRL")
    before = writes(sandbox)
    given = {"payerDocument": document} if document else {}
    paid = await pay(gateway, checkoutSessionId=session_id, paymentMethod={"type": "PIX"}, **given)
    assert [e["code"] for e in paid["userErrors"]] == [code]
    assert writes(sandbox) == before


async def test_a_method_the_session_does_not_offer_is_refused_before_yuno(
    gateway: GatewayClient, sandbox: Sandbox
) -> None:
    session_id = await session(gateway)  # Colombia: no OXXO
    before = writes(sandbox)
    paid = await pay(gateway, checkoutSessionId=session_id, paymentMethod={"type": "OXXO"})
    assert paid["userErrors"] == [
        {
            "field": ["input", "paymentMethod", "type"],
            "code": "PAYMENT_METHOD_NOT_OFFERED",
            "message": paid["userErrors"][0]["message"],
        }
    ]
    assert writes(sandbox) == before


async def test_an_oxxo_voucher_is_paid_later_and_the_webhook_says_so(
    gateway: GatewayClient,
    sandbox_url: str,
    webhooks: Sandbox,
    ws: aiohttp.ClientWebSocketResponse,
) -> None:
    paid = await pay(
        gateway,
        checkoutSessionId=await session(gateway, "MX", "MXN"),
        paymentMethod={"type": "OXXO"},
    )
    voucher = paid["payment"]["nextAction"]
    assert voucher["__typename"] == "VoucherAction"
    assert len(voucher["reference"]) == 14
    assert voucher["barcode"] == voucher["reference"]
    assert await watch(ws, paid["payment"]["id"]) == "READY_TO_PAY"

    async with (
        aiohttp.ClientSession() as http,
        http.post(voucher["voucherUrl"], data={"outcome": "pay"}, allow_redirects=False) as shop,
    ):
        assert shop.status in (200, 303)
    assert await next_status(ws) == ("SUCCEEDED", "APPROVED")


async def test_a_pse_redirect_is_completed_at_the_bank(
    gateway: GatewayClient, webhooks: Sandbox, ws: aiohttp.ClientWebSocketResponse
) -> None:
    paid = await pay(
        gateway,
        checkoutSessionId=await session(gateway),
        paymentMethod={"type": "PSE"},
        payerDocument={"documentType": "CC", "documentNumber": "1010268952"},
    )
    redirect = paid["payment"]["nextAction"]
    assert redirect["__typename"] == "RedirectAction"
    assert await watch(ws, paid["payment"]["id"]) == "READY_TO_PAY"
    async with (
        aiohttp.ClientSession() as http,
        http.post(redirect["url"], data={"outcome": "pay"}, allow_redirects=False) as bank,
    ):
        assert (bank.status, bank.headers["Location"]) == (303, CALLBACK)
    assert await next_status(ws) == ("SUCCEEDED", "APPROVED")


async def test_webhooks_twice_and_out_of_order_leave_the_last_state_once(
    gateway: GatewayClient,
    gateway_server: TestServer,
    yuno: YunoClient,
    sandbox: Sandbox,
    ws: aiohttp.ClientWebSocketResponse,
) -> None:
    """Yuno delivers the authorization and the capture; the receiver sees the capture first,
    then the stale authorization, then the capture again: one SUCCEEDED, never back."""
    sink = TestServer(_accept_all(), host="127.0.0.1")
    await sink.start_server()
    try:
        sandbox.configure_webhook(str(sink.make_url("/hooks")), WEBHOOK_SECRET)
        payment = await card_payment(gateway, yuno, "4507990000000002", capture=False)
        assert await watch(ws, payment["id"]) == "PENDING"
        captured = await gateway.data(CAPTURE, {"input": {"paymentId": payment["id"]}})
        assert captured["capturePayment"]["userErrors"] == []
        await sandbox.webhooks.drain()
    finally:
        await sink.close()
    authorize, capture = (s for s in sandbox.webhooks.sent if s.status == 200)
    url = str(gateway_server.make_url("/webhooks/yuno"))
    async with aiohttp.ClientSession() as http:
        for delivery in (capture, authorize, capture):
            async with http.post(url, data=delivery.body, headers=delivery.headers) as reply:
                assert reply.status == 200

    assert await next_status(ws) == ("SUCCEEDED", "CAPTURED")
    with pytest.raises(asyncio.TimeoutError):
        await ws.receive_json(timeout=0.3)  # the stale one and the duplicate: nothing


def _accept_all() -> aiohttp.web.Application:
    async def ok(request: aiohttp.web.Request) -> aiohttp.web.Response:
        await request.read()
        return aiohttp.web.Response()

    app = aiohttp.web.Application()
    app.router.add_post("/hooks", ok)
    return app


async def test_two_partial_captures_then_cancel_or_refund_refunds(
    gateway: GatewayClient, yuno: YunoClient
) -> None:
    payment = await card_payment(gateway, yuno, "4507990000000002", capture=False)
    for value, status in (("20.00", "PARTIALLY_CAPTURED"), ("30.00", "CAPTURED")):
        moved = await gateway.data(
            CAPTURE,
            {"input": {"paymentId": payment["id"], "amount": {"value": value, "currency": "COP"}}},
        )
        assert moved["capturePayment"]["userErrors"] == []
        assert moved["capturePayment"]["payment"]["subStatus"] == status
    assert moved["capturePayment"]["payment"]["captured"] == {"value": "50.00"}

    refunded = await gateway.data(CANCEL_OR_REFUND, {"input": {"paymentId": payment["id"]}})
    assert refunded["cancelOrRefundPayment"]["payment"]["status"] == "REFUNDED"


async def test_cancel_or_refund_cancels_an_authorization(
    gateway: GatewayClient, yuno: YunoClient
) -> None:
    payment = await card_payment(gateway, yuno, "4507990000000002", capture=False)
    done = await gateway.data(
        CANCEL_OR_REFUND, {"input": {"paymentId": payment["id"], "reason": "DUPLICATE"}}
    )
    assert done["cancelOrRefundPayment"]["payment"]["status"] == "CANCELED"


async def test_cancel_or_refund_bad_inputs_are_refused_before_any_write(
    gateway: GatewayClient, yuno: YunoClient, sandbox: Sandbox
) -> None:
    payment = await card_payment(gateway, yuno, "4507990000000002")
    before = writes(sandbox)
    for given, code in (
        ({"reason": "BECAUSE"}, "INVALID_REASON"),
        ({"amount": {"value": "0", "currency": "COP"}}, "INVALID_AMOUNT"),
        ({"amount": {"value": "5", "currency": "USD"}}, "CURRENCY_MISMATCH"),
    ):
        done = await gateway.data(
            CANCEL_OR_REFUND, {"input": {"paymentId": payment["id"], **given}}
        )
        assert [e["code"] for e in done["cancelOrRefundPayment"]["userErrors"]] == [code]
    shopper = gateway.as_(bearer(customer_token("flows-CO-COP")))
    refused = await shopper.data(CANCEL_OR_REFUND, {"input": {"paymentId": payment["id"]}})
    assert [e["code"] for e in refused["cancelOrRefundPayment"]["userErrors"]] == ["NOT_ALLOWED"]
    assert writes(sandbox) == before


async def test_a_zero_amount_verify_of_an_enrolled_card(
    gateway: GatewayClient, sandbox_url: str, sandbox_config: SandboxConfig, sandbox: Sandbox
) -> None:
    customer_id = await create_customer(gateway, "verifier")
    token = await enroll_card(gateway, sandbox_url, sandbox_config.public_api_key, customer_id)
    verified = await gateway.data(
        VERIFY, {"input": {"customerId": customer_id, "vaultedToken": token, "currency": "COP"}}
    )
    payment = verified["verifyPaymentMethod"]["payment"]
    assert (payment["status"], payment["transactions"][0]["type"]) == ("VERIFIED", "VERIFY")

    before = writes(sandbox)
    unknown = await gateway.data(
        VERIFY, {"input": {"customerId": customer_id, "vaultedToken": "nope", "currency": "COP"}}
    )
    assert [e["code"] for e in unknown["verifyPaymentMethod"]["userErrors"]] == [
        "PAYMENT_METHOD_NOT_FOUND"
    ]
    assert writes(sandbox) == before


async def test_an_enrollment_with_a_decline_card_ends_declined(
    gateway: GatewayClient, sandbox_url: str, sandbox_config: SandboxConfig
) -> None:
    customer_id = await create_customer(gateway, "declined-enroller")
    created = await gateway.data(
        CREATE_CUSTOMER_SESSION, {"input": {"customerId": customer_id, "country": "CO"}}
    )
    session_id = created["createCustomerSession"]["session"]["id"]
    opened = await gateway.data(
        ENROLL,
        {"input": {"customerSessionId": session_id, "paymentMethodType": "CARD", "country": "CO"}},
    )
    enrollment_id = opened["enrollPaymentMethod"]["paymentMethod"]["id"]
    await complete_enrollment(
        sandbox_url, sandbox_config.public_api_key, enrollment_id, card("4507990000000010")
    )
    seen = await gateway.data(CUSTOMER_METHOD, {"customer": customer_id, "id": enrollment_id})
    assert seen["customer"]["paymentMethod"]["status"] == "DECLINED"


async def test_a_checkout_session_is_updated_until_paid(
    gateway: GatewayClient, yuno: YunoClient, sandbox: Sandbox
) -> None:
    session_id = await session(gateway)
    updated = await gateway.data(
        UPDATE_SESSION,
        {"input": {"id": session_id, "amount": {"value": "75.50", "currency": "COP"}}},
    )
    assert updated["updateCheckoutSession"]["session"]["amount"] == {
        "value": "75.50",
        "currency": "COP",
    }
    assert updated["updateCheckoutSession"]["session"]["paymentDescription"] == "A basket"

    before = writes(sandbox)
    negative = await gateway.data(
        UPDATE_SESSION, {"input": {"id": session_id, "amount": {"value": "-1", "currency": "COP"}}}
    )
    assert [e["code"] for e in negative["updateCheckoutSession"]["userErrors"]] == [
        "INVALID_AMOUNT"
    ]
    assert writes(sandbox) == before

    token = (await yuno.create_one_time_token(session_id, card("4507990000000002"))).token
    await pay(gateway, checkoutSessionId=session_id, paymentMethod={"token": token})
    late = await gateway.data(
        UPDATE_SESSION, {"input": {"id": session_id, "paymentDescription": "Other"}}
    )
    assert [e["code"] for e in late["updateCheckoutSession"]["userErrors"]] == [
        "CHECKOUT_SESSION_USED"
    ]


async def test_a_customer_is_deleted_and_another_shopper_cannot_delete_it(
    gateway: GatewayClient, sandbox: Sandbox
) -> None:
    customer_id = await create_customer(gateway, "leaving-shopper")
    before = writes(sandbox)
    stranger = gateway.as_(bearer(customer_token("someone-else")))
    refused = await stranger.data(DELETE_CUSTOMER, {"input": {"id": customer_id}})
    assert [e["code"] for e in refused["deleteCustomer"]["userErrors"]] == ["CUSTOMER_NOT_FOUND"]
    assert writes(sandbox) == before

    own = gateway.as_(bearer(customer_token("leaving-shopper")))
    deleted = await own.data(DELETE_CUSTOMER, {"input": {"id": customer_id}})
    assert deleted["deleteCustomer"] == {"deletedCustomerId": customer_id, "userErrors": []}
    assert (
        await gateway.data("query($id: ID!) { customer(id: $id) { id } }", {"id": customer_id})
    )["customer"] is None
