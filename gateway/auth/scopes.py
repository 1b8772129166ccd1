"""The scopes that gate what is not the shopper's to decide.

A shopper (customer principal) may always read and change its own customer, sessions,
enrolled methods and payments, and pay its own checkout sessions. Everything else needs a
scope, from an API key's configuration (``*`` grants all) or from a customer token's
``scope`` claim.

A customer token's claim grants only what ``GATEWAY_SHOPPER_SCOPES_ALLOWED`` lists; every
other scope in it is ignored (and logged, without the token). The default list is empty:
each scope below either reaches other customers (``customers:*``, ``payments:create``) or
moves money on terms that are not the shopper's (``checkout_sessions:write`` sets an amount,
``payments:direct`` pays one from the input, capture, cancel and refund move an existing
payment), so none is safe to take on an identity provider's word by default. A merchant
whose provider also signs tokens for staff (support agents who refund) lists those scopes.
"""

from collections.abc import Iterable
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


def parse_scopes(granted: object) -> frozenset[Scope]:
    """A space-separated claim or a list of names; ``*`` is every scope. Unknown names and
    anything that is not a string (a claim is the token issuer's JSON) are ignored."""
    if isinstance(granted, str):
        names = granted.split()
    elif isinstance(granted, list | tuple):
        names = [name for name in granted if isinstance(name, str)]
    else:
        names = []
    if "*" in names:
        return ALL_SCOPES
    return frozenset(Scope(n) for n in names if n in _NAMES)


def configured_scopes(names: Iterable[str], setting: str) -> frozenset[Scope]:
    """Scopes named in a setting: an unknown name is a typo, refused at start-up."""
    unknown = sorted(set(names) - _NAMES - {"*"})
    if unknown:
        raise ValueError(f"{setting}: unknown scopes {unknown}; known: {sorted(_NAMES)}")
    return parse_scopes(list(names))
