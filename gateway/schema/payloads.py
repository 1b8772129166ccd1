"""Mutation payloads: the result, or ``userErrors`` with stable codes; never both empty."""

import strawberry

from gateway.resolvers.outcomes import Problem
from gateway.schema.customers import Customer
from gateway.schema.payment_methods import PaymentMethod
from gateway.schema.payments import Payment
from gateway.schema.sessions import CheckoutSession, CustomerSession


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


@strawberry.type
class CustomerPayload:
    customer: Customer | None
    user_errors: list[UserError]


@strawberry.type
class CreateCustomerSessionPayload:
    session: CustomerSession | None
    user_errors: list[UserError]


@strawberry.type
class PaymentMethodPayload:
    payment_method: PaymentMethod | None
    user_errors: list[UserError]


@strawberry.type
class CreateCheckoutSessionPayload:
    session: CheckoutSession | None
    user_errors: list[UserError]


@strawberry.type
class PaymentPayload:
    payment: Payment | None
    user_errors: list[UserError]
