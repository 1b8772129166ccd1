"""Each documented flow, as GraphQL through the gateway, against the emulator."""

from gateway.sandbox import Sandbox, SandboxConfig
from gateway.yuno.client import YunoClient
from tests.conftest import GatewayClient
from tests.documents import (
    CANCEL_PAYMENT,
    CAPTURE_PAYMENT,
    CHECKOUT_SESSION,
    CREATE_CUSTOMER_SESSION,
    CREATE_PAYMENT,
    CUSTOMER_METHODS,
    ENROLL,
    PAYMENT,
    PAYMENTS_BY_ORDER,
    REFUND_PAYMENT,
    SDK_CONFIG,
    UNENROLL,
    UPDATE_CUSTOMER,
)
from tests.shopper import VISA_INSUFFICIENT_FUNDS, VISA_SUCCEEDED, complete_enrollment
from tests.storefront import create_checkout_session, create_customer, pay_session


async def enroll_card(
    gateway: GatewayClient, sandbox_url: str, public_key: str, customer_id: str
) -> str:
    session = await gateway.data(
        CREATE_CUSTOMER_SESSION, {"input": {"customerId": customer_id, "country": "CO"}}
    )
    session_id = session["createCustomerSession"]["session"]["id"]
    assert "CARD" in {
        m["type"] for m in session["createCustomerSession"]["session"]["paymentMethods"]
    }
    enrolled = await gateway.data(
        ENROLL,
        {"input": {"customerSessionId": session_id, "paymentMethodType": "CARD", "country": "CO"}},
    )
    assert enrolled["enrollPaymentMethod"]["userErrors"] == []
    method = enrolled["enrollPaymentMethod"]["paymentMethod"]
    assert method["status"] == "READY_TO_ENROLL"
    done = await complete_enrollment(sandbox_url, public_key, method["id"], VISA_SUCCEEDED)
    assert done.vaulted_token
    return done.vaulted_token


async def test_customer_enrolls_a_card_and_sees_it(
    gateway: GatewayClient, sandbox_url: str, sandbox_config: SandboxConfig
) -> None:
    customer_id = await create_customer(gateway)
    token = await enroll_card(gateway, sandbox_url, sandbox_config.public_api_key, customer_id)

    data = await gateway.data(CUSTOMER_METHODS, {"id": customer_id})
    [method] = data["customer"]["paymentMethods"]
    assert method["vaultedToken"] == token
    assert method["status"] == "ENROLLED"
    assert method["card"]["lastFour"] == "0002"

    unenrolled = await gateway.data(
        UNENROLL, {"input": {"customerId": customer_id, "paymentMethodId": token}}
    )
    assert unenrolled["unenrollPaymentMethod"]["paymentMethod"]["status"] == "UNENROLLED"
    data = await gateway.data(CUSTOMER_METHODS, {"id": customer_id})
    assert data["customer"]["paymentMethods"] == []


async def test_checkout_session_offers_the_enrolled_card(
    gateway: GatewayClient, sandbox_url: str, sandbox_config: SandboxConfig
) -> None:
    customer_id = await create_customer(gateway)
    token = await enroll_card(gateway, sandbox_url, sandbox_config.public_api_key, customer_id)
    session_id = await create_checkout_session(gateway, customer_id)

    data = await gateway.data(CHECKOUT_SESSION, {"id": session_id})
    session = data["checkoutSession"]
    assert session["amount"] == {"value": "26.90", "currency": "COP"}
    assert session["customer"]["email"] == "shopper-1@example.com"
    assert token in {m["vaultedToken"] for m in session["paymentMethods"]}


async def test_pay_with_a_token_succeeds(gateway: GatewayClient, yuno: YunoClient) -> None:
    customer_id = await create_customer(gateway)
    session_id = await create_checkout_session(gateway, customer_id, amount="26.90")
    payload = await pay_session(gateway, yuno, session_id)
    assert payload["userErrors"] == []
    payment = payload["payment"]
    assert (payment["status"], payment["subStatus"]) == ("SUCCEEDED", "APPROVED")
    assert payment["responseCode"] == "SUCCEEDED"
    assert payment["amount"] == {"value": "26.90", "currency": "COP"}
    assert payment["customer"] == {"id": customer_id}
    assert payment["checkoutSession"] == {"id": session_id}
    assert payment["merchantOrderId"] == "order-0001"


async def test_pay_with_a_vaulted_card(
    gateway: GatewayClient, sandbox_url: str, sandbox_config: SandboxConfig
) -> None:
    customer_id = await create_customer(gateway)
    token = await enroll_card(gateway, sandbox_url, sandbox_config.public_api_key, customer_id)
    session_id = await create_checkout_session(gateway, customer_id)
    data = await gateway.data(
        "mutation($input: CreatePaymentInput!) { createPayment(input: $input) "
        "{ payment { status paymentMethod { vaultedToken } } userErrors { code } } }",
        {"input": {"checkoutSessionId": session_id, "paymentMethod": {"vaultedToken": token}}},
    )
    assert data["createPayment"]["payment"]["status"] == "SUCCEEDED"


async def test_declined_card_is_a_payment_not_an_error(
    gateway: GatewayClient, yuno: YunoClient
) -> None:
    customer_id = await create_customer(gateway)
    session_id = await create_checkout_session(gateway, customer_id)
    payload = await pay_session(gateway, yuno, session_id, VISA_INSUFFICIENT_FUNDS)
    assert payload["userErrors"] == []
    assert payload["payment"]["status"] == "DECLINED"
    assert payload["payment"]["responseCode"] == "INSUFFICIENT_FUNDS"


async def test_authorize_then_capture(gateway: GatewayClient, yuno: YunoClient) -> None:
    customer_id = await create_customer(gateway)
    session_id = await create_checkout_session(gateway, customer_id, amount="100")
    authorized = await pay_session(gateway, yuno, session_id, capture=False)
    payment = authorized["payment"]
    assert (payment["status"], payment["subStatus"]) == ("PENDING", "AUTHORIZED")

    captured = await gateway.data(CAPTURE_PAYMENT, {"input": {"paymentId": payment["id"]}})
    result = captured["capturePayment"]
    assert result["userErrors"] == []
    assert (result["payment"]["status"], result["payment"]["subStatus"]) == (
        "SUCCEEDED",
        "CAPTURED",
    )
    again = await gateway.data(CAPTURE_PAYMENT, {"input": {"paymentId": payment["id"]}})
    assert again["capturePayment"]["userErrors"][0]["code"] == "PAYMENT_NOT_CAPTURABLE"


async def test_authorize_then_cancel(gateway: GatewayClient, yuno: YunoClient) -> None:
    customer_id = await create_customer(gateway)
    session_id = await create_checkout_session(gateway, customer_id)
    authorized = await pay_session(gateway, yuno, session_id, capture=False)
    canceled = await gateway.data(
        CANCEL_PAYMENT,
        {"input": {"paymentId": authorized["payment"]["id"], "reason": "Customer changed mind"}},
    )
    assert canceled["cancelPayment"]["userErrors"] == []
    assert canceled["cancelPayment"]["payment"]["status"] == "CANCELED"


async def test_partial_then_full_refund(gateway: GatewayClient, yuno: YunoClient) -> None:
    customer_id = await create_customer(gateway)
    session_id = await create_checkout_session(gateway, customer_id, amount="100.50")
    paid = await pay_session(gateway, yuno, session_id)
    payment_id = paid["payment"]["id"]

    partial = await gateway.data(
        REFUND_PAYMENT,
        {"input": {"paymentId": payment_id, "amount": {"value": "40.25", "currency": "COP"}}},
    )
    refund = partial["refundPayment"]
    assert refund["userErrors"] == []
    assert refund["payment"]["subStatus"] == "PARTIALLY_REFUNDED"
    assert refund["payment"]["refunded"] == {"value": "40.25", "currency": "COP"}

    full = await gateway.data(REFUND_PAYMENT, {"input": {"paymentId": payment_id}})
    assert full["refundPayment"]["payment"]["status"] == "REFUNDED"
    assert full["refundPayment"]["payment"]["refunded"]["value"] == "100.50"

    read = await gateway.data(PAYMENT, {"id": payment_id})
    assert read["payment"]["status"] == "REFUNDED"


async def test_payments_by_merchant_order_id(gateway: GatewayClient, yuno: YunoClient) -> None:
    customer_id = await create_customer(gateway)
    first = await pay_session(gateway, yuno, await create_checkout_session(gateway, customer_id))
    second = await pay_session(
        gateway, yuno, await create_checkout_session(gateway, customer_id), VISA_INSUFFICIENT_FUNDS
    )
    data = await gateway.data(PAYMENTS_BY_ORDER, {"order": "order-0001"})
    found = {p["id"]: p["status"] for p in data["paymentsByMerchantOrderId"]}
    assert found == {first["payment"]["id"]: "SUCCEEDED", second["payment"]["id"]: "DECLINED"}
    assert all(p["customer"]["id"] == customer_id for p in data["paymentsByMerchantOrderId"])


async def test_update_customer(gateway: GatewayClient) -> None:
    customer_id = await create_customer(gateway)
    data = await gateway.data(
        UPDATE_CUSTOMER, {"input": {"id": customer_id, "firstName": "Ana", "email": "a@b.co"}}
    )
    assert data["updateCustomer"]["customer"] == {
        "id": customer_id,
        "firstName": "Ana",
        "email": "a@b.co",
    }


async def test_sdk_config_names_the_yuno_it_talks_to(
    gateway: GatewayClient, sandbox_url: str, sandbox_config: SandboxConfig
) -> None:
    data = await gateway.data(SDK_CONFIG)
    assert data["sdkConfig"] == {
        "publicApiKey": sandbox_config.public_api_key,
        "environment": "SANDBOX",
        "apiBaseUrl": sandbox_url,
    }


async def test_a_used_session_cannot_pay_again(
    gateway: GatewayClient, yuno: YunoClient, sandbox: Sandbox
) -> None:
    customer_id = await create_customer(gateway)
    session_id = await create_checkout_session(gateway, customer_id)
    await pay_session(gateway, yuno, session_id)
    writes_before = [r for r in sandbox.requests if r.path == "/v1/payments"]

    data = await gateway.data(
        CREATE_PAYMENT,
        {"input": {"checkoutSessionId": session_id, "paymentMethod": {"token": "another-token"}}},
    )
    again = data["createPayment"]
    assert again["payment"] is None
    assert again["userErrors"] == [
        {
            "field": ["input", "checkoutSessionId"],
            "message": "This checkout session already has its payment; create a new session.",
            "code": "CHECKOUT_SESSION_USED",
        }
    ]
    assert [r for r in sandbox.requests if r.path == "/v1/payments"] == writes_before
