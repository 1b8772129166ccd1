"""The real client against the real emulator, through each flow Yuno documents."""

from decimal import Decimal

import pytest

from gateway.sandbox import Sandbox, SandboxConfig
from gateway.yuno.client import YunoClient
from gateway.yuno.errors import YunoNotFound, YunoRequestError
from gateway.yuno.models import (
    CancelRequest,
    CaptureRequest,
    CheckoutSessionCreate,
    Customer,
    CustomerCreate,
    CustomerSessionCreate,
    Payment,
    PaymentCreate,
    RefundRequest,
    TestCard,
)
from gateway.yuno.models.common import MoneyRequest
from gateway.yuno.models.payments import (
    AUTHORIZE,
    MONEY_MOVING_TRANSACTIONS,
    CardPaymentDetail,
    CheckoutRequest,
    CustomerPayerRequest,
    PaymentDetail,
    PaymentMethodRequest,
)
from tests.shopper import VISA_INSUFFICIENT_FUNDS, VISA_SUCCEEDED, complete_enrollment


async def new_customer(yuno: YunoClient, merchant_id: str = "shopper-1") -> Customer:
    return await yuno.create_customer(
        CustomerCreate(merchant_customer_id=merchant_id, email="ana@example.com", country="CO")
    )


async def pay(
    yuno: YunoClient,
    customer: Customer,
    test_card: TestCard = VISA_SUCCEEDED,
    *,
    amount: str = "26.9",
    capture: bool = True,
    idempotency_key: str | None = None,
) -> Payment:
    session = await yuno.create_checkout_session(
        CheckoutSessionCreate(
            customer_id=customer.id,
            merchant_order_id="order-0001",
            payment_description="Two coffees",
            country="CO",
            amount=MoneyRequest(value=Decimal(amount), currency="COP"),
        )
    )
    token = await yuno.create_one_time_token(session.id, test_card)
    return await yuno.create_payment(
        PaymentCreate(
            description=session.payment_description,
            country=session.country,
            merchant_order_id=session.merchant_order_id,
            amount=MoneyRequest(value=Decimal(amount), currency="COP"),
            checkout=CheckoutRequest(session=session.id),
            customer_payer=CustomerPayerRequest(id=customer.id),
            payment_method=PaymentMethodRequest(
                token=token.token, detail=PaymentDetail(card=CardPaymentDetail(capture=capture))
            ),
        ),
        idempotency_key=idempotency_key,
    )


async def test_customer_enrolls_a_card_and_sees_it_listed(
    yuno: YunoClient, sandbox_url: str, sandbox_config: SandboxConfig
) -> None:
    customer = await new_customer(yuno)
    session = await yuno.create_customer_session(
        CustomerSessionCreate(customer_id=customer.id, country="CO")
    )
    catalog = await yuno.list_enrollable_payment_methods(session.id)
    assert "CARD" in {m.type for m in catalog}

    enrollment = await yuno.enroll_payment_method(session.id, "CARD", "CO")
    assert enrollment.status == "READY_TO_ENROLL"
    await complete_enrollment(
        sandbox_url, sandbox_config.public_api_key, enrollment.id or "", VISA_SUCCEEDED
    )

    [enrolled] = await yuno.list_enrolled_payment_methods(customer.id)
    assert enrolled.status == "ENROLLED"
    assert enrolled.vaulted_token
    assert enrolled.card_data is not None
    assert enrolled.card_data.lfd == "0002"

    unenrolled = await yuno.unenroll_payment_method(customer.id, enrolled.vaulted_token)
    assert unenrolled.status == "UNENROLLED"
    assert await yuno.list_enrolled_payment_methods(customer.id) == []


async def test_checkout_offers_the_enrolled_card_and_pays_with_a_token(
    yuno: YunoClient, sandbox_url: str, sandbox_config: SandboxConfig
) -> None:
    customer = await new_customer(yuno)
    customer_session = await yuno.create_customer_session(
        CustomerSessionCreate(customer_id=customer.id, country="CO")
    )
    enrollment = await yuno.enroll_payment_method(customer_session.id, "CARD", "CO")
    await complete_enrollment(
        sandbox_url, sandbox_config.public_api_key, enrollment.id or "", VISA_SUCCEEDED
    )
    session = await yuno.create_checkout_session(
        CheckoutSessionCreate(
            customer_id=customer.id,
            merchant_order_id="order-0002",
            payment_description="A book",
            country="CO",
            amount=MoneyRequest(value=Decimal("26.9"), currency="COP"),
        )
    )

    methods = await yuno.list_checkout_payment_methods(session.id)
    assert any(m.vaulted_token for m in methods)
    read_back = await yuno.get_checkout_session(session.id)
    assert read_back.id == session.id
    assert read_back.amount is not None
    assert read_back.amount.value == Decimal("26.9")

    payment = await pay(yuno, customer)
    assert (payment.status, payment.sub_status) == ("SUCCEEDED", "APPROVED")
    assert payment.response_code == "SUCCEEDED"
    assert payment.amount.value == Decimal("26.9")


async def test_money_goes_to_yuno_as_the_exact_number(yuno: YunoClient, sandbox: Sandbox) -> None:
    customer = await new_customer(yuno)
    await pay(yuno, customer, amount="26.9")
    [create] = [r for r in sandbox.requests if r.method == "POST" and r.path == "/v1/payments"]
    assert '"value":26.9' in create.body
    assert "26.899" not in create.body


async def test_declined_card_is_a_payment_not_an_error(yuno: YunoClient) -> None:
    customer = await new_customer(yuno)
    payment = await pay(yuno, customer, VISA_INSUFFICIENT_FUNDS)
    assert payment.status == "DECLINED"
    assert payment.response_code == "INSUFFICIENT_FUNDS"


async def test_authorize_then_capture(yuno: YunoClient) -> None:
    customer = await new_customer(yuno)
    authorized = await pay(yuno, customer, amount="100", capture=False)
    assert (authorized.status, authorized.sub_status) == ("PENDING", "AUTHORIZED")
    authorization = authorized.transaction_of(frozenset({AUTHORIZE}))
    assert authorization is not None

    captured = await yuno.move_payment(
        authorized.id,
        authorization.id,
        CaptureRequest(
            merchant_reference="order-0001",
            amount=MoneyRequest(value=Decimal("100"), currency="COP"),
        ),
    )
    assert (captured.status, captured.sub_status) == ("SUCCEEDED", "CAPTURED")
    assert (await yuno.get_payment(authorized.id)).status == "SUCCEEDED"


async def test_authorize_then_cancel(yuno: YunoClient) -> None:
    customer = await new_customer(yuno)
    authorized = await pay(yuno, customer, capture=False)
    authorization = authorized.transaction_of(frozenset({AUTHORIZE}))
    assert authorization is not None
    canceled = await yuno.move_payment(
        authorized.id, authorization.id, CancelRequest(merchant_reference="order-0001")
    )
    assert canceled.status == "CANCELED"


async def test_partial_then_full_refund(yuno: YunoClient) -> None:
    customer = await new_customer(yuno)
    paid = await pay(yuno, customer, amount="100.50")
    purchase = paid.transaction_of(MONEY_MOVING_TRANSACTIONS)
    assert purchase is not None

    partial = await yuno.move_payment(
        paid.id,
        purchase.id,
        RefundRequest(
            merchant_reference="order-0001",
            amount=MoneyRequest(value=Decimal("40.25"), currency="COP"),
        ),
    )
    assert partial.sub_status == "PARTIALLY_REFUNDED"
    assert partial.amount.refunded == Decimal("40.25")

    full = await yuno.move_payment(
        paid.id, purchase.id, RefundRequest(merchant_reference="order-0001")
    )
    assert (full.status, full.sub_status) == ("REFUNDED", "REFUNDED")
    assert full.amount.refunded == Decimal("100.50")


async def test_payments_are_found_by_merchant_order_id(yuno: YunoClient) -> None:
    customer = await new_customer(yuno)
    first = await pay(yuno, customer)
    second = await pay(yuno, customer, VISA_INSUFFICIENT_FUNDS)
    found = await yuno.list_payments_by_merchant_order_id("order-0001")
    assert {p.id for p in found} == {first.id, second.id}
    assert await yuno.list_payments_by_merchant_order_id("no-such-order") == []


async def test_same_idempotency_key_returns_the_same_payment(
    yuno: YunoClient, sandbox: Sandbox
) -> None:
    customer = await new_customer(yuno)
    first = await pay(yuno, customer, idempotency_key="order-0001-attempt-1")
    session_id = first.checkout.session if first.checkout else None
    assert session_id
    again = await yuno.create_payment(
        PaymentCreate(
            description="Two coffees",
            country="CO",
            merchant_order_id="order-0001",
            amount=MoneyRequest(value=Decimal("26.9"), currency="COP"),
            checkout=CheckoutRequest(session=session_id),
            customer_payer=CustomerPayerRequest(id=customer.id),
            payment_method=PaymentMethodRequest(token="replayed-token-is-ignored"),
        ),
        idempotency_key="order-0001-attempt-1",
    )
    assert again.id == first.id
    assert len(await yuno.list_payments_by_merchant_order_id("order-0001")) == 1


async def test_unknown_ids_are_not_found(yuno: YunoClient) -> None:
    with pytest.raises(YunoNotFound) as customer_error:
        await yuno.get_customer("00000000-0000-4000-8000-000000000000")
    assert customer_error.value.code == "CUSTOMER_NOT_FOUND"
    with pytest.raises(YunoNotFound) as payment_error:
        await yuno.get_payment("00000000-0000-4000-8000-000000000000")
    assert payment_error.value.code == "PAYMENT_NOT_FOUND"
    with pytest.raises(YunoNotFound):
        await yuno.get_checkout_session("00000000-0000-4000-8000-000000000000")
    with pytest.raises(YunoNotFound):
        await yuno.get_customer_by_merchant_id("nobody")


@pytest.mark.parametrize(
    ("country", "currency", "code"),
    [
        ("XX", "COP", "COUNTRY_NOT_SUPPORTED"),
        ("CO", "BRL", "CURRENCY_NOT_ALLOWED"),
    ],
)
async def test_bad_checkout_session_gets_yunos_code(
    yuno: YunoClient, country: str, currency: str, code: str
) -> None:
    customer = await new_customer(yuno)
    with pytest.raises(YunoRequestError) as error:
        await yuno.create_checkout_session(
            CheckoutSessionCreate(
                customer_id=customer.id,
                merchant_order_id="order-0001",
                payment_description="Two coffees",
                country=country,
                amount=MoneyRequest(value=Decimal("10"), currency=currency),
            )
        )
    assert error.value.code == code


async def test_duplicate_merchant_customer_id_is_refused(yuno: YunoClient) -> None:
    await new_customer(yuno, "twin")
    with pytest.raises(YunoRequestError) as error:
        await new_customer(yuno, "twin")
    assert error.value.code == "CUSTOMER_ID_DUPLICATED"
    assert (await yuno.get_customer_by_merchant_id("twin")).merchant_customer_id == "twin"
