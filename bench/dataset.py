"""The data every scenario reads, created through the gateway's GraphQL API the way a
merchant's app would (and the emulator's SDK endpoints for the shopper's steps)."""

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

from bench import documents
from bench.clients import Emulator, GraphQL

T = TypeVar("T")

#: Seeding calls in flight at once.
SEED_CONCURRENCY = 16
COUNTRY = "CO"


@dataclass(frozen=True)
class Sizes:
    customers: int = 100
    carded_customers: int = 5
    read_sessions: int = 20
    fanout_payments: int = 50
    payment_pool: int = 0


@dataclass(frozen=True)
class Dataset:
    #: Every customer (the federation scenario references all of them).
    customers: tuple[str, ...]
    #: The customers with an enrolled card; every session and payment belongs to one of them.
    carded_customers: tuple[str, ...]
    #: Checkout sessions the read scenarios query.
    read_sessions: tuple[str, ...]
    #: An order with ``fanout_payments`` payments spread over the carded customers.
    fanout_order: str
    fanout_payments: int
    #: Unpaid checkout sessions with a one-time token each, one per ``createPayment``.
    payment_pool: tuple[tuple[str, str], ...]
    #: A customer and its checkout session that only the stale-read probe reads and changes.
    probe_customer: str
    probe_session: str


async def seed(gateway: GraphQL, emulator: Emulator, sizes: Sizes) -> Dataset:
    tag = uuid.uuid4().hex[:8]
    customers = await _many(sizes.customers, lambda i: _customer(gateway, f"bench-{tag}-{i}"))
    carded = customers[: sizes.carded_customers]
    await _many(len(carded), lambda i: _enroll_card(gateway, emulator, carded[i]))

    def owner(i: int) -> str:
        return carded[i % len(carded)]

    read = await _many(
        sizes.read_sessions, lambda i: _session(gateway, owner(i), f"bench-{tag}-read-{i}")
    )
    order = f"bench-{tag}-fanout"
    await _many(sizes.fanout_payments, lambda i: _paid(gateway, emulator, owner(i), order))
    pool = await _many(
        sizes.payment_pool, lambda i: _payable(gateway, emulator, owner(i), f"bench-{tag}-pay-{i}")
    )
    probe_customer = await _customer(gateway, f"bench-{tag}-probe")
    probe_session = await _session(gateway, probe_customer, f"bench-{tag}-probe")
    return Dataset(
        customers, carded, read, order, sizes.fanout_payments, pool, probe_customer, probe_session
    )


async def _many(count: int, make: Callable[[int], Awaitable[T]]) -> tuple[T, ...]:
    gate = asyncio.Semaphore(SEED_CONCURRENCY)

    async def one(i: int) -> T:
        async with gate:
            return await make(i)

    return tuple(await asyncio.gather(*(one(i) for i in range(count))))


async def _customer(gateway: GraphQL, merchant_id: str) -> str:
    variables = {
        "input": {"merchantCustomerId": merchant_id, "email": f"{merchant_id}@example.com"}
    }
    data = await gateway.data(documents.CREATE_CUSTOMER, variables)
    customer: str = data["createCustomer"]["customer"]["id"]
    return customer


async def _enroll_card(gateway: GraphQL, emulator: Emulator, customer: str) -> None:
    session_input = {"customerId": customer, "country": COUNTRY}
    data = await gateway.data(documents.CREATE_CUSTOMER_SESSION, {"input": session_input})
    session = data["createCustomerSession"]["session"]["id"]
    enroll_input = {"customerSessionId": session, "paymentMethodType": "CARD", "country": COUNTRY}
    data = await gateway.data(documents.ENROLL, {"input": enroll_input})
    await emulator.complete_enrollment(data["enrollPaymentMethod"]["paymentMethod"]["id"])


async def _session(gateway: GraphQL, customer: str, order: str) -> str:
    session_input = {
        "customerId": customer,
        "merchantOrderId": order,
        "paymentDescription": "Two coffees",
        "country": COUNTRY,
        "amount": {"value": "26.90", "currency": "COP"},
    }
    data = await gateway.data(documents.CREATE_CHECKOUT_SESSION, {"input": session_input})
    session: str = data["createCheckoutSession"]["session"]["id"]
    return session


async def _payable(
    gateway: GraphQL, emulator: Emulator, customer: str, order: str
) -> tuple[str, str]:
    session = await _session(gateway, customer, order)
    return session, await emulator.mint_token(session)


async def _paid(gateway: GraphQL, emulator: Emulator, customer: str, order: str) -> None:
    session, token = await _payable(gateway, emulator, customer, order)
    await gateway.data(documents.CREATE_PAYMENT, payment_variables(session, token))


def payment_variables(session: str, token: str) -> dict[str, object]:
    return {
        "input": {
            "checkoutSessionId": session,
            "paymentMethod": {"token": token},
            "idempotencyKey": str(uuid.uuid4()),
        }
    }
