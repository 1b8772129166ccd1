"""The idempotency key Yuno sees, derived from the client's.

Yuno replays the first response for a repeated key. A client's key alone is not enough to
send on: two shoppers (or one app reusing a key across carts) would get each other's
payment back. So the key sent to Yuno is a name-based UUID of who sends it, what it acts on
(a checkout session, an order, a payment and the action) and the client's key: the same
retry maps to the same Yuno key, anything else never collides.
"""

import uuid

from gateway.auth import CustomerPrincipal, Principal, ServicePrincipal

_NAMESPACE = uuid.UUID("8d6c3f9e-3a51-4b0e-9a43-5f1e0c2b7d14")


def caller(principal: Principal) -> str:
    if isinstance(principal, CustomerPrincipal):
        return f"customer:{principal.merchant_customer_id}"
    if isinstance(principal, ServicePrincipal):
        return f"service:{principal.name}"
    return "anonymous"


def yuno_key(principal: Principal, target: str, client_key: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, f"{caller(principal)}\x1f{target}\x1f{client_key}"))
