"""Prometheus metrics at ``/metrics``: what a payments operator watches, from every layer.

Requests by operation and outcome with latency; Yuno calls by endpoint and outcome with
latency; cache hits, misses and backend failures; the circuit breaker's state and
transitions; DataLoader batch sizes. One registry per app (never the global one), so two
apps in one process (tests) do not collide. Operation names come from clients, so only a
bounded set of well-formed names becomes a label; the rest count as ``other``.
"""

import hmac
import re
import time
from collections.abc import Awaitable, Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar

from aiohttp import web
from graphql import OperationType, get_operation_ast
from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from pydantic import SecretStr
from strawberry.extensions import SchemaExtension

from gateway.loaders.cache import LookupCache
from gateway.schema.errors import result_errors
from gateway.yuno.breaker import BreakerState, CircuitBreaker
from gateway.yuno.transport import route_of

if TYPE_CHECKING:
    from gateway.web.response_cache import ResponseCache

_OPERATION_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
MAX_OPERATION_NAMES = 200
BREAKER_VALUES = {BreakerState.CLOSED: 0, BreakerState.HALF_OPEN: 1, BreakerState.OPEN: 2}


@dataclass
class Metrics:
    registry: CollectorRegistry = field(default_factory=CollectorRegistry)
    operation_names: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        r = self.registry
        self.requests = Counter(
            "gateway_graphql_requests", "GraphQL operations", ["operation", "outcome"], registry=r
        )
        self.request_seconds = Histogram(
            "gateway_graphql_request_seconds",
            "GraphQL operation latency",
            ["operation"],
            registry=r,
        )
        self.yuno_calls = Counter(
            "gateway_yuno_calls", "Calls to Yuno", ["method", "endpoint", "outcome"], registry=r
        )
        self.yuno_seconds = Histogram(
            "gateway_yuno_call_seconds", "Latency of Yuno calls", ["method", "endpoint"], registry=r
        )
        self.breaker_transitions = Counter(
            "gateway_yuno_breaker_transitions", "Circuit breaker state changes", ["to"], registry=r
        )
        self.batch_sizes = Histogram(
            "gateway_dataloader_batch_size",
            "Keys per DataLoader batch",
            ["loader"],
            buckets=(1, 2, 5, 10, 20, 50, 100, 200),
            registry=r,
        )
        self.ready = Gauge("gateway_ready", "1 while the gateway takes traffic", registry=r)

    def operation_label(self, name: str | None) -> str:
        if not name or not _OPERATION_NAME.match(name):
            return "anonymous" if not name else "other"
        if name in self.operation_names or len(self.operation_names) < MAX_OPERATION_NAMES:
            self.operation_names.add(name)
            return name
        return "other"

    def observe_yuno_call(self, method: str, path: str, outcome: str, seconds: float) -> None:
        endpoint = route_of(path)
        self.yuno_calls.labels(method, endpoint, outcome).inc()
        self.yuno_seconds.labels(method, endpoint).observe(seconds)

    def observe_operation(self, name: str | None, failed: bool, seconds: float) -> None:
        label = self.operation_label(name)
        self.requests.labels(label, "error" if failed else "ok").inc()
        self.request_seconds.labels(label).observe(seconds)

    def observe_batch(self, loader: str, size: int) -> None:
        self.batch_sizes.labels(loader).observe(size)

    def observe_breaker(self, state: BreakerState) -> None:
        self.breaker_transitions.labels(state.value).inc()

    def watch(
        self,
        cache: LookupCache,
        breaker: CircuitBreaker,
        subscriptions: Callable[[], int],
        responses: "ResponseCache | None" = None,
    ) -> None:
        self.registry.register(_LiveState(cache, breaker, subscriptions, responses))


class _LiveState(Collector):
    """Values read at scrape time from the objects that hold them."""

    def __init__(
        self,
        cache: LookupCache,
        breaker: CircuitBreaker,
        subscriptions: Callable[[], int],
        responses: "ResponseCache | None",
    ) -> None:
        self.cache = cache
        self.breaker = breaker
        self.subscriptions = subscriptions
        self.responses = responses

    def collect(self) -> Iterator[CounterMetricFamily | GaugeMetricFamily]:
        for name, value, help_text in (
            ("gateway_cache_hits", self.cache.hits, "Cached lookups served from the cache"),
            ("gateway_cache_misses", self.cache.misses, "Cached lookups that went to Yuno"),
            ("gateway_cache_failures", self.cache.failures, "Cache backend errors (bypassed)"),
            *self._responses(),
        ):
            yield CounterMetricFamily(name, help_text, value=value)
        yield GaugeMetricFamily(
            "gateway_subscriptions",
            "Live paymentUpdated subscriptions in this process",
            value=self.subscriptions(),
        )
        yield GaugeMetricFamily(
            "gateway_yuno_breaker_state",
            "Circuit breaker: 0 closed, 1 half-open, 2 open",
            value=BREAKER_VALUES[self.breaker.state],
        )

    def _responses(self) -> list[tuple[str, int, str]]:
        cache = self.responses
        if cache is None:
            return []
        return [
            ("gateway_response_cache_hits", cache.hits, "Answers served from the response cache"),
            ("gateway_response_cache_misses", cache.misses, "Cacheable reads that executed"),
            ("gateway_response_cache_stores", cache.stores, "Answers kept for reuse"),
            (
                "gateway_response_cache_invalidations",
                cache.invalidated,
                "Answers dropped because what they read changed",
            ),
            (
                "gateway_response_cache_races",
                cache.raced,
                "Answers not kept: what they read changed while they ran",
            ),
            ("gateway_response_cache_failures", cache.store.failures, "Store errors (bypassed)"),
        ]

    def describe(self) -> Iterable[CounterMetricFamily]:
        return []


METRICS = web.AppKey("metrics", Metrics)


async def serve_metrics(request: web.Request) -> web.Response:
    body = generate_latest(request.app[METRICS].registry)
    return web.Response(body=body, content_type="text/plain", charset="utf-8")


Handler = Callable[[web.Request], Awaitable[web.Response]]


def metrics_endpoint(token: SecretStr | None) -> Handler:
    """/metrics as is, or behind ``Authorization: Bearer <token>`` (compared in constant
    time): operation names and Yuno call counts are not for the internet."""
    if token is None:
        return serve_metrics
    expected = f"Bearer {token.get_secret_value()}".encode()

    async def guarded(request: web.Request) -> web.Response:
        given = request.headers.get("Authorization", "").encode("utf-8", "surrogateescape")
        if not hmac.compare_digest(given, expected):
            return web.Response(status=401, headers={"WWW-Authenticate": "Bearer"})
        return await serve_metrics(request)

    return guarded


class OperationMetrics(SchemaExtension):
    """Counts each query and mutation by its operation name (from the parsed document) and
    outcome, with its duration. Subscriptions last as long as a client likes: not timed."""

    metrics: ClassVar[Metrics]

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        yield
        context = self.execution_context
        document = context.graphql_document
        operation = (
            None if document is None else get_operation_ast(document, context.operation_name)
        )
        if operation is not None and operation.operation is OperationType.SUBSCRIPTION:
            return
        name = context.operation_name or (
            operation.name.value if operation is not None and operation.name else None
        )
        failed = bool(context.pre_execution_errors) or bool(result_errors(context.result))
        self.metrics.observe_operation(name, failed, time.perf_counter() - started)


def operation_metrics(metrics: Metrics) -> type[OperationMetrics]:
    """The extension class feeding this app's registry (one per schema, never per request)."""
    return type("OperationMetrics", (OperationMetrics,), {"metrics": metrics})
