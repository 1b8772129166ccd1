"""OpenTelemetry tracing: a slow checkout followed from the client's request into Yuno.

One trace per request: the HTTP request (a server span, continuing the client's trace when
it sends a W3C ``traceparent``), the GraphQL operation and its parse, validate and execute
steps, each field that calls Yuno (``schema.fields.io_field``, through ``active_tracer``),
and each attempt of each Yuno call (a client span: method, route template, status, resend
count; ``yuno.transport``), whose ``traceparent`` goes to Yuno. Spans leave by OTLP over
HTTP, configured by the standard ``OTEL_*`` variables (``Settings``); with no endpoint,
tracing is off and costs nothing: no provider, no middleware, no extension.

Attributes are chosen, never copied: route templates rather than URLs, operation names
rather than documents, no variables, headers or bodies. Keys, tokens and card data cannot
reach a span because nothing that carries them is read here.
"""

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from aiohttp import web
from aiohttp.typedefs import Handler
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor
from opentelemetry.sdk.trace.sampling import (
    ALWAYS_OFF,
    ALWAYS_ON,
    ParentBased,
    Sampler,
    TraceIdRatioBased,
)
from opentelemetry.trace import Span, SpanKind, Status, StatusCode, Tracer
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from opentelemetry.util.re import parse_env_headers
from strawberry.extensions import SchemaExtension

from gateway.correlation import active_tracer
from gateway.settings import Settings

#: W3C trace context, in (``traceparent`` from clients) and out (to Yuno).
PROPAGATOR = TraceContextTextMapPropagator()


@dataclass(frozen=True)
class Tracing:
    provider: TracerProvider
    tracer: Tracer

    @classmethod
    def from_settings(cls, settings: Settings) -> "Tracing | None":
        endpoint = settings.traces_endpoint
        if endpoint is None:
            return None
        headers = settings.otel_exporter_otlp_headers
        exporter = OTLPSpanExporter(
            endpoint=endpoint,
            headers=parse_env_headers(headers.get_secret_value(), liberal=True) if headers else {},
            timeout=settings.otel_exporter_otlp_timeout / 1000,
        )
        attributes = parse_env_headers(settings.otel_resource_attributes or "", liberal=True)
        provider = TracerProvider(
            resource=Resource.create({**attributes, "service.name": settings.otel_service_name}),
            sampler=_sampler(settings.otel_traces_sampler, settings.otel_traces_sampler_arg),
        )
        provider.add_span_processor(
            BatchSpanProcessor(exporter, schedule_delay_millis=settings.otel_bsp_schedule_delay)
        )
        return cls(provider, provider.get_tracer("gateway"))

    async def shutdown(self) -> None:
        """Export what is left; the exporter's HTTP call blocks, so off the event loop."""
        await asyncio.to_thread(self.provider.shutdown)


def _sampler(name: str, ratio: float) -> Sampler:
    roots: dict[str, Sampler] = {
        "always_on": ALWAYS_ON,
        "always_off": ALWAYS_OFF,
        "traceidratio": TraceIdRatioBased(ratio),
    }
    if name.startswith("parentbased_"):
        return ParentBased(roots[name.removeprefix("parentbased_")])
    return roots[name]


def traced_requests(tracer: Tracer) -> Any:
    """The server span of each HTTP request, continuing the caller's trace."""

    @web.middleware
    async def traced(request: web.Request, handler: Handler) -> web.StreamResponse:
        parent = PROPAGATOR.extract(request.headers)
        route = _route(request)
        with tracer.start_as_current_span(
            f"{request.method} {route}", context=parent, kind=SpanKind.SERVER
        ) as span:
            span.set_attributes(
                {
                    "http.request.method": request.method,
                    "http.route": route,
                    "url.scheme": request.scheme,
                }
            )
            try:
                response = await handler(request)
            except web.HTTPException as exc:
                _answered(span, exc.status)
                raise
            _answered(span, response.status)
            return response

    return traced


def _route(request: web.Request) -> str:
    resource = request.match_info.route.resource
    return resource.canonical if resource is not None else "unmatched"


def _answered(span: Span, status: int) -> None:
    span.set_attribute("http.response.status_code", status)
    if status >= 500:
        span.set_status(Status(StatusCode.ERROR))


def traced_operations(tracer: Tracer) -> type[SchemaExtension]:
    """The GraphQL operation's spans, made once per schema (never per request)."""

    class TracedOperation(SchemaExtension):
        def on_operation(self) -> Iterator[None]:
            token = active_tracer.set(tracer)
            with tracer.start_as_current_span("GraphQL operation") as span:
                try:
                    yield
                finally:
                    active_tracer.reset(token)
                    context = self.execution_context
                    kind = _operation_type(context)
                    name = context.operation_name
                    span.update_name(f"{kind} {name}" if name else kind)
                    span.set_attribute("graphql.operation.type", kind)
                    if name:
                        span.set_attribute("graphql.operation.name", name)

        def on_parse(self) -> Iterator[None]:
            with tracer.start_as_current_span("graphql.parse"):
                yield

        def on_validate(self) -> Iterator[None]:
            with tracer.start_as_current_span("graphql.validate"):
                yield

        def on_execute(self) -> Iterator[None]:
            with tracer.start_as_current_span("graphql.execute"):
                yield

    return TracedOperation


def _operation_type(context: Any) -> str:
    try:
        return str(context.operation_type.value)
    except RuntimeError:  # no operation to run (a document that did not parse)
        return "operation"
