"""Per-request DataLoaders over the Yuno client, with aiocache behind the shareable lookups."""

from gateway.loaders.cache import LookupCache, backend_from_settings
from gateway.loaders.loaders import CheckoutSessionRef, RequestLoaders, Upstream

__all__ = [
    "CheckoutSessionRef",
    "LookupCache",
    "RequestLoaders",
    "Upstream",
    "backend_from_settings",
]
