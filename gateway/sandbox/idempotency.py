"""Yuno's idempotency contract (yuno-api.md §1.4) for the endpoints that demand a key.

A key is scoped to its endpoint family (the route template), remembered with the exact
response bytes for ``idempotency_ttl``, reported as REQUEST_IN_PROCESS while its first
request runs, and released when the first request failed before changing anything.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from gateway.sandbox.errors import SandboxError

#: Route templates whose POSTs require ``X-Idempotency-Key``.
IDEMPOTENT_ROUTES: frozenset[str] = frozenset(
    {
        "/v1/payments",
        "/v1/payments/{payment_id}/transactions/{transaction_id}/capture",
        "/v1/payments/{payment_id}/transactions/{transaction_id}/cancel",
        "/v1/payments/{payment_id}/transactions/{transaction_id}/refund",
        "/v1/customers/sessions/{customer_session}/payment-methods",
        "/v1/customers/{customer_id}/payment-methods/{payment_method_id}/unenroll",
    }
)


@dataclass(frozen=True)
class StoredResponse:
    """The first answer given for a key, replayed verbatim."""

    status: int
    body: bytes
    expires_at: datetime


class IdempotencyStore:
    """Keys in flight and keys answered, per (route, key)."""

    def __init__(self, ttl: timedelta) -> None:
        self._ttl = ttl
        self._in_flight: set[tuple[str, str]] = set()
        self._answered: dict[tuple[str, str], StoredResponse] = {}

    def begin(self, scope: str, key: str, now: datetime) -> StoredResponse | None:
        """Claim a key: the stored answer if it has one, else mark it in flight."""
        slot = (scope, key)
        stored = self._answered.get(slot)
        if stored is not None and stored.expires_at > now:
            return stored
        self._answered.pop(slot, None)
        if slot in self._in_flight:
            raise SandboxError(
                400, "REQUEST_IN_PROCESS", "A request with this idempotency key is in process"
            )
        self._in_flight.add(slot)
        return None

    def finish(self, scope: str, key: str, status: int, body: bytes, now: datetime) -> None:
        """Remember a successful answer; forget the key after a failure so it can be reused."""
        slot = (scope, key)
        self._in_flight.discard(slot)
        if 200 <= status < 300:
            self._answered[slot] = StoredResponse(status, body, now + self._ttl)

    def abandon(self, scope: str, key: str) -> None:
        """Free a key whose request never produced an answer."""
        self._in_flight.discard((scope, key))

    def clear(self) -> None:
        self._in_flight.clear()
        self._answered.clear()
