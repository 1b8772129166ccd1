"""What a merchant's app does through the gateway, step by step, for tests to build on."""

from typing import Any

from gateway.yuno.client import YunoClient
from gateway.yuno.models import TestCard
from tests.conftest import GatewayClient
from tests.documents import CREATE_CHECKOUT_SESSION, CREATE_CUSTOMER, CREATE_PAYMENT
from tests.shopper import VISA_SUCCEEDED


async def create_customer(gateway: GatewayClient, merchant_id: str = "shopper-1") -> str:
    data = await gateway.data(
        CREATE_CUSTOMER,
        {"input": {"merchantCustomerId": merchant_id, "email": f"{merchant_id}@example.com"}},
    )
    assert data["createCustomer"]["userErrors"] == []
    customer_id: str = data["createCustomer"]["customer"]["id"]
    return customer_id


async def create_checkout_session(
    gateway: GatewayClient,
    customer_id: str,
    amount: str = "26.90",
    order: str = "order-0001",
) -> str:
    data = await gateway.data(
        CREATE_CHECKOUT_SESSION,
        {
            "input": {
                "customerId": customer_id,
                "merchantOrderId": order,
                "paymentDescription": "Two coffees",
                "country": "CO",
                "amount": {"value": amount, "currency": "COP"},
            }
        },
    )
    assert data["createCheckoutSession"]["userErrors"] == []
    session_id: str = data["createCheckoutSession"]["session"]["id"]
    return session_id


async def pay_session(
    gateway: GatewayClient,
    yuno: YunoClient,
    session_id: str,
    card: TestCard = VISA_SUCCEEDED,
    **extra: Any,
) -> dict[str, Any]:
    """Mint a one-time token as the SDK would, then pay the session through the gateway."""
    token = await yuno.create_one_time_token(session_id, card)
    data = await gateway.data(
        CREATE_PAYMENT,
        {
            "input": {
                "checkoutSessionId": session_id,
                "paymentMethod": {"token": token.token},
                **extra,
            }
        },
    )
    payload: dict[str, Any] = data["createPayment"]
    return payload
