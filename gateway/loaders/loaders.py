"""The DataLoaders, one per kind of Yuno lookup, named for the key they take.

A set of them lives for one GraphQL request (see ``RequestLoaders``), so nothing one user
loaded is ever handed to another by a DataLoader. Lookups that may be shared across requests
go through ``LookupCache`` inside the batch function, keyed by what determines them.

Each load also tags the request with what it read, named as the lookup cache names it
(``customer:<id>``, ``payment:<id>``...): the response cache keeps an answer under those
tags, and the writes and webhooks that invalidate a cached lookup end the answers built on
it with the same key (``LookupCache.invalidate``), payments included though no lookup of
theirs is cached.
"""

import contextlib
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from functools import cached_property, partial
from typing import TypeVar

from pydantic import TypeAdapter
from strawberry.dataloader import DataLoader

from gateway.loaders.cache import LookupCache, cache_key
from gateway.loaders.fanout import fan_out
from gateway.settings import Settings
from gateway.yuno.client import YunoClient
from gateway.yuno.models import CheckoutSession, Customer, Payment, PaymentMethod

K = TypeVar("K")
V = TypeVar("V")

CUSTOMER = TypeAdapter(Customer)
CHECKOUT_SESSION = TypeAdapter(CheckoutSession)
METHODS = TypeAdapter(list[PaymentMethod])


@dataclass(frozen=True)
class Upstream:
    """What every loader reads from: the process's Yuno client, cache and settings."""

    client: YunoClient
    cache: LookupCache
    settings: Settings
    on_batch: Callable[[str, int], None] | None = None

    async def forget_methods_of(self, customer_id: str) -> None:
        """A customer's enrolled methods changed (enrolled, unenrolled, by a webhook): drop
        its cached list and every session catalog built from it, on every replica."""
        await self.cache.invalidate(customer_methods_key(customer_id))
        await self.cache.bump(customer_id, self.settings.cache_ttl_payment_methods)


@dataclass(frozen=True)
class CheckoutSessionRef:
    """A checkout session's methods depend on its customer's enrolled methods too."""

    session_id: str
    customer_id: str | None


class YunoLoader(DataLoader[K, V]):
    """A DataLoader whose batch fans out one Yuno call per distinct key, concurrently."""

    def __init__(self, upstream: Upstream, tags: set[str]) -> None:
        super().__init__(load_fn=self._batch)
        self.upstream = upstream
        self.tags = tags

    def load(self, key: K) -> Awaitable[V]:
        self.tags.update(self.tagged(key))
        return super().load(key)

    def tagged(self, key: K) -> tuple[str, ...]:
        """The names of what loading ``key`` reads (see the module docstring)."""
        raise NotImplementedError

    async def _batch(self, keys: Sequence[K]) -> list[V | BaseException]:
        if self.upstream.on_batch is not None:
            self.upstream.on_batch(type(self).__name__, len(keys))
        return await fan_out(keys, self.fetch, self.upstream.settings.max_concurrency)

    async def fetch(self, key: K) -> V:
        raise NotImplementedError

    def forget(self, key: K) -> None:
        """Drop this request's copy (``clear`` raises when there is none)."""
        with contextlib.suppress(KeyError):
            self.clear(key)

    def replace(self, key: K, value: V) -> None:
        self.forget(key)
        self.prime(key, value)

    def cached(
        self, key: str, ttl: float, adapter: TypeAdapter[V], load: Callable[[], Awaitable[V]]
    ) -> Awaitable[V]:
        return self.upstream.cache.fetch(key, ttl, adapter, load)


class CustomerByIdLoader(YunoLoader[str, Customer]):
    def tagged(self, key: str) -> tuple[str, ...]:
        return (customer_key(key),)

    async def fetch(self, key: str) -> Customer:
        ttl = self.upstream.settings.cache_ttl_customer
        load = partial(self.upstream.client.get_customer, key)
        return await self.cached(customer_key(key), ttl, CUSTOMER, load)


class CustomerByMerchantIdLoader(YunoLoader[str, Customer]):
    def tagged(self, key: str) -> tuple[str, ...]:
        return (customer_by_merchant_id_key(key),)

    async def fetch(self, key: str) -> Customer:
        ttl = self.upstream.settings.cache_ttl_customer_by_merchant_id
        load = partial(self.upstream.client.get_customer_by_merchant_id, key)
        return await self.cached(customer_by_merchant_id_key(key), ttl, CUSTOMER, load)


class PaymentMethodsByCustomerIdLoader(YunoLoader[str, list[PaymentMethod]]):
    def tagged(self, key: str) -> tuple[str, ...]:
        return (customer_methods_key(key),)

    async def fetch(self, key: str) -> list[PaymentMethod]:
        ttl = self.upstream.settings.cache_ttl_payment_methods
        load = partial(self.upstream.client.list_enrolled_payment_methods, key)
        return await self.cached(customer_methods_key(key), ttl, METHODS, load)


class PaymentMethodsByCheckoutSessionLoader(YunoLoader[CheckoutSessionRef, list[PaymentMethod]]):
    def tagged(self, key: CheckoutSessionRef) -> tuple[str, ...]:
        """The catalog lists the customer's enrolled methods too."""
        owner = () if key.customer_id is None else (customer_methods_key(key.customer_id),)
        return (checkout_session_key(key.session_id), *owner)

    async def fetch(self, key: CheckoutSessionRef) -> list[PaymentMethod]:
        cache = self.upstream.cache
        generation = await cache.generation(key.customer_id) if key.customer_id else "-"
        ttl = self.upstream.settings.cache_ttl_payment_methods
        load = partial(self.upstream.client.list_checkout_payment_methods, key.session_id)
        cached_key = cache_key("checkout-methods", key.session_id, generation)
        return await self.cached(cached_key, ttl, METHODS, load)


class EnrollableMethodsByCustomerSessionIdLoader(YunoLoader[str, list[PaymentMethod]]):
    def tagged(self, key: str) -> tuple[str, ...]:
        return (cache_key("enrollment-catalog", key),)

    async def fetch(self, key: str) -> list[PaymentMethod]:
        ttl = self.upstream.settings.cache_ttl_enrollment_catalog
        load = partial(self.upstream.client.list_enrollable_payment_methods, key)
        return await self.cached(self.tagged(key)[0], ttl, METHODS, load)


class CheckoutSessionByIdLoader(YunoLoader[str, CheckoutSession]):
    def tagged(self, key: str) -> tuple[str, ...]:
        return (checkout_session_key(key),)

    async def fetch(self, key: str) -> CheckoutSession:
        ttl = self.upstream.settings.cache_ttl_checkout_session
        load = partial(self.upstream.client.get_checkout_session, key)
        return await self.cached(checkout_session_key(key), ttl, CHECKOUT_SESSION, load)


class PaymentByIdLoader(YunoLoader[str, Payment]):
    """Payments change state at any time (webhooks, captures): never cached across requests."""

    def tagged(self, key: str) -> tuple[str, ...]:
        return (payment_key(key),)

    async def fetch(self, key: str) -> Payment:
        return await self.upstream.client.get_payment(key)


class PaymentsByMerchantOrderIdLoader(YunoLoader[str, list[Payment]]):
    def tagged(self, key: str) -> tuple[str, ...]:
        return (order_payments_key(key),)

    async def fetch(self, key: str) -> list[Payment]:
        return await self.upstream.client.list_payments_by_merchant_order_id(key)


def customer_key(customer_id: str) -> str:
    return cache_key("customer", customer_id)


def customer_by_merchant_id_key(merchant_customer_id: str) -> str:
    return cache_key("customer-by-merchant-id", merchant_customer_id)


def customer_methods_key(customer_id: str) -> str:
    return cache_key("customer-methods", customer_id)


def checkout_session_key(session_id: str) -> str:
    return cache_key("checkout-session", session_id)


def payment_key(payment_id: str) -> str:
    """Never a cached lookup: the tag of answers that show this payment."""
    return cache_key("payment", payment_id)


def order_payments_key(merchant_order_id: str) -> str:
    """Never a cached lookup: the tag of answers that list this order's payments."""
    return cache_key("order-payments", merchant_order_id)


class RequestLoaders:
    """One of each loader, for one GraphQL request, each made on first use (most requests
    touch two or three of them)."""

    def __init__(self, upstream: Upstream) -> None:
        self.upstream = upstream
        #: What this request read, as tags (see the module docstring).
        self.tags: set[str] = set()

    @cached_property
    def customer_by_id(self) -> CustomerByIdLoader:
        return CustomerByIdLoader(self.upstream, self.tags)

    @cached_property
    def customer_by_merchant_id(self) -> CustomerByMerchantIdLoader:
        return CustomerByMerchantIdLoader(self.upstream, self.tags)

    @cached_property
    def payment_methods_by_customer_id(self) -> PaymentMethodsByCustomerIdLoader:
        return PaymentMethodsByCustomerIdLoader(self.upstream, self.tags)

    @cached_property
    def payment_methods_by_checkout_session(self) -> PaymentMethodsByCheckoutSessionLoader:
        return PaymentMethodsByCheckoutSessionLoader(self.upstream, self.tags)

    @cached_property
    def enrollable_methods_by_customer_session_id(
        self,
    ) -> EnrollableMethodsByCustomerSessionIdLoader:
        return EnrollableMethodsByCustomerSessionIdLoader(self.upstream, self.tags)

    @cached_property
    def checkout_session_by_id(self) -> CheckoutSessionByIdLoader:
        return CheckoutSessionByIdLoader(self.upstream, self.tags)

    @cached_property
    def payment_by_id(self) -> PaymentByIdLoader:
        return PaymentByIdLoader(self.upstream, self.tags)

    @cached_property
    def payments_by_merchant_order_id(self) -> PaymentsByMerchantOrderIdLoader:
        return PaymentsByMerchantOrderIdLoader(self.upstream, self.tags)
