"""The scopes that gate what is not the shopper's to decide.

A shopper (customer principal) may always read and change its own customer, sessions,
enrolled methods and payments, and pay its own checkout sessions. Everything else needs a
scope, from the JWT's ``scope`` claim or an API key's configuration (``*`` grants all).
"""

from enum import StrEnum


class Scope(StrEnum):
    CUSTOMERS_READ = "customers:read"
    """Read any customer, its sessions, methods and payments (not only one's own)."""
    CUSTOMERS_WRITE = "customers:write"
    """Create and update any customer, its customer sessions and enrollments."""
    CHECKOUT_SESSIONS_WRITE = "checkout_sessions:write"
    """Create checkout sessions: set what a shopper will pay."""
    PAYMENTS_CREATE = "payments:create"
    """Pay any customer's checkout session (a shopper pays its own without this)."""
    PAYMENTS_DIRECT = "payments:direct"
    """Pay without a checkout session (amount from the input), e.g. a vaulted card."""
    PAYMENTS_CAPTURE = "payments:capture"
    PAYMENTS_CANCEL = "payments:cancel"
    PAYMENTS_REFUND = "payments:refund"


ALL_SCOPES = frozenset(Scope)
_NAMES = frozenset(scope.value for scope in Scope)


def parse_scopes(granted: str | list[str] | tuple[str, ...] | None) -> frozenset[Scope]:
    """A space-separated claim or a list; ``*`` is every scope, unknown names are ignored."""
    names = granted.split() if isinstance(granted, str) else list(granted or [])
    if "*" in names:
        return ALL_SCOPES
    return frozenset(Scope(n) for n in names if n in _NAMES)
