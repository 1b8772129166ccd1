"""The caller of one request."""

from dataclasses import dataclass

from gateway.auth.scopes import Scope


@dataclass(frozen=True)
class CustomerPrincipal:
    """A shopper: ``merchant_customer_id`` is the JWT's ``sub``."""

    merchant_customer_id: str
    scopes: frozenset[Scope] = frozenset()
    #: The token's ``exp`` (epoch seconds): a socket opened with it closes then.
    expires_at: float | None = None

    authenticated = True

    @property
    def identity(self) -> str:
        """Who this is for idempotency keys and rate limits (and nothing secret)."""
        return f"customer:{self.merchant_customer_id}"

    def can(self, scope: Scope) -> bool:
        return scope in self.scopes


@dataclass(frozen=True)
class ServicePrincipal:
    """A back office, a job or the federation router, known by its API key's name."""

    name: str
    scopes: frozenset[Scope] = frozenset()

    authenticated = True

    @property
    def identity(self) -> str:
        return f"service:{self.name}"

    def can(self, scope: Scope) -> bool:
        return scope in self.scopes


@dataclass(frozen=True)
class Anonymous:
    """No credentials: only public fields (sdkConfig, introspection)."""

    authenticated = False
    #: One identity for every anonymous caller; the edge counts them by address instead.
    identity = "anonymous"

    def can(self, scope: Scope) -> bool:
        return False


ANONYMOUS = Anonymous()

Principal = CustomerPrincipal | ServicePrincipal | Anonymous
