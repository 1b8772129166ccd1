"""The root ``Mutation``: check the input, run the use case, answer with a payload."""

from typing import Any

import strawberry
from strawberry.types import Info

from gateway.resolvers import customers, payment_actions, payment_methods, payments, sessions
from gateway.resolvers.context import Context
from gateway.resolvers.outcomes import Outcome
from gateway.schema import conversions
from gateway.schema.customers import Customer
from gateway.schema.edge import input_problems
from gateway.schema.inputs import (
    CancelPaymentInput,
    CapturePaymentInput,
    CreateCheckoutSessionInput,
    CreateCustomerInput,
    CreateCustomerSessionInput,
    CreatePaymentInput,
    EnrollPaymentMethodInput,
    RefundPaymentInput,
    UnenrollPaymentMethodInput,
    UpdateCustomerInput,
)
from gateway.schema.payloads import (
    CreateCheckoutSessionPayload,
    CreateCustomerSessionPayload,
    CustomerPayload,
    PaymentMethodPayload,
    PaymentPayload,
    UserError,
)
from gateway.schema.payment_methods import PaymentMethod
from gateway.schema.payments import Payment
from gateway.schema.sessions import CheckoutSession, CustomerSession
from gateway.yuno import models as yuno


def _errors(outcome: Outcome[Any]) -> list[UserError]:
    return [UserError.from_problem(p) for p in outcome.problems]


def _customer(outcome: Outcome[yuno.Customer]) -> CustomerPayload:
    value = None if outcome.value is None else Customer.from_yuno(outcome.value)
    return CustomerPayload(customer=value, user_errors=_errors(outcome))


def _payment(outcome: Outcome[yuno.Payment]) -> PaymentPayload:
    value = None if outcome.value is None else Payment.from_yuno(outcome.value)
    return PaymentPayload(payment=value, user_errors=_errors(outcome))


def _method(outcome: Outcome[yuno.PaymentMethod]) -> PaymentMethodPayload:
    value = None if outcome.value is None else PaymentMethod.from_yuno(outcome.value)
    return PaymentMethodPayload(payment_method=value, user_errors=_errors(outcome))


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def create_customer(
        self, info: Info[Context, None], input: CreateCustomerInput
    ) -> CustomerPayload:
        if refused := input_problems(input):
            return _customer(Outcome(problems=refused))
        data, problems = conversions.customer_create(input)
        if problems or data is None:
            return _customer(Outcome(problems=problems))
        return _customer(await customers.create_customer(info.context, data))

    @strawberry.mutation
    async def update_customer(
        self, info: Info[Context, None], input: UpdateCustomerInput
    ) -> CustomerPayload:
        if refused := input_problems(input):
            return _customer(Outcome(problems=refused))
        changes, problems = conversions.customer_update(input)
        if problems or changes is None:
            return _customer(Outcome(problems=problems))
        return _customer(await customers.update_customer(info.context, input.id, changes))

    @strawberry.mutation
    async def create_customer_session(
        self, info: Info[Context, None], input: CreateCustomerSessionInput
    ) -> CreateCustomerSessionPayload:
        if refused := input_problems(input):
            return CreateCustomerSessionPayload(
                session=None, user_errors=_errors(Outcome(problems=refused))
            )
        problems = conversions.customer_session_problems(input)
        outcome = (
            Outcome(problems=problems)
            if problems
            else await sessions.create_customer_session(
                info.context, input.customer_id, input.country, input.callback_url
            )
        )
        value = None if outcome.value is None else CustomerSession.from_yuno(outcome.value)
        return CreateCustomerSessionPayload(session=value, user_errors=_errors(outcome))

    @strawberry.mutation
    async def enroll_payment_method(
        self, info: Info[Context, None], input: EnrollPaymentMethodInput
    ) -> PaymentMethodPayload:
        if refused := input_problems(input):
            return _method(Outcome(problems=refused))
        outcome = await payment_methods.enroll_payment_method(
            info.context,
            input.customer_session_id,
            input.payment_method_type,
            input.country,
            input.idempotency_key,
        )
        return _method(outcome)

    @strawberry.mutation
    async def unenroll_payment_method(
        self, info: Info[Context, None], input: UnenrollPaymentMethodInput
    ) -> PaymentMethodPayload:
        if refused := input_problems(input):
            return _method(Outcome(problems=refused))
        outcome = await payment_methods.unenroll_payment_method(
            info.context, input.customer_id, input.payment_method_id, input.idempotency_key
        )
        return _method(outcome)

    @strawberry.mutation
    async def create_checkout_session(
        self, info: Info[Context, None], input: CreateCheckoutSessionInput
    ) -> CreateCheckoutSessionPayload:
        if refused := input_problems(input):
            return CreateCheckoutSessionPayload(
                session=None, user_errors=_errors(Outcome(problems=refused))
            )
        data, problems = conversions.checkout_session_create(input)
        outcome = (
            Outcome(problems=problems)
            if problems or data is None
            else await sessions.create_checkout_session(info.context, data)
        )
        value = None if outcome.value is None else CheckoutSession.from_yuno(outcome.value)
        return CreateCheckoutSessionPayload(session=value, user_errors=_errors(outcome))

    @strawberry.mutation
    async def create_payment(
        self, info: Info[Context, None], input: CreatePaymentInput
    ) -> PaymentPayload:
        if refused := input_problems(input):
            return _payment(Outcome(problems=refused))
        new, problems = conversions.new_payment(input)
        if problems or new is None:
            return _payment(Outcome(problems=problems))
        return _payment(await payments.create_payment(info.context, new))

    @strawberry.mutation
    async def capture_payment(
        self, info: Info[Context, None], input: CapturePaymentInput
    ) -> PaymentPayload:
        if refused := input_problems(input):
            return _payment(Outcome(problems=refused))
        amount, problems = conversions.optional_money(input.amount)
        if problems:
            return _payment(Outcome(problems=problems))
        return _payment(
            await payment_actions.capture_payment(
                info.context, input.payment_id, amount, input.idempotency_key
            )
        )

    @strawberry.mutation
    async def cancel_payment(
        self, info: Info[Context, None], input: CancelPaymentInput
    ) -> PaymentPayload:
        if refused := input_problems(input):
            return _payment(Outcome(problems=refused))
        problems = conversions.reason_problems(input.reason)
        if problems:
            return _payment(Outcome(problems=problems))
        return _payment(
            await payment_actions.cancel_payment(
                info.context, input.payment_id, input.reason, input.idempotency_key
            )
        )

    @strawberry.mutation
    async def refund_payment(
        self, info: Info[Context, None], input: RefundPaymentInput
    ) -> PaymentPayload:
        if refused := input_problems(input):
            return _payment(Outcome(problems=refused))
        amount, problems = conversions.optional_money(input.amount)
        problems += conversions.reason_problems(input.reason)
        if problems:
            return _payment(Outcome(problems=problems))
        return _payment(
            await payment_actions.refund_payment(
                info.context, input.payment_id, amount, input.reason, input.idempotency_key
            )
        )
