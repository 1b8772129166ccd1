"""Yuno's idempotency contract (yuno-api.md §1.4) for the endpoints that demand a key.

A key is scoped to its endpoint family (the route template), remembered with the exact
response bytes for ``idempotency_ttl``, reported as REQUEST_IN_PROCESS while its first
request runs, and released when the first request was rejected before processing began (a
malformed or invalid body). A request that was processed and failed anyway (an unknown or
spent session, a status that does not allow it) burns its key: using it again answers
IDEMPOTENCY_DUPLICATED, and the retry needs a new key.
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
        "/v1/payments/{payment_id}/transactions/{transaction_id}/cancel-or-refund",
        "/v1/payments/{payment_id}/cancel-or-refund",
        "/v1/customers/{customer_id}/payment-methods",
        "/v1/customers/sessions/{customer_session}/payment-methods",
        "/v1/customers/{customer_id}/payment-methods/{payment_method_id}/unenroll",
    }
)


#: Refusals of a request's shape: the request never started, so its key stays free.
REJECTED_BEFORE_PROCESSING = frozenset(
    {
        "INVALID_REQUEST",
        "INVALID_PARAMETERS",
        "MISSING_PARAMETERS",
        "INVALID_ACCOUNT_ID",
        "COUNTRY_NOT_SUPPORTED",
        "CURRENCY_NOT_ALLOWED",
        "INVALID_AMOUNT",
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
        self._burnt: dict[tuple[str, str], datetime] = {}

    def begin(self, scope: str, key: str, now: datetime) -> StoredResponse | None:
        """Claim a key: the stored answer if it has one, else mark it in flight."""
        slot = (scope, key)
        stored = self._answered.get(slot)
        if stored is not None and stored.expires_at > now:
            return stored
        self._answered.pop(slot, None)
        burnt = self._burnt.get(slot)
        if burnt is not None and burnt > now:
            raise SandboxError(
                400,
                "IDEMPOTENCY_DUPLICATED",
                "This idempotency key was used by a request that failed; use a new key",
            )
        if slot in self._in_flight:
            raise SandboxError(
                400, "REQUEST_IN_PROCESS", "A request with this idempotency key is in process"
            )
        self._in_flight.add(slot)
        return None

    def finish(
        self, scope: str, key: str, status: int, body: bytes, now: datetime, code: str | None
    ) -> None:
        """Remember a successful answer; burn the key of a processed request that failed;
        free it after a rejected or unanswered one."""
        slot = (scope, key)
        self._in_flight.discard(slot)
        if 200 <= status < 300:
            self._answered[slot] = StoredResponse(status, body, now + self._ttl)
        elif 400 <= status < 500 and code not in REJECTED_BEFORE_PROCESSING:
            self._burnt[slot] = now + self._ttl

    def abandon(self, scope: str, key: str) -> None:
        """Free a key whose request never produced an answer."""
        self._in_flight.discard((scope, key))

    def clear(self) -> None:
        self._in_flight.clear()
        self._answered.clear()
        self._burnt.clear()
