"""The stale-read probe: change what a read shows, through the gateway, then read it through
each server and count the answers that still show the old state.

Two changes per probe, one per kind of thing the read is built from: the checkout session's
amount (``updateCheckoutSession``) and its customer's email (``updateCustomer``). A few
reads race each write, so a cache that keeps an answer read before the write shows it on the
read after; only that read, sent once the write has answered, is judged.
"""

import asyncio
import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bench import documents
from bench.clients import GraphQL

#: Reads sent while each write is in flight.
RACING_READS = 3
#: The changes each probe makes (so each reader's answers judged per probe).
CHANGES = 2


@dataclass(frozen=True)
class Reader:
    """A server that answers the read, and the read in its own schema's words."""

    name: str
    client: GraphQL
    query: str

    async def read(self, session: str) -> Mapping[str, Any]:
        data = await self.client.data(self.query, {"id": session})
        found: Mapping[str, Any] = data["checkoutSession"]
        return found


@dataclass(frozen=True)
class Expected:
    """What a fresh answer shows after a change: a field's path and its new value."""

    path: tuple[str, ...]
    value: object

    def fresh(self, answer: Mapping[str, Any]) -> bool:
        found: Any = answer
        for name in self.path:
            found = found[name]
        if isinstance(self.value, Decimal):
            return Decimal(str(found)) == self.value
        return bool(found == self.value)


@dataclass(frozen=True)
class Change:
    """A write through the gateway and what a fresh read shows after it."""

    mutation: str
    variables: Mapping[str, object]
    expected: Expected


def changes(session: str, customer: str, turn: int) -> tuple[Change, ...]:
    """New values every turn: the session's amount, then its customer's email."""
    amount = Decimal(f"{100 + turn}.25")
    email = f"probe-{turn}-{customer[:8]}@example.com"
    money = {"value": str(amount), "currency": "COP"}
    return (
        Change(
            documents.UPDATE_CHECKOUT_SESSION,
            {"input": {"id": session, "amount": money}},
            Expected(("amount", "value"), amount),
        ),
        Change(
            documents.UPDATE_CUSTOMER,
            {"input": {"id": customer, "email": email}},
            Expected(("customer", "email"), email),
        ),
    )


class Probe:
    """Changes the probe session and its customer; each probe writes new values."""

    def __init__(self, writer: GraphQL, session: str, customer: str) -> None:
        self.writer = writer
        self.session = session
        self.customer = customer
        self._turns = itertools.count(1)

    async def stale_answers(self, readers: Sequence[Reader]) -> dict[str, int]:
        """Stale answers by reader, out of ``CHANGES``."""
        stale = dict.fromkeys((r.name for r in readers), 0)
        await asyncio.gather(*(r.read(self.session) for r in readers))
        for change in changes(self.session, self.customer, next(self._turns)):
            await self._race(change, readers)
            for reader in readers:
                stale[reader.name] += not change.expected.fresh(await reader.read(self.session))
        return stale

    async def _race(self, change: Change, readers: Sequence[Reader]) -> None:
        """The write, with reads of the session in flight on every reader around it."""
        racing = [r.read(self.session) for r in readers for _ in range(RACING_READS)]
        await asyncio.gather(self.writer.data(change.mutation, change.variables), *racing)
