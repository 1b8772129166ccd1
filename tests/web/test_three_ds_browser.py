"""A 3-D Secure challenge in a real browser: the shopper's app opens the challenge URL the
gateway gave (``Payment.nextAction``), types the one-time password into the emulator's page,
and lands back on the merchant's callback URL; a ``paymentUpdated`` subscriber sees the
payment succeed (``1234``) or decline (any other password). Every request the page makes
stays on this machine, and nothing breaks the page's Content-Security-Policy.
"""

# Annotations stay strings, so this module imports without playwright (tests/browser.py).
from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from gateway.sandbox import Sandbox
from gateway.yuno.client import YunoClient
from tests.browser import PageLog
from tests.conftest import SERVICE_KEY, GatewayClient
from tests.live import live_socket, next_data, subscribe
from tests.resolvers.test_payment_flows import (  # one set of documents for these flows
    CREATE_PAYMENT,
    UPDATED,
    WEBHOOK_SECRET,
    gateway_settings,
    sandbox_config,
)
from tests.shopper import card
from tests.storefront import create_customer

if TYPE_CHECKING:
    from playwright.async_api import Page

__all__ = ["gateway_settings", "sandbox_config"]  # fixtures this module takes from there

SESSION = """
mutation($input: CreateCheckoutSessionInput!) {
  createCheckoutSession(input: $input) { session { id } userErrors { code } }
}"""


@pytest.fixture
async def shop() -> AsyncIterator[TestServer]:
    """The merchant's page the shopper returns to (its callbackUrl)."""

    async def back(request: web.Request) -> web.Response:
        return web.Response(text="<h1>Back at the shop</h1>", content_type="text/html")

    app = web.Application()
    app.router.add_get("/checkout/return", back)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    yield server
    await server.close()


async def challenge(
    gateway: GatewayClient, yuno: YunoClient, callback: str, merchant: str
) -> tuple[str, str]:
    """A payment with Yuno's browser-challenge card: its id and its challenge URL."""
    customer_id = await create_customer(gateway, merchant)
    created = await gateway.data(
        SESSION,
        {
            "input": {
                "customerId": customer_id,
                "merchantOrderId": f"order-{merchant}",
                "paymentDescription": "Shoes",
                "country": "CO",
                "amount": {"value": "120.00", "currency": "COP"},
                "callbackUrl": callback,
            }
        },
    )
    session_id = created["createCheckoutSession"]["session"]["id"]
    token = (await yuno.create_one_time_token(session_id, card("4916994064252017"))).token
    paid = await gateway.data(
        CREATE_PAYMENT,
        {"input": {"checkoutSessionId": session_id, "paymentMethod": {"token": token}}},
    )
    payment = paid["createPayment"]["payment"]
    assert payment["nextAction"]["__typename"] == "ThreeDSChallenge"
    return payment["id"], payment["nextAction"]["url"]


@pytest.mark.parametrize(("otp", "status"), [("1234", "SUCCEEDED"), ("1111", "DECLINED")])
async def test_the_shopper_answers_the_challenge_in_a_browser(
    gateway: GatewayClient,
    gateway_server: TestServer,
    yuno: YunoClient,
    sandbox: Sandbox,
    shop: TestServer,
    page: Page,
    page_log: PageLog,
    otp: str,
    status: str,
) -> None:
    from playwright.async_api import expect

    sandbox.configure_webhook(str(gateway_server.make_url("/webhooks/yuno")), WEBHOOK_SECRET)
    callback = str(shop.make_url("/checkout/return"))
    payment_id, url = await challenge(gateway, yuno, callback, f"browser-{otp}")
    async with live_socket(gateway_server.make_url("/graphql"), f"Bearer {SERVICE_KEY}") as ws:
        await subscribe(ws, UPDATED, {"id": payment_id})
        assert (await next_data(ws))["paymentUpdated"]["status"] == "PENDING"

        await page.goto(url)
        await page.get_by_label("One-time password").fill(otp)
        await page.get_by_role("button", name="Confirm").click()
        await page.wait_for_url(callback)
        await expect(page.get_by_role("heading")).to_have_text("Back at the shop")

        assert (await next_data(ws))["paymentUpdated"]["status"] == status
    assert page_log.blocked == []
    assert page_log.failed == []
    assert page_log.errors == []
    assert await page.evaluate("window.cspViolations") == []


async def test_the_challenge_page_is_gone_once_answered(
    gateway: GatewayClient, yuno: YunoClient, shop: TestServer
) -> None:
    _, url = await challenge(gateway, yuno, str(shop.make_url("/checkout/return")), "answered")
    async with aiohttp.ClientSession() as http:
        async with http.post(url, data={"otp": "1234"}, allow_redirects=False) as first:
            assert first.status == 303
        async with http.get(url) as again:
            assert again.status == 404
