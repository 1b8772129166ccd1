"""The endpoints Yuno documents beyond the basic flows: cancel-or-refund, several partial
captures, updating a checkout session, deleting a customer, the direct (PCI) enrollment
and reading one enrolled method, enrollment failures and wallets, and a burnt
idempotency key (IDEMPOTENCY_DUPLICATED)."""

from datetime import timedelta
from typing import Any

import pytest

from gateway.sandbox import DEV_ACCOUNT_ID
from tests.sandbox.api import CREDENTIALS, SDK_CREDENTIALS, Api, Clock, card, payment_body

REFERENCE = {"merchant_reference": "ref-1"}


def capture_of(value: float) -> dict[str, Any]:
    return {
        **REFERENCE,
        "reason": "PRODUCT_CONFIRMED",
        "amount": {"currency": "COP", "value": value},
    }


async def authorized(api: Api, key: str = "auth") -> dict[str, Any]:
    reply = await api.pay(capture=False, key=key)
    result: dict[str, Any] = reply.body
    return result


def path_of(payment: dict[str, Any], action: str) -> str:
    return f"/v1/payments/{payment['id']}/transactions/{payment['transactions']['id']}/{action}"


async def test_two_partial_captures_up_to_the_authorized_amount(api: Api) -> None:
    payment = await authorized(api)
    first = await api.call("POST", path_of(payment, "capture"), capture_of(10), key="c1")
    second = await api.call("POST", path_of(payment, "capture"), capture_of(16.9), key="c2")
    beyond = await api.call("POST", path_of(payment, "capture"), capture_of(1), key="c3")

    assert first.body["payment"]["sub_status"] == "PARTIALLY_CAPTURED"
    assert (second.body["payment"]["sub_status"], second.body["payment"]["amount"]["captured"]) == (
        "CAPTURED",
        26.9,
    )
    assert (beyond.status, beyond.body["code"]) == (400, "INVALID_STATUS")


@pytest.mark.parametrize("missing", ["merchant_reference", "reason", "amount"])
async def test_a_capture_names_what_yuno_requires(api: Api, missing: str) -> None:
    payment = await authorized(api)
    body = {k: v for k, v in capture_of(10).items() if k != missing}
    reply = await api.call("POST", path_of(payment, "capture"), body, key="c")
    assert (reply.status, reply.body["code"]) == (400, "MISSING_PARAMETERS")
    assert missing in reply.body["messages"][0]


async def test_cancel_or_refund_cancels_an_authorization_and_refunds_a_charge(api: Api) -> None:
    auth = await authorized(api)
    canceled = await api.call(
        "POST", f"/v1/payments/{auth['id']}/cancel-or-refund", {"reason": "DUPLICATE"}, key="a"
    )
    assert (canceled.status, canceled.body["type"], canceled.body["payment"]["status"]) == (
        201,
        "CANCEL",
        "CANCELED",
    )

    paid = (await api.pay(key="paid")).body
    refunded = await api.call(
        "POST",
        path_of(paid, "cancel-or-refund"),
        {"amount": {"currency": "COP", "value": 6.9}},
        key="b",
    )
    assert (refunded.status, refunded.body["type"]) == (201, "REFUND")
    assert refunded.body["payment"]["sub_status"] == "PARTIALLY_REFUNDED"

    no_reason = await api.call("POST", f"/v1/payments/{paid['id']}/cancel-or-refund", {}, key="c")
    assert (no_reason.status, no_reason.body["code"]) == (400, "MISSING_PARAMETERS")


async def test_cancel_or_refund_of_a_declined_payment_is_invalid_status(api: Api) -> None:
    declined = (await api.pay("4507990000000010")).body
    reply = await api.call(
        "POST", f"/v1/payments/{declined['id']}/cancel-or-refund", {"reason": "DUPLICATE"}, key="d"
    )
    assert (reply.status, reply.body["code"]) == (400, "INVALID_STATUS")


async def test_a_checkout_session_is_updated_until_it_is_paid(api: Api) -> None:
    session = await api.checkout()
    change = {
        "account_id": DEV_ACCOUNT_ID,
        "merchant_order_id": "order-1",
        "payment_description": "Three coffees",
        "country": "CO",
        "amount": {"currency": "COP", "value": 40.35},
    }
    updated = await api.call("PATCH", f"/v1/checkout/sessions/{session}", change)
    assert updated.status == 200
    assert (updated.body["checkout_session"], updated.body["amount"]["value"]) == (session, 40.35)
    assert updated.body["used"] is False

    token = await api.token(session)
    await api.call("POST", "/v1/payments", payment_body(session, {"token": token}), key="p")
    late = await api.call("PATCH", f"/v1/checkout/sessions/{session}", change)
    assert (late.status, late.body["code"]) == (400, "INVALID_STATUS")


async def test_deleting_a_customer_needs_the_account_code_and_forgets_it(api: Api) -> None:
    customer = await api.customer("to-delete")
    path = f"/v1/customers/{customer['id']}"
    without = await api.call("DELETE", path)
    deleted = await api.call(
        "DELETE", path, headers={**CREDENTIALS, "x-account-code": DEV_ACCOUNT_ID}
    )

    assert (without.status, without.body["code"]) == (400, "MISSING_PARAMETERS")
    assert (deleted.status, deleted.raw) == (202, b"")
    gone = await api.call("GET", path)
    assert gone.body["code"] == "CUSTOMER_NOT_FOUND"


def direct_body(number: str, **extra: Any) -> dict[str, Any]:
    return {
        "account_id": DEV_ACCOUNT_ID,
        "country": "CO",
        "type": "CARD",
        "card_data": card(number),
        **extra,
    }


@pytest.mark.parametrize(
    ("number", "status", "sub_status"),
    [
        ("4507990000000002", "ENROLLED", None),
        ("4507990000000010", "DECLINED", "INSUFFICIENT_FUNDS"),
        ("4507990000000077", "ERROR", "ERROR"),
    ],
)
async def test_direct_enrollment_answers_at_once_as_the_card_decides(
    api: Api, number: str, status: str, sub_status: str | None
) -> None:
    customer = await api.customer()
    reply = await api.call(
        "POST", f"/v1/customers/{customer['id']}/payment-methods", direct_body(number), key=number
    )
    assert reply.status == 201
    assert (reply.body["status"], reply.body["sub_status"]) == (status, sub_status)
    assert (reply.body["vaulted_token"] is not None) == (status == "ENROLLED")


async def test_direct_enrollment_with_verify_embeds_the_verify_payment(api: Api) -> None:
    customer = await api.customer()
    body = direct_body("4507990000000002", verify={"vault_on_success": True, "currency": "COP"})
    reply = await api.call("POST", f"/v1/customers/{customer['id']}/payment-methods", body, key="v")
    verify = reply.body["verify"]["payment"]
    assert (verify["status"], verify["sub_status"], verify["amount"]["value"]) == (
        "SUCCEEDED",
        "VERIFIED",
        0,
    )
    assert verify["transactions"][0]["type"] == "VERIFY"

    one = await api.call(
        "GET", f"/v1/customers/{customer['id']}/payment-methods/{reply.body['vaulted_token']}"
    )
    assert (one.status, one.body["vaulted_token"]) == (200, reply.body["vaulted_token"])
    other = await api.customer("someone-else")
    theirs = await api.call(
        "GET", f"/v1/customers/{other['id']}/payment-methods/{reply.body['vaulted_token']}"
    )
    assert theirs.status == 404


async def test_an_sdk_enrollment_with_a_decline_card_is_declined(api: Api) -> None:
    customer = await api.customer()
    session = await api.call(
        "POST",
        "/v1/customers/sessions",
        {"account_id": DEV_ACCOUNT_ID, "customer_id": customer["id"], "country": "CO"},
    )
    cs = session.body["customer_session"]
    opened = await api.call(
        "POST",
        f"/v1/customers/sessions/{cs}/payment-methods",
        {"account_id": DEV_ACCOUNT_ID, "payment_method_type": "CARD", "country": "CO"},
        key="e",
    )
    done = await api.call(
        "POST",
        f"/v1/sdk/enrollments/{opened.body['id']}",
        {"card": card("4507990000000028")},
        headers=SDK_CREDENTIALS,
    )
    assert (done.body["status"], done.body["sub_status"]) == ("DECLINED", "DECLINED_BY_BANK")
    listed = await api.call("GET", f"/v1/customers/{customer['id']}/payment-methods")
    assert listed.body["payment_methods"] == []


async def test_a_wallet_is_enrolled_on_its_page_and_an_abandoned_one_expires(
    api: Api, clock: Clock
) -> None:
    customer = await api.customer()
    session = await api.call(
        "POST",
        "/v1/customers/sessions",
        {"account_id": DEV_ACCOUNT_ID, "customer_id": customer["id"], "country": "CO"},
    )
    cs = session.body["customer_session"]

    async def open_wallet(key: str) -> dict[str, Any]:
        reply = await api.call(
            "POST",
            f"/v1/customers/sessions/{cs}/payment-methods",
            {"account_id": DEV_ACCOUNT_ID, "payment_method_type": "NEQUI", "country": "CO"},
            key=key,
        )
        assert reply.status == 201, reply.body
        result: dict[str, Any] = reply.body
        return result

    nequi = await open_wallet("w1")
    assert (nequi["status"], nequi["action"]) == ("READY_TO_ENROLL", "REDIRECT_URL")
    async with api.http.post(nequi["redirect_url"], data={"outcome": "pay"}) as page:
        assert page.status == 200
    enrolled = await api.call("GET", f"/v1/payment-methods/{nequi['id']}")
    assert enrolled.body["status"] == "ENROLLED"
    assert enrolled.body["vaulted_token"]

    abandoned = await open_wallet("w2")
    clock.advance(timedelta(hours=6))
    expired = await api.call("GET", f"/v1/payment-methods/{abandoned['id']}")
    assert (expired.body["status"], expired.body["sub_status"]) == ("EXPIRED", "EXPIRED")


async def test_a_key_burnt_by_a_processed_failure_is_idempotency_duplicated(api: Api) -> None:
    declined = (await api.pay("4507990000000010", key="pay-d")).body
    path = f"/v1/payments/{declined['id']}/cancel-or-refund"
    first = await api.call("POST", path, {"reason": "DUPLICATE"}, key="burnt")
    again = await api.call("POST", path, {"reason": "DUPLICATE"}, key="burnt")
    assert (first.body["code"], again.body["code"]) == ("INVALID_STATUS", "IDEMPOTENCY_DUPLICATED")

    malformed = await api.call("POST", path, {"reason": "NOPE"}, key="free")
    retried = await api.call("POST", path, {"reason": "DUPLICATE"}, key="free")
    assert (malformed.body["code"], retried.body["code"]) == (
        "INVALID_PARAMETERS",
        "INVALID_STATUS",
    )


async def test_a_direct_token_pays_a_direct_payment_once(api: Api) -> None:
    customer = await api.customer()
    minted = await api.call(
        "POST", "/v1/tokens", {"account_id": DEV_ACCOUNT_ID, "country": "CO", "card_data": card()}
    )
    assert minted.status == 201
    body = {
        "account_id": DEV_ACCOUNT_ID,
        "workflow": "DIRECT",
        "description": "Direct order",
        "country": "CO",
        "merchant_order_id": "direct-1",
        "amount": {"currency": "COP", "value": 10},
        "customer_payer": {"id": customer["id"]},
        "payment_method": {"type": "CARD", "token": minted.body["token"]},
    }
    paid = await api.call("POST", "/v1/payments", body, key="d1")
    again = await api.call("POST", "/v1/payments", body, key="d2")
    assert paid.body["status"] == "SUCCEEDED"
    assert (again.status, again.body["code"]) == (400, "INVALID_PARAMETERS")


async def test_the_checkout_flow_unenrolls_by_enrollment_id(api: Api) -> None:
    customer = await api.customer()
    enrolled = await api.enrolled_card(customer["id"])
    reply = await api.call("POST", f"/v1/customers/payment-methods/{enrolled['id']}/unenroll")
    assert (reply.status, reply.body["status"]) == (200, "UNENROLLED")
    again = await api.call("POST", f"/v1/customers/payment-methods/{enrolled['id']}/unenroll")
    assert again.status == 404
