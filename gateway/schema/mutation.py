"""The root ``Mutation``: each mutation is its input type, its payload type and one use case.

``answer`` does what every mutation does, in one place: refuse card numbers and malformed
idempotency keys (``edge.input_problems``), convert and check the input
(``conversions``), call the use case, and turn its outcome into the payload with
``userErrors``. A conversion that finds no problem gives the use case its value (None only
where None means something, e.g. "capture it all").
"""

from collections.abc import Awaitable, Callable
from typing import TypeVar, cast

import strawberry
from strawberry.types import Info

from gateway.resolvers import customers, payment_actions, payment_methods, payments, sessions
from gateway.resolvers.context import Context
from gateway.resolvers.outcomes import Outcome, Problem
from gateway.schema import conversions
from gateway.schema.edge import input_problems
from gateway.schema.fields import yuno_calls
from gateway.schema.inputs import (
    CancelOrRefundPaymentInput,
    CancelPaymentInput,
    CapturePaymentInput,
    CreateCheckoutSessionInput,
    CreateCustomerInput,
    CreateCustomerSessionInput,
    CreatePaymentInput,
    DeleteCustomerInput,
    EnrollPaymentMethodInput,
    RefundPaymentInput,
    UnenrollPaymentMethodInput,
    UpdateCheckoutSessionInput,
    UpdateCustomerInput,
    VaultPaymentMethodInput,
    VerifyPaymentMethodInput,
)
from gateway.schema.payloads import (
    CheckoutSessionPayload,
    CreateCheckoutSessionPayload,
    CreateCustomerSessionPayload,
    CustomerPayload,
    DeleteCustomerPayload,
    PaymentMethodPayload,
    PaymentPayload,
)

In = TypeVar("In")
Data = TypeVar("Data")
Value = TypeVar("Value")
Payload = TypeVar("Payload")


async def answer(
    given: In,
    convert: Callable[[In], tuple[Data | None, tuple[Problem, ...]]],
    use_case: Callable[[Data], Awaitable[Outcome[Value]]],
    payload: Callable[[Outcome[Value]], Payload],
) -> Payload:
    problems = input_problems(given)
    data = None
    if not problems:
        data, problems = convert(given)
    if problems:
        return payload(Outcome(problems=problems))
    return payload(await use_case(cast("Data", data)))


@strawberry.type
class Mutation:
    @strawberry.mutation(directives=yuno_calls(2))
    async def create_customer(
        self, info: Info[Context, None], input: CreateCustomerInput
    ) -> CustomerPayload:
        return await answer(
            input,
            conversions.customer_create,
            lambda data: customers.create_customer(info.context, data),
            CustomerPayload.of,
        )

    @strawberry.mutation(directives=yuno_calls(2))
    async def update_customer(
        self, info: Info[Context, None], input: UpdateCustomerInput
    ) -> CustomerPayload:
        return await answer(
            input,
            conversions.customer_update,
            lambda changes: customers.update_customer(info.context, input.id, changes),
            CustomerPayload.of,
        )

    @strawberry.mutation(directives=yuno_calls(2))
    async def create_customer_session(
        self, info: Info[Context, None], input: CreateCustomerSessionInput
    ) -> CreateCustomerSessionPayload:
        return await answer(
            input,
            conversions.customer_session,
            lambda data: sessions.create_customer_session(info.context, data),
            CreateCustomerSessionPayload.of,
        )

    @strawberry.mutation(directives=yuno_calls(2))
    async def enroll_payment_method(
        self, info: Info[Context, None], input: EnrollPaymentMethodInput
    ) -> PaymentMethodPayload:
        return await answer(
            input,
            conversions.accepted,
            lambda data: payment_methods.enroll_payment_method(
                info.context,
                data.customer_session_id,
                data.payment_method_type,
                data.country,
                data.idempotency_key,
            ),
            PaymentMethodPayload.of,
        )

    @strawberry.mutation(directives=yuno_calls(3))
    async def unenroll_payment_method(
        self, info: Info[Context, None], input: UnenrollPaymentMethodInput
    ) -> PaymentMethodPayload:
        return await answer(
            input,
            conversions.accepted,
            lambda data: payment_methods.unenroll_payment_method(
                info.context, data.customer_id, data.payment_method_id, data.idempotency_key
            ),
            PaymentMethodPayload.of,
        )

    @strawberry.mutation(directives=yuno_calls(2))
    async def create_checkout_session(
        self, info: Info[Context, None], input: CreateCheckoutSessionInput
    ) -> CreateCheckoutSessionPayload:
        return await answer(
            input,
            conversions.checkout_session_create,
            lambda data: sessions.create_checkout_session(info.context, data),
            CreateCheckoutSessionPayload.of,
        )

    @strawberry.mutation(directives=yuno_calls(6))
    async def create_payment(
        self, info: Info[Context, None], input: CreatePaymentInput
    ) -> PaymentPayload:
        return await answer(
            input,
            conversions.new_payment,
            lambda new: payments.create_payment(info.context, new),
            PaymentPayload.of,
        )

    @strawberry.mutation(directives=yuno_calls(2))
    async def capture_payment(
        self, info: Info[Context, None], input: CapturePaymentInput
    ) -> PaymentPayload:
        return await answer(
            input,
            conversions.capture_amount,
            lambda amount: payment_actions.capture_payment(
                info.context, input.payment_id, amount, input.idempotency_key
            ),
            PaymentPayload.of,
        )

    @strawberry.mutation(directives=yuno_calls(2))
    async def cancel_payment(
        self, info: Info[Context, None], input: CancelPaymentInput
    ) -> PaymentPayload:
        return await answer(
            input,
            conversions.cancel_reason,
            lambda data: payment_actions.cancel_payment(
                info.context, data.payment_id, data.reason, data.idempotency_key
            ),
            PaymentPayload.of,
        )

    @strawberry.mutation(directives=yuno_calls(2))
    async def refund_payment(
        self, info: Info[Context, None], input: RefundPaymentInput
    ) -> PaymentPayload:
        return await answer(
            input,
            conversions.refund_amount,
            lambda amount: payment_actions.refund_payment(
                info.context, input.payment_id, amount, input.reason, input.idempotency_key
            ),
            PaymentPayload.of,
        )

    @strawberry.mutation(
        description="Change an unpaid checkout session's amount, description, callback or "
        "metadata (needs checkout_sessions:write).",
        directives=yuno_calls(2),
    )
    async def update_checkout_session(
        self, info: Info[Context, None], input: UpdateCheckoutSessionInput
    ) -> CheckoutSessionPayload:
        return await answer(
            input,
            conversions.checkout_session_changes,
            lambda changes: sessions.update_checkout_session(info.context, input.id, changes),
            CheckoutSessionPayload.of,
        )

    @strawberry.mutation(
        description="Delete a customer at Yuno (and its providers); its vaulted methods go too.",
        directives=yuno_calls(3),
    )
    async def delete_customer(
        self, info: Info[Context, None], input: DeleteCustomerInput
    ) -> DeleteCustomerPayload:
        return await answer(
            input,
            conversions.accepted,
            lambda data: customers.delete_customer(info.context, data.id),
            DeleteCustomerPayload.of,
        )

    @strawberry.mutation(
        description="Cancel an authorization or refund a charge, whichever the payment's "
        "status allows (Yuno picks).",
        directives=yuno_calls(2),
    )
    async def cancel_or_refund_payment(
        self, info: Info[Context, None], input: CancelOrRefundPaymentInput
    ) -> PaymentPayload:
        return await answer(
            input,
            conversions.cancel_or_refund,
            lambda data: payment_actions.cancel_or_refund_payment(
                info.context, input.payment_id, data[0], data[1], input.idempotency_key
            ),
            PaymentPayload.of,
        )

    @strawberry.mutation(
        description="Check an enrolled card with the issuer (a zero-amount verify); the "
        "payment is VERIFIED, or DECLINED with a responseCode.",
        directives=yuno_calls(3),
    )
    async def verify_payment_method(
        self, info: Info[Context, None], input: VerifyPaymentMethodInput
    ) -> PaymentPayload:
        return await answer(
            input,
            conversions.accepted,
            lambda data: payments.verify_payment_method(
                info.context,
                data.customer_id,
                data.vaulted_token,
                data.currency,
                data.idempotency_key,
            ),
            PaymentPayload.of,
        )

    @strawberry.mutation(
        description="Vault a card for a customer from a one-time token (Yuno's direct "
        "enrollment): ENROLLED with a vaultedToken, or DECLINED/ERROR.",
        directives=yuno_calls(2),
    )
    async def vault_payment_method(
        self, info: Info[Context, None], input: VaultPaymentMethodInput
    ) -> PaymentMethodPayload:
        return await answer(
            input,
            conversions.direct_enrollment,
            lambda enrollment: payment_methods.vault_payment_method(
                info.context, input.customer_id, enrollment, input.idempotency_key
            ),
            PaymentMethodPayload.of,
        )
