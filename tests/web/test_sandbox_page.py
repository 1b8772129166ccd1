"""The sandbox checkout page, in a real browser, on a fresh ``gateway serve`` with no
configuration: a shopper signs in, opens checkout sessions and pays with the test cards
(success, decline, a 3-D Secure challenge answered in the page's frame) and with PIX,
watching the payment change live; every request stays on this machine and nothing breaks
the page's Content-Security-Policy. Without development credentials there is no page.
"""

# Annotations stay strings, so this module imports without playwright (tests/browser.py).
from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from gateway.app import create_app
from gateway.settings import Settings
from tests.browser import PageLog
from tests.services import GatewayProcess

if TYPE_CHECKING:
    from playwright.async_api import Page


@pytest.fixture
def served(tmp_path: Path) -> Iterator[GatewayProcess]:
    """``gateway serve`` as a newcomer starts it: no settings at all."""
    process = GatewayProcess({}, tmp_path / "serve.log")
    process.start()
    yield process
    process.terminate()


async def open_session(page: Page, country: str = "CO") -> None:
    from playwright.async_api import expect

    status = page.locator("#session-status")
    before = await status.text_content()
    await page.get_by_label("Country").select_option(country)
    await page.get_by_role("button", name="Open a checkout session").click()
    await expect(status).not_to_have_text(before or "")
    await expect(status).to_contain_text("Checkout session")


async def pay_with_card(page: Page, number: str) -> None:
    await open_session(page)
    await page.get_by_label("Test card").select_option(number)
    await page.get_by_role("button", name="Pay", exact=True).click()


async def test_a_newcomer_pays_in_the_sandbox_page(
    served: GatewayProcess, page: Page, page_log: PageLog
) -> None:
    from playwright.async_api import expect

    await page.goto(f"{served.url}/sandbox")
    await page.get_by_label("Merchant customer id").fill("browser-shopper")
    await page.get_by_role("button", name="Sign in as this shopper").click()
    await expect(page.locator("#shopper-status")).to_contain_text("Signed in")
    status, code = page.locator("#status"), page.locator("#response-code")

    await pay_with_card(page, "4507990000000002")
    await expect(status).to_have_text("SUCCEEDED")

    await pay_with_card(page, "4507990000000010")
    await expect(status).to_have_text("DECLINED")
    await expect(code).to_have_text("INSUFFICIENT_FUNDS")

    await pay_with_card(page, "4916994064252017")
    await expect(status).to_have_text("PENDING")
    challenge = page.frame_locator("#action iframe")
    await challenge.get_by_label("One-time password").fill("1234")
    await challenge.get_by_role("button", name="Confirm").click()
    await expect(status).to_have_text("SUCCEEDED")  # told by paymentUpdated, not a reload
    await expect(page.locator("#updates li").last).to_contain_text("SUCCEEDED")

    await open_session(page, "BR")
    await page.get_by_label("PIX").check()
    await page.get_by_role("button", name="Pay", exact=True).click()
    await expect(status).to_have_text("READY_TO_PAY")
    qr = page.get_by_alt_text("PIX QR code")
    await expect(qr).to_be_visible()
    payment_id = re.search(r"/qr/([^.]+)\.svg", await qr.get_attribute("src") or "")
    assert payment_id is not None
    await settle_as_the_bank(served, payment_id.group(1))
    await expect(status).to_have_text("SUCCEEDED")

    assert page_log.blocked == []
    assert page_log.failed == []
    assert page_log.errors == []
    assert await page.evaluate("window.cspViolations") == []


async def settle_as_the_bank(served: GatewayProcess, payment_id: str) -> None:
    """The shopper's bank app pays the QR code: the emulator's knob, where sdkConfig says."""
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{served.url}/sandbox/config") as reply:
            base = (await reply.json())["apiBaseUrl"].removesuffix("/v1")
        async with http.post(
            f"{base}/_sandbox/payments/{payment_id}", json={"outcome": "pay"}
        ) as settled:
            assert settled.status == 200


async def test_no_page_without_the_development_credentials(tmp_path: Path) -> None:
    process = GatewayProcess({"GATEWAY_API_KEYS": '{"k": ["*"]}'}, tmp_path / "serve.log")
    process.start()
    try:
        async with aiohttp.ClientSession() as http:
            for path in ("/sandbox", "/sandbox/config"):
                async with http.get(process.url + path) as reply:
                    assert reply.status == 404
            async with http.post(process.url + "/sandbox/shopper-token", json={"sub": "x"}) as t:
                assert t.status == 404
    finally:
        process.terminate()


@pytest.fixture
async def development() -> AsyncIterator[TestServer]:
    """The gateway as a newcomer runs it (no settings), in this process."""
    server = TestServer(create_app(Settings(_env_file=None)), host="127.0.0.1")
    await server.start_server()
    yield server
    await server.close()


async def test_the_page_runs_only_its_own_code(development: TestServer) -> None:
    async with aiohttp.ClientSession() as http:
        async with http.get(development.make_url("/sandbox")) as page:
            policy = page.headers["Content-Security-Policy"].split("; ")
        assert "default-src 'none'" in policy
        assert "script-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy
        assert not any("unsafe" in directive for directive in policy)
        for name in ("checkout.js", "checkout.css"):
            async with http.get(development.make_url(f"/sandbox/static/{name}")) as asset:
                assert asset.status == 200
        for name in ("..%2F..%2Fapp.py", "index.html.bak", "nope.js"):
            async with http.get(development.make_url(f"/sandbox/static/{name}")) as missing:
                assert missing.status == 404


async def test_the_page_mints_shopper_tokens_the_gateway_accepts(development: TestServer) -> None:
    async with aiohttp.ClientSession() as http:
        url = development.make_url("/sandbox/shopper-token")
        async with http.post(url, data=b"not json") as refused:
            body = await refused.json()
            assert refused.status == 400
            assert body["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
            assert body["errors"][0]["extensions"]["requestId"]
        async with http.post(url, json={"sub": "page-shopper"}) as minted:
            token = (await minted.json())["token"]
        async with http.post(
            development.make_url("/graphql"),
            json={"query": "{ viewer { id } }"},
            headers={"Authorization": f"Bearer {token}"},
        ) as answer:
            assert (await answer.json()) == {"data": {"viewer": None}}  # no such customer yet
