"""The same schema subset, written the way strawberry's docs start you out: every field that
needs Yuno calls Yuno's REST API with aiohttp, there is no DataLoader and no cache, the view
is strawberry's own ``GraphQLView`` with default extensions, and JSON is the standard library's.

It answers the bench's documents exactly as the gateway does. It is a measuring stick, not
product code: short, and not slowed down on purpose.
"""

import uuid
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import strawberry
from aiohttp import web
from strawberry.aiohttp.views import GraphQLView
from strawberry.types import Info

YUNO = web.AppKey("yuno", aiohttp.ClientSession)
ACCOUNT_ID = "7c4b0b6e-2f3d-4f7a-9a51-3d1e5f0c8a21"


async def yuno(info: Info, method: str, path: str, **kwargs: Any) -> Any:
    request: web.Request = info.context["request"]
    async with request.app[YUNO].request(method, path.lstrip("/"), **kwargs) as response:
        response.raise_for_status()
        return await response.json()


@strawberry.type
class Money:
    value: str
    currency: str

    @classmethod
    def from_json(cls, money: dict[str, Any]) -> "Money":
        return cls(value=str(money["value"]), currency=money["currency"])


@strawberry.type
class PaymentMethod:
    name: str
    type: str
    vaulted_token: str | None


@strawberry.federation.type(keys=["id"])
class Customer:
    id: strawberry.ID
    email: str | None

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> "Customer":
        return await customer(info, id)


async def customer(info: Info, customer_id: str) -> Customer:
    found = await yuno(info, "GET", f"/customers/{customer_id}")
    return Customer(id=strawberry.ID(found["id"]), email=found.get("email"))


async def checkout_session_customer(root: "CheckoutSession", info: Info) -> Customer | None:
    return None if root.customer_id is None else await customer(info, root.customer_id)


async def checkout_session_methods(root: "CheckoutSession", info: Info) -> list[PaymentMethod]:
    found = await yuno(info, "GET", f"/checkout/sessions/{root.id}/payment-methods")
    return [
        PaymentMethod(name=m["name"], type=m["type"], vaulted_token=m["vaulted_token"])
        for m in found
    ]


@strawberry.type
class CheckoutSession:
    id: strawberry.ID
    amount: Money | None
    customer_id: strawberry.Private[str | None]
    customer: Customer | None = strawberry.field(resolver=checkout_session_customer)
    payment_methods: list[PaymentMethod] = strawberry.field(resolver=checkout_session_methods)

    @classmethod
    def from_json(cls, session: dict[str, Any]) -> "CheckoutSession":
        amount = session.get("amount")
        return cls(
            id=strawberry.ID(session.get("id") or session["checkout_session"]),
            amount=Money.from_json(amount) if amount else None,
            customer_id=session.get("customer_id"),
        )


async def payment_customer(root: "Payment", info: Info) -> Customer | None:
    return None if root.customer_id is None else await customer(info, root.customer_id)


@strawberry.type
class Payment:
    id: strawberry.ID
    status: str
    amount: Money
    customer_id: strawberry.Private[str | None]
    customer: Customer | None = strawberry.field(resolver=payment_customer)

    @classmethod
    def from_json(cls, payment: dict[str, Any]) -> "Payment":
        payer = payment.get("customer_payer") or {}
        return cls(
            id=strawberry.ID(payment["id"]),
            status=payment["status"],
            amount=Money.from_json(payment["amount"]),
            customer_id=payer.get("id"),
        )


async def checkout_session(info: Info, id: strawberry.ID) -> CheckoutSession | None:
    return CheckoutSession.from_json(await yuno(info, "GET", f"/checkout/sessions/{id}"))


async def payments_by_merchant_order_id(info: Info, merchant_order_id: str) -> list[Payment]:
    found = await yuno(info, "GET", "/payments", params={"merchant_order_id": merchant_order_id})
    return [Payment.from_json(p) for p in found]


@strawberry.type
class Query:
    checkout_session: CheckoutSession | None = strawberry.field(resolver=checkout_session)
    payments_by_merchant_order_id: list[Payment] = strawberry.field(
        resolver=payments_by_merchant_order_id
    )


@strawberry.input
class PaymentMethodInput:
    token: str | None = None
    vaulted_token: str | None = None


@strawberry.input
class CreatePaymentInput:
    checkout_session_id: strawberry.ID
    payment_method: PaymentMethodInput
    idempotency_key: str | None = None


@strawberry.type
class UserError:
    field: list[str] | None
    message: str
    code: str


@strawberry.type
class PaymentPayload:
    payment: Payment | None
    user_errors: list[UserError]


async def create_payment(info: Info, input: CreatePaymentInput) -> PaymentPayload:
    session = await yuno(info, "GET", f"/checkout/sessions/{input.checkout_session_id}")
    body = {
        "account_id": ACCOUNT_ID,
        "description": session["payment_description"],
        "country": session["country"],
        "merchant_order_id": session["merchant_order_id"],
        "amount": session["amount"],
        "checkout": {"session": input.checkout_session_id},
        "customer_payer": {"id": session["customer_id"]},
        "payment_method": {"token": input.payment_method.token},
    }
    key = input.idempotency_key or str(uuid.uuid4())
    headers = {"X-Idempotency-Key": key}
    payment = await yuno(info, "POST", "/payments", json=body, headers=headers)
    return PaymentPayload(payment=Payment.from_json(payment), user_errors=[])


@strawberry.type
class Mutation:
    create_payment: PaymentPayload = strawberry.mutation(resolver=create_payment)


schema = strawberry.federation.Schema(query=Query, mutation=Mutation)


def create_app(yuno_url: str, public_api_key: str, private_secret_key: str) -> web.Application:
    headers = {"public-api-key": public_api_key, "private-secret-key": private_secret_key}

    async def yuno_session(app: web.Application) -> AsyncIterator[None]:
        async with aiohttp.ClientSession(yuno_url.rstrip("/") + "/", headers=headers) as http:
            app[YUNO] = http
            yield

    app = web.Application()
    app.router.add_route("*", "/graphql", GraphQLView(schema=schema))
    app.cleanup_ctx.append(yuno_session)
    return app
