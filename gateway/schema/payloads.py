"""Mutation payloads: the result, or ``userErrors`` with stable codes; never both empty."""

from collections.abc import Callable
from typing import Self, TypeVar

import strawberry

from gateway.resolvers.outcomes import Outcome, Problem
from gateway.schema.customers import Customer
from gateway.schema.payment_methods import PaymentMethod
from gateway.schema.payments import Payment
from gateway.schema.sessions import CheckoutSession, CustomerSession
from gateway.yuno import models as yuno

Y = TypeVar("Y")
G = TypeVar("G")


@strawberry.type
class UserError:
    field: list[str] | None = strawberry.field(
        description='Path to the input field at fault, e.g. ["input", "amount", "value"]; null '
        "when not tied to one field."
    )
    message: str
    code: str = strawberry.field(
        description="Stable machine-readable code, e.g. INVALID_COUNTRY, CUSTOMER_NOT_FOUND, "
        "CHECKOUT_SESSION_USED."
    )

    @classmethod
    def from_problem(cls, problem: Problem) -> "UserError":
        field = list(problem.field) if problem.field else None
        return cls(field=field, message=problem.message, code=problem.code)


def _value(outcome: Outcome[Y], to_graph: Callable[[Y], G]) -> G | None:
    return None if outcome.value is None else to_graph(outcome.value)


def _errors(outcome: Outcome[Y]) -> list[UserError]:
    return [UserError.from_problem(p) for p in outcome.problems]


@strawberry.type
class CustomerPayload:
    customer: Customer | None
    user_errors: list[UserError]

    @classmethod
    def of(cls, outcome: Outcome[yuno.Customer]) -> Self:
        return cls(customer=_value(outcome, Customer.from_yuno), user_errors=_errors(outcome))


@strawberry.type
class CreateCustomerSessionPayload:
    session: CustomerSession | None
    user_errors: list[UserError]

    @classmethod
    def of(cls, outcome: Outcome[yuno.CustomerSession]) -> Self:
        return cls(session=_value(outcome, CustomerSession.from_yuno), user_errors=_errors(outcome))


@strawberry.type
class PaymentMethodPayload:
    payment_method: PaymentMethod | None
    user_errors: list[UserError]

    @classmethod
    def of(cls, outcome: Outcome[yuno.PaymentMethod]) -> Self:
        return cls(
            payment_method=_value(outcome, PaymentMethod.from_yuno), user_errors=_errors(outcome)
        )


@strawberry.type
class CreateCheckoutSessionPayload:
    session: CheckoutSession | None
    user_errors: list[UserError]

    @classmethod
    def of(cls, outcome: Outcome[yuno.CheckoutSession]) -> Self:
        return cls(session=_value(outcome, CheckoutSession.from_yuno), user_errors=_errors(outcome))


@strawberry.type
class PaymentPayload:
    payment: Payment | None
    user_errors: list[UserError]

    @classmethod
    def of(cls, outcome: Outcome[yuno.Payment]) -> Self:
        return cls(payment=_value(outcome, Payment.from_yuno), user_errors=_errors(outcome))


@strawberry.type
class CheckoutSessionPayload:
    session: CheckoutSession | None
    user_errors: list[UserError]

    @classmethod
    def of(cls, outcome: Outcome[yuno.CheckoutSession]) -> Self:
        return cls(session=_value(outcome, CheckoutSession.from_yuno), user_errors=_errors(outcome))


@strawberry.type
class DeleteCustomerPayload:
    deleted_customer_id: strawberry.ID | None
    user_errors: list[UserError]

    @classmethod
    def of(cls, outcome: Outcome[str]) -> Self:
        return cls(deleted_customer_id=_value(outcome, strawberry.ID), user_errors=_errors(outcome))
