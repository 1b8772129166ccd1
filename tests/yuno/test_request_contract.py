"""Every body the client sends fits the request schema Yuno publishes for its operation.

The client runs each flow against the emulator; the bodies are read back from the emulator's
request log, exactly as they went over the wire, and checked with ``tests/oas.py``.

Payments here name ``payment_method.type``: Yuno's create-payment schema requires it through
an ``if``/``then`` whose ``if`` holds whenever ``type`` is absent, although its prose (and its
own "Placeholders" example) leaves it optional for SDK checkout payments.
"""

import json
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest

from gateway.sandbox import RequestRecord, Sandbox
from gateway.yuno.client import YunoClient
from gateway.yuno.models import (
    CancelRequest,
    CaptureRequest,
    CheckoutSessionCreate,
    Customer,
    CustomerCreate,
    CustomerSessionCreate,
    CustomerUpdate,
    Payment,
    PaymentCreate,
)
from gateway.yuno.models.common import KeyValueRequest, MoneyRequest
from gateway.yuno.models.customers import AddressRequest, DocumentRequest, PhoneRequest
from gateway.yuno.models.payments import (
    AUTHORIZE,
    MONEY_MOVING_TRANSACTIONS,
    CardPaymentDetail,
    CheckoutRequest,
    CustomerPayerRequest,
    PaymentDetail,
    PaymentMethodRequest,
    RefundRequest,
)
from tests.oas import validate_request
from tests.shopper import VISA_SUCCEEDED

ID = r"[^/]+"


@dataclass(frozen=True)
class Operation:
    """A Yuno operation: its OpenAPI file and the requests that invoke it."""

    spec: str
    method: str
    path: str

    def invoked_by(self, record: RequestRecord) -> bool:
        return record.method == self.method and re.fullmatch(self.path, record.path) is not None


OPERATIONS = (
    Operation("customers/create-customer", "POST", "/v1/customers"),
    Operation("customers/update-customer", "PATCH", f"/v1/customers/{ID}"),
    Operation(
        "customer-sessions-enrollment/create-customer-session", "POST", "/v1/customers/sessions"
    ),
    Operation(
        "payment-methods-checkout/enroll-payment-method-checkout",
        "POST",
        f"/v1/customers/sessions/{ID}/payment-methods",
    ),
    Operation("checkout-sessions/create-checkout-session", "POST", "/v1/checkout/sessions"),
    Operation(
        "checkout-sessions/create-one-time-use-token-sdk-checkout",
        "POST",
        f"/v1/checkout/sessions/{ID}/token",
    ),
    Operation("payments/create-payment", "POST", "/v1/payments"),
    Operation("payments/authorize-payment", "POST", "/v1/payments"),
    Operation(
        "payments/capture-authorization", "POST", f"/v1/payments/{ID}/transactions/{ID}/capture"
    ),
    Operation("payments/cancel-payment", "POST", f"/v1/payments/{ID}/transactions/{ID}/cancel"),
    Operation("payments/refund-payment", "POST", f"/v1/payments/{ID}/transactions/{ID}/refund"),
)


def cop(value: str) -> MoneyRequest:
    return MoneyRequest(value=Decimal(value), currency="COP")


async def pay(yuno: YunoClient, customer: Customer, *, capture: bool) -> Payment:
    """A checkout session, the SDK's one-time token, and a card payment with it."""
    session = await yuno.create_checkout_session(
        CheckoutSessionCreate(
            customer_id=customer.id,
            merchant_order_id="order-0001",
            payment_description="Two coffees",
            country="CO",
            amount=cop("26.9"),
            callback_url="https://merchant.example/paid",
            metadata=[KeyValueRequest(key="channel", value="app")],
        )
    )
    token = await yuno.create_one_time_token(session.id, VISA_SUCCEEDED)
    return await yuno.create_payment(
        PaymentCreate(
            description=session.payment_description,
            country=session.country,
            merchant_order_id=session.merchant_order_id,
            amount=cop("26.9"),
            checkout=CheckoutRequest(session=session.id),
            customer_payer=CustomerPayerRequest(id=customer.id),
            payment_method=PaymentMethodRequest(
                type="CARD",
                token=token.token,
                detail=PaymentDetail(card=CardPaymentDetail(capture=capture)),
            ),
            metadata=[KeyValueRequest(key="channel", value="app")],
        )
    )


async def run_every_flow(yuno: YunoClient) -> None:
    """Customer, enrollment, checkout, and a payment captured, one canceled, one refunded."""
    customer = await yuno.create_customer(
        CustomerCreate(
            merchant_customer_id="contract-1",
            first_name="Ana",
            last_name="Gomez",
            email="ana@example.com",
            gender="F",
            date_of_birth=date(1990, 2, 28),
            nationality="CO",
            country="CO",
            document=DocumentRequest(document_type="CC", document_number="1010268952"),
            phone=PhoneRequest(country_code="57", number="3132450765"),
            billing_address=AddressRequest(
                address_line_1="Calle 34 # 56-78", city="Bogota", country="CO", zip_code="111111"
            ),
            metadata=[KeyValueRequest(key="tier", value="gold")],
        )
    )
    await yuno.update_customer(customer.id, CustomerUpdate(last_name="Doe", email="a@example.com"))
    await yuno.get_customer(customer.id)
    session = await yuno.create_customer_session(
        CustomerSessionCreate(
            customer_id=customer.id, country="CO", callback_url="https://merchant.example/enrolled"
        )
    )
    await yuno.enroll_payment_method(session.id, "CARD", "CO")

    authorized = await pay(yuno, customer, capture=False)
    authorization = authorized.transaction_of(frozenset({AUTHORIZE}))
    assert authorization is not None
    await yuno.move_payment(
        authorized.id,
        authorization.id,
        CaptureRequest(merchant_reference="order-0001", amount=cop("26.9")),
    )

    to_cancel = await pay(yuno, customer, capture=False)
    pending = to_cancel.transaction_of(frozenset({AUTHORIZE}))
    assert pending is not None
    await yuno.move_payment(
        to_cancel.id,
        pending.id,
        CancelRequest(merchant_reference="order-0001", description="Out of stock"),
    )

    paid = await pay(yuno, customer, capture=True)
    purchase = paid.transaction_of(MONEY_MOVING_TRANSACTIONS)
    assert purchase is not None
    await yuno.move_payment(
        paid.id,
        purchase.id,
        RefundRequest(merchant_reference="order-0001", amount=cop("10.45")),
    )


def sent_to(sandbox: Sandbox, operation: Operation) -> list[RequestRecord]:
    return [r for r in sandbox.requests if operation.invoked_by(r)]


@pytest.mark.parametrize("operation", OPERATIONS, ids=lambda operation: operation.spec)
async def test_request_body_fits_yunos_openapi_operation(
    yuno: YunoClient, sandbox: Sandbox, operation: Operation
) -> None:
    await run_every_flow(yuno)

    records = sent_to(sandbox, operation)

    assert records, f"the flows never called {operation.spec}"
    for record in records:
        assert record.status is not None
        assert 200 <= record.status < 300, record
        validate_request(operation.spec, json.loads(record.body), operation.method)


async def test_request_body_sent_always_has_a_documented_operation(
    yuno: YunoClient, sandbox: Sandbox
) -> None:
    await run_every_flow(yuno)

    with_body = [r for r in sandbox.requests if r.body]
    undocumented = [
        (r.method, r.path) for r in with_body if not any(op.invoked_by(r) for op in OPERATIONS)
    ]

    assert with_body
    assert undocumented == []


@pytest.mark.parametrize(
    ("spec", "values"),
    [
        ("checkout-sessions/create-checkout-session", ["26.9", "26.9", "26.9"]),
        ("payments/create-payment", ["26.9", "26.9", "26.9"]),
        ("payments/capture-authorization", ["26.9"]),
        ("payments/refund-payment", ["10.45"]),
    ],
)
async def test_request_money_is_an_exact_json_number(
    yuno: YunoClient, sandbox: Sandbox, spec: str, values: list[str]
) -> None:
    await run_every_flow(yuno)

    [operation] = [op for op in OPERATIONS if op.spec == spec]
    bodies = [r.body for r in sent_to(sandbox, operation)]

    assert len(bodies) == len(values)
    for body, value in zip(bodies, values, strict=True):
        assert f'"value":{value}' in body
        amount = json.loads(body, parse_float=Decimal)["amount"]["value"]
        assert amount == Decimal(value)
        assert isinstance(amount, Decimal)
