"""Who is calling, and what they may do: principals, token and key verification, scopes.

Two kinds of caller: a shopper (a customer principal, from a JWT the merchant's identity
provider signed) and a back office or router (a service principal, from an API key).
Ownership is decided here; answering "not found" for what is not yours is the resolvers' job.
"""

from gateway.auth.principals import (
    ANONYMOUS,
    Anonymous,
    CustomerPrincipal,
    Principal,
    ServicePrincipal,
)
from gateway.auth.scopes import Scope

__all__ = [
    "ANONYMOUS",
    "Anonymous",
    "CustomerPrincipal",
    "Principal",
    "Scope",
    "ServicePrincipal",
]
