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

    def can(self, scope: Scope) -> bool:
        return scope in self.scopes


@dataclass(frozen=True)
class ServicePrincipal:
    """A back office, a job or the federation router, known by its API key's name."""

    name: str
    scopes: frozenset[Scope] = frozenset()

    authenticated = True

    def can(self, scope: Scope) -> bool:
        return scope in self.scopes


@dataclass(frozen=True)
class Anonymous:
    """No credentials: only public fields (sdkConfig, introspection)."""

    authenticated = False

    def can(self, scope: Scope) -> bool:
        return False


ANONYMOUS = Anonymous()

Principal = CustomerPrincipal | ServicePrincipal | Anonymous
