"""Payments that do not finish in their create call: 3-D Secure challenges, alternative
methods (PIX, OXXO, SPEI, PSE, wallets), fraud screening; and what the Testing Gateway adds
to any payment (merchant advice on a decline, installments, zero-amount verify).

Each flow runs over HTTP against the emulator: the payment's shape as Yuno documents it,
the shopper's page or the test knob that ends it, and the webhook that reports the end.
"""

from datetime import timedelta
from typing import Any

import aiohttp
import orjson
import pytest

from gateway.sandbox import DEV_ACCOUNT_ID, SandboxConfig
from gateway.sandbox.steps import clabe
from tests.sandbox.api import Api, Clock, card, payment_body
from tests.services import eventually

CALLBACK = "https://merchant.example/checkout/done"
VISA_CHALLENGE = "4916994064252017"
AMEX_CHALLENGE = "348638267931507"
SIMULATOR_FRICTIONLESS = "4234123412340000"  # not Luhn-valid: Yuno's simulator takes it
SIMULATOR_CHALLENGE = "4234123412340003"
CPF = {"document_type": "CPF", "document_number": "11144477735"}


@pytest.fixture
def emulator_config(clock: Clock) -> SandboxConfig:
    return SandboxConfig(clock=clock, webhook_time_scale=0.0001, webhook_attempts=7)


async def card_payment(api: Api, number: str, **method: Any) -> dict[str, Any]:
    session = await api.checkout(callback_url=CALLBACK)
    token = await api.token(session, number)
    reply = await api.call(
        "POST", "/v1/payments", payment_body(session, {"token": token, **method}), key=number
    )
    assert reply.status == 201, reply.body
    result: dict[str, Any] = reply.body
    return result


async def alternative(
    api: Api, kind: str, country: str, currency: str, **extra: Any
) -> dict[str, Any]:
    session = await api.checkout(country=country, currency=currency, callback_url=CALLBACK)
    body = payment_body(session, {"type": kind}, **extra)
    reply = await api.call("POST", "/v1/payments", body, key=f"{kind}-{session}")
    assert reply.status == 201, reply.body
    result: dict[str, Any] = reply.body
    return result


async def settle(api: Api, payment_id: str, outcome: str, **extra: Any) -> dict[str, Any]:
    reply = await api.call(
        "POST", f"/_sandbox/payments/{payment_id}", {"outcome": outcome, **extra}, headers={}
    )
    assert reply.status == 200, reply.body
    result: dict[str, Any] = reply.body
    return result


async def test_a_challenge_card_waits_for_the_shopper_with_a_challenge_url(api: Api) -> None:
    payment = await card_payment(api, VISA_CHALLENGE)

    assert (payment["status"], payment["sub_status"]) == ("PENDING", "WAITING_ADDITIONAL_STEP")
    assert payment["checkout"]["sdk_action_required"] is True
    challenge = payment["transactions"]
    assert (challenge["type"], challenge["status"], challenge["response_code"]) == (
        "THREE_D_SECURE",
        "PENDING",
        "CHALLENGE_REQUIRED",
    )
    url = challenge["payment_method"]["detail"]["card"]["redirect_url"]
    assert url == f"{api.base}/sandbox/3ds/{payment['id']}"
    assert payment["payment_method"]["payment_method_detail"]["card"]["redirect_url"] == url


async def test_the_challenge_page_takes_the_otp_and_returns_to_the_callback(api: Api) -> None:
    payment = await card_payment(api, AMEX_CHALLENGE)
    url = payment["transactions"]["payment_method"]["detail"]["card"]["redirect_url"]

    async with api.http.get(url) as page:
        assert page.status == 200
        assert "One-time password" in await page.text()
        assert "default-src 'none'" in page.headers["Content-Security-Policy"]
    async with api.http.post(url, data={"otp": "1234"}, allow_redirects=False) as answer:
        assert (answer.status, answer.headers["Location"]) == (303, CALLBACK)

    done = (await api.call("GET", f"/v1/payments/{payment['id']}")).body
    assert (done["status"], done["sub_status"]) == ("SUCCEEDED", "APPROVED")
    assert [t["type"] for t in done["transactions"]] == ["THREE_D_SECURE", "PURCHASE"]
    assert done["transactions"][-1]["response_code"] == "SUCCEEDED_THREE_D_SECURE"
    assert done["checkout"]["sdk_action_required"] is False


async def test_a_wrong_otp_declines_and_the_page_is_then_gone(api: Api) -> None:
    payment = await card_payment(api, SIMULATOR_CHALLENGE)
    done = await settle(api, payment["id"], "pay", otp="1111")
    assert (done["status"], done["transactions"][0]["status"]) == ("DECLINED", "DECLINED")

    async with api.http.get(f"{api.base}/sandbox/3ds/{payment['id']}") as page:
        assert page.status == 404


async def test_frictionless_cards_succeed_with_three_d_secure(api: Api) -> None:
    payment = await card_payment(api, SIMULATOR_FRICTIONLESS)
    assert (payment["status"], payment["transactions"]["response_code"]) == (
        "SUCCEEDED",
        "SUCCEEDED_THREE_D_SECURE",
    )
    assert [t["type"] for t in payment["transactions_history"]] == ["THREE_D_SECURE", "PURCHASE"]


async def test_pix_shows_a_qr_code_and_is_paid_by_the_shopper(api: Api) -> None:
    payment = await alternative(api, "PIX", "BR", "BRL", customer_payer={"document": CPF})

    assert (payment["status"], payment["sub_status"]) == ("READY_TO_PAY", "CREATED")
    assert payment["checkout"]["sdk_action_required"] is True
    pix = payment["payment_method"]["payment_method_detail"]["bank_transfer"]
    assert pix["payment_instruction"].startswith("000201")  # an EMV BR Code
    assert pix["provider_image"] == f"{api.base}/sandbox/qr/{payment['id']}.svg"
    assert pix["expires_at"] is not None
    async with api.http.get(pix["provider_image"]) as image:
        assert image.content_type == "image/svg+xml"

    done = await settle(api, payment["id"], "pay")
    assert (done["status"], done["sub_status"]) == ("SUCCEEDED", "APPROVED")


async def test_pix_expires_when_its_time_is_up(api: Api, clock: Clock) -> None:
    payment = await alternative(api, "PIX", "BR", "BRL", customer_payer={"document": CPF})
    clock.advance(timedelta(minutes=31))

    def expired() -> bool:
        return api.sandbox.store.payments[payment["id"]].status == "EXPIRED"

    await eventually(expired)  # the emulator's sweeper, not a read, expires it
    read = (await api.call("GET", f"/v1/payments/{payment['id']}")).body
    assert (read["status"], read["transactions"][0]["status"]) == ("EXPIRED", "EXPIRED")


@pytest.mark.parametrize(
    ("payer", "code"),
    [
        ({}, "MISSING_PARAMETERS"),
        ({"document": {**CPF, "document_type": "CC"}}, "INVALID_PARAMETERS"),
    ],
)
async def test_pix_needs_a_brazilian_payer_document(
    api: Api, payer: dict[str, Any], code: str
) -> None:
    session = await api.checkout(country="BR", currency="BRL")
    body = payment_body(session, {"type": "PIX"}, customer_payer=payer)
    reply = await api.call("POST", "/v1/payments", body, key="pix-no-document")
    assert (reply.status, reply.body["code"]) == (400, code)


async def test_a_method_the_country_does_not_offer_is_unavailable(api: Api) -> None:
    session = await api.checkout()  # CO
    body = payment_body(session, {"type": "OXXO"})
    reply = await api.call("POST", "/v1/payments", body, key="oxxo-in-co")
    assert (reply.status, reply.body["code"]) == (400, "UNAVAILABLE_PAYMENT_METHOD")


async def test_an_oxxo_voucher_is_paid_at_the_shop(api: Api) -> None:
    payment = await alternative(api, "OXXO", "MX", "MXN")
    ticket = payment["payment_method"]["payment_method_detail"]["ticket"]
    assert len(ticket["provider_number"]) == 14
    assert ticket["provider_number"].isdigit()
    assert ticket["date_of_expiration"] is not None

    async with api.http.get(ticket["redirect_url"]) as page:
        assert ticket["provider_number"] in await page.text()
    async with api.http.post(
        ticket["redirect_url"], data={"outcome": "pay"}, allow_redirects=False
    ) as paid:
        assert (paid.status, paid.headers["Location"]) == (303, CALLBACK)
    assert api.sandbox.store.payments[payment["id"]].status == "SUCCEEDED"


async def test_spei_gives_a_clabe_with_its_check_digit(api: Api) -> None:
    payment = await alternative(api, "SPEI", "MX", "MXN")
    transfer = payment["payment_method"]["payment_method_detail"]["bank_transfer"]
    account = transfer["bank_account"]
    assert len(account) == 18
    assert account.startswith("646")
    assert clabe(api.sandbox.store.payments[payment["id"]]) == account


@pytest.mark.parametrize(("kind", "detail"), [("PSE", "bank_transfer"), ("NEQUI", "wallet")])
async def test_a_redirect_method_is_approved_or_declined_on_the_bank_page(
    api: Api, kind: str, detail: str
) -> None:
    payer = {"document": {"document_type": "CC", "document_number": "1010268952"}}
    approved = await alternative(api, kind, "CO", "COP", customer_payer=payer)
    page = approved["payment_method"]["payment_method_detail"][detail]["redirect_url"]
    async with api.http.post(page, data={"outcome": "pay"}, allow_redirects=False) as answer:
        assert answer.headers["Location"] == CALLBACK
    assert api.sandbox.store.payments[approved["id"]].status == "SUCCEEDED"

    declined = await alternative(api, kind, "CO", "COP", customer_payer=payer)
    assert (await settle(api, declined["id"], "fail"))["status"] == "DECLINED"


async def test_a_fraud_review_holds_the_payment_until_settled(api: Api) -> None:
    session = await api.checkout(description="PENDING_FRAUD_REVIEW")
    token = await api.token(session)
    reply = await api.call("POST", "/v1/payments", payment_body(session, {"token": token}), key="f")
    held = reply.body
    assert (held["status"], held["sub_status"]) == ("PENDING", "PENDING_FRAUD_REVIEW")
    assert held["transactions"]["type"] == "FRAUD_SCREENING"

    done = await settle(api, held["id"], "approve")
    assert (done["status"], done["sub_status"]) == ("SUCCEEDED", "APPROVED")
    assert done["fraud_screening"]["status"] == "SUCCEEDED"


async def test_fraud_declines_before_the_provider_with_no_transaction(api: Api) -> None:
    session = await api.checkout(description="FRAUD_VALIDATION")
    token = await api.token(session)
    reply = await api.call("POST", "/v1/payments", payment_body(session, {"token": token}), key="f")
    assert (reply.body["status"], reply.body["sub_status"]) == ("DECLINED", "FRAUD_DECLINED")
    assert reply.body["transactions"] == {}


async def test_stand_alone_fraud_screening_is_fraud_verified(api: Api) -> None:
    session = await api.checkout()
    token = await api.token(session)
    body = payment_body(session, {"token": token}, fraud_screening={"stand_alone": True})
    reply = await api.call("POST", "/v1/payments", body, key="screen")
    assert (reply.body["status"], reply.body["sub_status"]) == ("FRAUD", "FRAUD_VERIFIED")


async def test_a_decline_carries_the_merchant_advice_code(api: Api) -> None:
    declined = (await api.pay("4507990000000010")).body
    assert declined["transactions"]["merchant_advice_code"] == "TRY_AGAIN_LATER"
    assert (await api.pay(key="ok")).body["transactions"]["merchant_advice_code"] is None


async def test_installments_are_echoed_as_sent(api: Api) -> None:
    payment = await card_payment(api, "4507990000000002", detail={"card": {"installments": 3}})
    assert payment["payment_method"]["payment_method_detail"]["card"]["installments"] == 3


async def test_a_zero_amount_verify_is_verified(api: Api) -> None:
    customer = await api.customer("verifier")
    body = {
        "account_id": DEV_ACCOUNT_ID,
        "workflow": "DIRECT",
        "description": "Card check",
        "country": "CO",
        "merchant_order_id": "verify-1",
        "amount": {"currency": "COP", "value": 0},
        "customer_payer": {"id": customer["id"]},
        "payment_method": {
            "type": "CARD",
            "detail": {"card": {"verify": True, "card_data": card("4507990000000002")}},
        },
    }
    reply = await api.call("POST", "/v1/payments", body, key="verify")
    assert (reply.status, reply.body["status"], reply.body["sub_status"]) == (
        201,
        "VERIFIED",
        "VERIFIED",
    )
    assert reply.body["transactions"]["type"] == "VERIFY"
    declined = await api.call(
        "POST",
        "/v1/payments",
        {
            **body,
            "merchant_order_id": "verify-2",
            "payment_method": {
                "type": "CARD",
                "detail": {"card": {"verify": True, "card_data": card("4507990000000010")}},
            },
        },
        key="verify-declined",
    )
    assert declined.body["status"] == "DECLINED"


async def test_a_declined_payment_leaves_the_session_open_for_another_card(api: Api) -> None:
    session = await api.checkout()
    declined = await api.call(
        "POST",
        "/v1/payments",
        payment_body(session, {"token": await api.token(session, "4507990000000010")}),
        key="first",
    )
    assert declined.body["status"] == "DECLINED"
    retried = await api.call(
        "POST", "/v1/payments", payment_body(session, {"token": await api.token(session)}), key="2"
    )
    assert retried.body["status"] == "SUCCEEDED"
    assert (await api.call("GET", f"/v1/checkout/sessions/{session}")).body["used"] is True


async def test_webhooks_follow_yunos_schedule_until_acknowledged(api: Api) -> None:
    """Yuno's 7 attempts, compressed; each attempt's ``retry`` counts up."""
    statuses = iter([500, 503, None, 200])
    seen: list[int] = []

    async def receiver(request: aiohttp.web.Request) -> aiohttp.web.Response:
        seen.append(orjson.loads(await request.read())["retry"])
        status = next(statuses) or 502
        return aiohttp.web.Response(status=status)

    url = await serve(api, receiver)
    api.sandbox.configure_webhook(url, "hmac-secret", api_key="k-1", header_secret="s-1")
    await api.pay()
    await api.sandbox.webhooks.drain()

    assert seen == [0, 1, 2, 3]
    sent = api.sandbox.webhooks.sent
    assert [s.status for s in sent] == [500, 503, 502, 200]
    assert (sent[-1].headers["x-api-key"], sent[-1].headers["x-secret"]) == ("k-1", "s-1")


async def test_a_404_stops_retries_and_v1_is_the_bare_payment(api: Api) -> None:
    async def gone(request: aiohttp.web.Request) -> aiohttp.web.Response:
        return aiohttp.web.Response(status=404)

    url = await serve(api, gone)
    api.sandbox.configure_webhook(url, "hmac-secret", version=1)
    payment = (await api.pay()).body
    await api.sandbox.webhooks.drain()

    (only,) = api.sandbox.webhooks.sent
    assert orjson.loads(only.body).keys() == {"payment"}
    assert orjson.loads(only.body)["payment"]["id"] == payment["id"]


async def serve(api: Api, handler: Any) -> str:
    from aiohttp.test_utils import TestServer

    app = aiohttp.web.Application()
    app.router.add_post("/hooks", handler)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    api.closers.append(server.close)
    return str(server.make_url("/hooks"))
