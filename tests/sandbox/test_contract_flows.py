"""The emulator's answers in the flows of issue 12 fit Yuno's published OpenAPI schemas,
as ``test_contract`` checks the main flows (leniently, see ``tests/oas.py``): pending
3-D Secure, PIX, OXXO, PSE and wallet payments, a fraud decline with an empty transactions
object, a zero-amount verify, partial captures, cancel-or-refund by payment and by
transaction, updating a checkout session, deleting a customer, the direct enrollment
(with verify) and reading one enrolled method."""

from typing import Any

import pytest

from gateway.sandbox import DEV_ACCOUNT_ID
from tests.oas import documented_statuses, validate_response
from tests.sandbox.api import CREDENTIALS, Api, Reply, card, payment_body

Seen = list[tuple[str, Reply]]
CPF = {"document_type": "CPF", "document_number": "11144477735"}


async def _pending_payments(api: Api, seen: Seen) -> None:
    session = await api.checkout(callback_url="https://merchant.example/done")
    token = await api.token(session, "4916994064252017")
    seen.append(
        (
            "payments/create-payment",
            await api.call(
                "POST", "/v1/payments", payment_body(session, {"token": token}), key="3ds"
            ),
        )
    )
    for kind, country, currency, payer in (
        ("PIX", "BR", "BRL", {"document": CPF}),
        ("OXXO", "MX", "MXN", {}),
        ("SPEI", "MX", "MXN", {}),
        (
            "PSE",
            "CO",
            "COP",
            {"document": {"document_type": "CC", "document_number": "1010268952"}},
        ),
        ("MERCADO_PAGO_WALLET", "CO", "COP", {}),
    ):
        apm = await api.checkout(country=country, currency=currency)
        body = payment_body(apm, {"type": kind}, customer_payer=payer)
        reply = await api.call("POST", "/v1/payments", body, key=kind)
        seen.append(("payments/create-payment", reply))
        seen.append(
            (
                "payments/retrieve-payment-by-id",
                await api.call("GET", f"/v1/payments/{reply.body['id']}"),
            )
        )
    fraud = await api.checkout(description="FRAUD_VALIDATION")
    body = payment_body(fraud, {"token": await api.token(fraud)})
    seen.append(
        ("payments/create-payment", await api.call("POST", "/v1/payments", body, key="fraud"))
    )


async def _moves(api: Api, seen: Seen) -> None:
    auth = (await api.pay(capture=False, key="auth")).body
    capture = f"/v1/payments/{auth['id']}/transactions/{auth['transactions']['id']}/capture"
    for key, value in (("c1", 10), ("c2", 16.9)):
        body = {
            "merchant_reference": "ref-1",
            "reason": "PRODUCT_CONFIRMED",
            "amount": {"currency": "COP", "value": value},
        }
        seen.append(
            ("payments/capture-authorization", await api.call("POST", capture, body, key=key))
        )
    other = (await api.pay(capture=False, key="auth-2")).body
    seen.append(
        (
            "payments/cancel-or-refund-a-payment",
            await api.call(
                "POST",
                f"/v1/payments/{other['id']}/cancel-or-refund",
                {"reason": "DUPLICATE"},
                key="cor",
            ),
        )
    )
    paid = (await api.pay(key="paid")).body
    seen.append(
        (
            "payments/cancel-or-refund-payment-with-transaction",
            await api.call(
                "POST",
                f"/v1/payments/{paid['id']}/transactions/{paid['transactions']['id']}/cancel-or-refund",
                {"reason": "REQUESTED_BY_CUSTOMER"},
                key="cor-tx",
            ),
        )
    )


async def _sessions_and_customers(api: Api, seen: Seen) -> None:
    session = await api.checkout()
    change = {
        "account_id": DEV_ACCOUNT_ID,
        "merchant_order_id": "order-2",
        "payment_description": "Updated",
        "country": "CO",
        "amount": {"currency": "COP", "value": 12.5},
    }
    seen.append(
        (
            "checkout-sessions/update-checkout-session",
            await api.call("PATCH", f"/v1/checkout/sessions/{session}", change),
        )
    )
    customer = await api.customer("contract-direct")
    enrolled = await api.call(
        "POST",
        f"/v1/customers/{customer['id']}/payment-methods",
        {
            "account_id": DEV_ACCOUNT_ID,
            "country": "CO",
            "type": "CARD",
            "card_data": card(),
            "verify": {"vault_on_success": True, "currency": "COP"},
        },
        key="direct",
    )
    seen.append(("payment-methods-direct-workflow/enroll-payment-method-api", enrolled))
    seen.append(
        (
            "payment-methods-direct-workflow/retrieve-enrolled-payment-method-by-id-api",
            await api.call(
                "GET",
                f"/v1/customers/{customer['id']}/payment-methods/{enrolled.body['vaulted_token']}",
            ),
        )
    )
    minted = await api.call(
        "POST", "/v1/tokens", {"account_id": DEV_ACCOUNT_ID, "country": "CO", "card_data": card()}
    )
    seen.append(("checkout-sessions/create-one-time-use-token", minted))
    other = await api.customer("contract-unenroll")
    method = await api.enrolled_card(other["id"])
    seen.append(
        (
            "payment-methods-checkout/unenroll-payment-method-checkout",
            await api.call("POST", f"/v1/customers/payment-methods/{method['id']}/unenroll"),
        )
    )
    deleted = await api.call(
        "DELETE",
        f"/v1/customers/{customer['id']}",
        headers={**CREDENTIALS, "x-account-code": DEV_ACCOUNT_ID},
    )
    seen.append(("customers/delete-customer", deleted))
    seen.append(
        (
            "customers/delete-customer",
            await api.call(
                "DELETE",
                "/v1/customers/nope",
                headers={**CREDENTIALS, "x-account-code": DEV_ACCOUNT_ID},
            ),
        )
    )


@pytest.fixture
async def seen(api: Api) -> Seen:
    log: Seen = []
    await _pending_payments(api, log)
    await _moves(api, log)
    await _sessions_and_customers(api, log)
    return log


async def test_every_new_flow_answers_in_yunos_documented_shape(seen: Seen) -> None:
    failures: list[str] = []
    for spec, reply in seen:
        try:
            if reply.body is None:  # 202 Accepted, "body is empty"
                assert reply.status in documented_statuses(spec), f"{spec}: {reply.status}"
            else:
                validate_response(spec, reply.status, reply.body)
        except AssertionError as error:
            failures.append(str(error))
    assert not failures, "\n".join(failures)
    assert {reply.status for _, reply in seen} >= {200, 201, 202, 400}


def test_a_pending_payment_fits_only_with_its_detail_block(seen: Seen) -> None:
    """The check is not vacuous: a pending PIX payment without its detail block is caught."""
    pix: dict[str, Any] = next(
        r.body
        for s, r in seen
        if s == "payments/create-payment" and r.body.get("payment_method", {}).get("type") == "PIX"
    )
    broken = {**pix, "transactions": "not an object"}
    with pytest.raises(AssertionError):
        validate_response("payments/create-payment", 201, broken)
