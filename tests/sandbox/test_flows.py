"""End-to-end Yuno flows against the emulator: enroll, pay, authorize, capture, refund."""

from typing import Any

from gateway.sandbox import DEV_ACCOUNT_ID
from tests.sandbox.api import (
    MASTERCARD_SUCCEEDED,
    VISA_ERROR,
    VISA_INSUFFICIENT_FUNDS,
    VISA_SUCCEEDED,
    Api,
    payment_body,
)


async def test_enrollment_flow_lists_enrolled_card(api: Api) -> None:
    customer = await api.customer()

    method = await api.enrolled_card(customer["id"])
    listed = await api.call("GET", f"/v1/customers/{customer['id']}/payment-methods")
    by_id = await api.call("GET", f"/v1/payment-methods/{method['id']}")

    assert method["name"] == "VISA ****0002"
    assert method["card_data"]["iin"] == "45079900"
    assert method["card_data"]["brand"] == "VISA"
    assert [m["vaulted_token"] for m in listed.body["payment_methods"]] == [method["vaulted_token"]]
    assert by_id.body["status"] == "ENROLLED"


async def test_enrollment_catalog_offers_card_and_wallet(api: Api) -> None:
    customer = await api.customer()
    session = await api.call(
        "POST",
        "/v1/customers/sessions",
        {"account_id": DEV_ACCOUNT_ID, "customer_id": customer["id"], "country": "CO"},
    )

    path = f"/v1/checkout/customers/sessions/{session.body['customer_session']}/payment-methods"
    catalog = await api.call("GET", path)

    assert {m["category"] for m in catalog.body["payment_methods"]} == {"CARD", "WALLET"}


async def test_enrollment_same_card_again_unenrolls_older(api: Api) -> None:
    customer = await api.customer()

    first = await api.enrolled_card(customer["id"])
    second = await api.enrolled_card(customer["id"])
    listed = await api.call("GET", f"/v1/customers/{customer['id']}/payment-methods")
    older = await api.call("GET", f"/v1/payment-methods/{first['id']}")

    assert [m["id"] for m in listed.body["payment_methods"]] == [second["id"]]
    assert older.body["status"] == "UNENROLLED"


async def test_unenroll_removes_method_from_list(api: Api) -> None:
    customer = await api.customer()
    method = await api.enrolled_card(customer["id"])

    path = f"/v1/customers/{customer['id']}/payment-methods/{method['vaulted_token']}/unenroll"
    reply = await api.call("POST", path, key="unenroll-1")
    listed = await api.call("GET", f"/v1/customers/{customer['id']}/payment-methods")
    again = await api.call("POST", path, key="unenroll-2")

    assert reply.status == 200
    assert reply.body["status"] == "UNENROLLED"
    assert listed.body["payment_methods"] == []
    assert (again.status, again.body["code"]) == (404, "NOT_FOUND")


async def test_checkout_vaulted_card_pays(api: Api) -> None:
    customer = await api.customer()
    method = await api.enrolled_card(customer["id"], MASTERCARD_SUCCEEDED)
    session = await api.checkout(customer["id"])

    methods = await api.call("GET", f"/v1/checkout/sessions/{session}/payment-methods")
    vaulted = [m for m in methods.body if m["vaulted_token"]]
    payment = await api.call(
        "POST",
        "/v1/payments",
        payment_body(
            session,
            {"vaulted_token": vaulted[0]["vaulted_token"]},
            customer_payer={"id": customer["id"]},
        ),
        key="pay-vaulted",
    )

    assert methods.body[0]["name"] == "Card"
    assert vaulted[0]["vaulted_token"] == method["vaulted_token"]
    assert vaulted[0]["card_data"]["brand"] == "MASTERCARD"
    assert (payment.body["status"], payment.body["sub_status"]) == ("SUCCEEDED", "APPROVED")


async def test_checkout_token_payment_succeeds_with_session_defaults(api: Api) -> None:
    reply = await api.pay(VISA_SUCCEEDED)

    assert reply.status == 201
    assert (reply.body["status"], reply.body["sub_status"]) == ("SUCCEEDED", "APPROVED")
    assert reply.raw.count(b'"value":26.9,') == 1
    assert reply.body["merchant_order_id"] == "order-1"
    assert reply.body["transactions"]["type"] == "PURCHASE"
    assert len(reply.body["transactions_history"]) == 1
    assert reply.body["idempotency_key"] == "pay-1"


async def test_checkout_declined_card_is_a_created_payment(api: Api) -> None:
    reply = await api.pay(VISA_INSUFFICIENT_FUNDS)

    assert reply.status == 201
    assert (reply.body["status"], reply.body["sub_status"]) == ("DECLINED", "DECLINED")
    assert reply.body["transactions"]["response_code"] == "INSUFFICIENT_FUNDS"


async def test_checkout_error_card_gives_error_status(api: Api) -> None:
    reply = await api.pay(VISA_ERROR)

    assert (reply.body["status"], reply.body["sub_status"]) == ("ERROR", "ERROR")


async def test_payment_description_forces_outcome(api: Api) -> None:
    session = await api.checkout(description="DO_NOT_HONOR")
    token = await api.token(session, "4111111111111111")
    body = payment_body(session, {"token": token})

    reply = await api.call("POST", "/v1/payments", body, key="forced")

    assert reply.body["status"] == "DECLINED"
    assert reply.body["transactions"]["response_code"] == "DO_NOT_HONOR"


#: What Yuno's OpenAPI requires of a cancel or a refund (a capture: reason and amount too).
REFERENCE = {"merchant_reference": "ref-1"}


def cop(value: float) -> dict[str, Any]:
    return {"amount": {"currency": "COP", "value": value}}


def capture_of(value: float) -> dict[str, Any]:
    return {**REFERENCE, "reason": "PRODUCT_CONFIRMED", **cop(value)}


CAPTURE_ALL = capture_of(26.9)


async def _authorized(api: Api) -> dict[str, Any]:
    reply = await api.pay(capture=False, key="auth-1")
    assert (reply.body["status"], reply.body["sub_status"]) == ("PENDING", "AUTHORIZED")
    assert reply.body["transactions"]["type"] == "AUTHORIZE"
    result: dict[str, Any] = reply.body
    return result


async def test_authorize_then_full_capture(api: Api) -> None:
    payment = await _authorized(api)

    path = f"/v1/payments/{payment['id']}/transactions/{payment['transactions']['id']}/capture"
    reply = await api.call("POST", path, CAPTURE_ALL, key="cap-1")

    assert reply.status == 200
    assert reply.body["type"] == "CAPTURE"
    assert reply.body["payment"]["sub_status"] == "CAPTURED"
    assert reply.body["payment"]["amount"]["captured"] == 26.9


async def test_authorize_then_partial_capture(api: Api) -> None:
    payment = await _authorized(api)
    path = f"/v1/payments/{payment['id']}/transactions/{payment['transactions']['id']}/capture"

    too_much = await api.call("POST", path, capture_of(30), key="c0")
    reply = await api.call("POST", path, capture_of(10), key="c1")

    assert (too_much.status, too_much.body["code"]) == (400, "INVALID_AMOUNT")
    assert reply.body["payment"]["status"] == "SUCCEEDED"
    assert reply.body["payment"]["sub_status"] == "PARTIALLY_CAPTURED"


async def test_authorize_then_cancel(api: Api) -> None:
    payment = await _authorized(api)
    base = f"/v1/payments/{payment['id']}/transactions/{payment['transactions']['id']}"

    reply = await api.call(
        "POST", f"{base}/cancel", {**REFERENCE, "reason": "DUPLICATE"}, key="cancel-1"
    )
    capture = await api.call("POST", f"{base}/capture", CAPTURE_ALL, key="cap-late")

    assert reply.status == 200
    assert reply.body["type"] == "CANCEL"
    assert (reply.body["payment"]["status"], reply.body["payment"]["sub_status"]) == (
        "CANCELED",
        "CANCELED",
    )
    assert (capture.status, capture.body["code"]) == (400, "INVALID_STATUS")


async def test_cancel_of_purchase_is_invalid_status(api: Api) -> None:
    payment = (await api.pay()).body
    path = f"/v1/payments/{payment['id']}/transactions/{payment['transactions']['id']}/cancel"

    reply = await api.call("POST", path, REFERENCE, key="cancel-x")

    assert (reply.status, reply.body["code"]) == (400, "INVALID_STATUS")


async def test_refund_partial_then_rest(api: Api) -> None:
    payment = (await api.pay()).body
    path = f"/v1/payments/{payment['id']}/transactions/{payment['transactions']['id']}/refund"

    partial = await api.call("POST", path, {**REFERENCE, **cop(6.9)}, key="r1")
    too_much = await api.call("POST", path, {**REFERENCE, **cop(21)}, key="r2")
    rest = await api.call("POST", path, {**REFERENCE, "reason": "REQUESTED_BY_CUSTOMER"}, key="r3")
    fetched = await api.call("GET", f"/v1/payments/{payment['id']}")

    assert partial.status == 200
    assert (partial.body["status"], partial.body["sub_status"]) == (
        "SUCCEEDED",
        "PARTIALLY_REFUNDED",
    )
    assert partial.body["amount"]["refunded"] == 6.9
    assert (too_much.status, too_much.body["code"]) == (400, "INVALID_AMOUNT")
    assert (rest.body["status"], rest.body["sub_status"]) == ("REFUNDED", "REFUNDED")
    assert b'"refunded":26.9' in rest.raw
    assert [t["type"] for t in fetched.body["transactions"]] == ["PURCHASE", "REFUND", "REFUND"]


async def test_refund_after_capture_uses_captured_amount(api: Api) -> None:
    payment = await _authorized(api)
    base = f"/v1/payments/{payment['id']}/transactions"
    capture = await api.call(
        "POST",
        f"{base}/{payment['transactions']['id']}/capture",
        capture_of(20),
        key="cap",
    )

    reply = await api.call("POST", f"{base}/{capture.body['id']}/refund", REFERENCE, key="refund")

    assert (reply.body["status"], reply.body["amount"]["refunded"]) == ("REFUNDED", 20)


async def test_payment_vault_on_success_enrolls_card(api: Api) -> None:
    customer = await api.customer()
    session = await api.checkout(customer["id"])
    token = await api.token(session)

    reply = await api.call(
        "POST",
        "/v1/payments",
        payment_body(
            session,
            {"token": token, "vault_on_success": True},
            customer_payer={"id": customer["id"]},
        ),
        key="vault",
    )
    listed = await api.call("GET", f"/v1/customers/{customer['id']}/payment-methods")

    vaulted = reply.body["payment_method"]["vaulted_token"]
    assert vaulted
    assert [m["vaulted_token"] for m in listed.body["payment_methods"]] == [vaulted]


async def test_direct_payment_with_vaulted_token(api: Api) -> None:
    customer = await api.customer()
    method = await api.enrolled_card(customer["id"])

    reply = await api.call(
        "POST",
        "/v1/payments",
        {
            "account_id": DEV_ACCOUNT_ID,
            "workflow": "DIRECT",
            "description": "Direct order",
            "country": "CO",
            "merchant_order_id": "direct-1",
            "amount": {"currency": "USD", "value": 10},
            "customer_payer": {"id": customer["id"]},
            "payment_method": {"type": "CARD", "vaulted_token": method["vaulted_token"]},
        },
        key="direct",
    )

    assert reply.status == 201
    assert reply.body["checkout"]["session"] == ""
    assert reply.body["status"] == "SUCCEEDED"


async def test_payment_retrieve_and_list_by_order(api: Api) -> None:
    payment = (await api.pay()).body

    fetched = await api.call("GET", f"/v1/payments/{payment['id']}")
    listed = await api.call("GET", "/v1/payments?merchant_order_id=order-1")
    empty = await api.call("GET", "/v1/payments?merchant_order_id=none")
    unknown = await api.call("GET", "/v1/payments/nope")

    assert isinstance(fetched.body["transactions"], list)
    assert [p["id"] for p in listed.body] == [payment["id"]]
    assert empty.body == []
    assert (unknown.status, unknown.body["code"]) == (400, "PAYMENT_NOT_FOUND")


async def test_customer_retrieve_update_and_lookup(api: Api) -> None:
    customer = await api.customer("merchant-42")

    updated = await api.call(
        "PATCH", f"/v1/customers/{customer['id']}", {"first_name": "Ann", "gender": "F"}
    )
    by_merchant = await api.call("GET", "/v1/customers?merchant_customer_id=merchant-42")
    fetched = await api.call("GET", f"/v1/customers/{customer['id']}")

    assert updated.body["first_name"] == "Ann"
    assert updated.body["merchant_customer_id"] == "merchant-42"
    assert by_merchant.body["id"] == customer["id"]
    assert fetched.body["gender"] == "F"
    assert fetched.body["email"] is None
