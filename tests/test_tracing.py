"""OpenTelemetry over real OTLP/HTTP: the gateway exports to a receiver this module starts,
and the spans it receives show the request → operation → execute → field → Yuno call tree
in the client's own trace, with the ``traceparent`` Yuno saw; a retried Yuno call is two
attempts; no attribute anywhere holds a key, a token, a secret or card data; with no
endpoint configured nothing is traced and Yuno sees no ``traceparent``."""

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.common.v1.common_pb2 import AnyValue
from opentelemetry.proto.trace.v1.trace_pb2 import Span as SpanProto
from pydantic import SecretStr

from gateway.app import TRACING, create_app
from gateway.sandbox import Sandbox, SandboxConfig
from gateway.sandbox.faults import FaultRule
from gateway.settings import Settings
from gateway.yuno.client import YunoClient
from tests.conftest import JWT_SECRET, SERVICE_KEY, GatewayClient
from tests.identity import bearer, customer_token
from tests.storefront import create_checkout_session, create_customer, pay_session

CLIENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736"
CLIENT_SPAN = "00f067aa0ba902b7"
WEBHOOK_SECRET = "tracing-webhook-secret"
READ = """
query Checkout($id: ID!) {
  checkoutSession(id: $id) { id customer { email } paymentMethods { id } }
}
"""


@dataclass
class Received:
    """One span as the receiver got it, its ids in hex and its attributes as values."""

    name: str
    kind: int
    trace_id: str
    span_id: str
    parent_id: str
    attributes: dict[str, Any]


@dataclass
class Receiver:
    spans: list[Received] = field(default_factory=list)
    resources: list[dict[str, Any]] = field(default_factory=list)

    def named(self, name: str) -> list[Received]:
        return [span for span in self.spans if span.name == name]

    def one(self, name: str, trace_id: str = CLIENT_TRACE) -> Received:
        (found,) = [s for s in self.named(name) if s.trace_id == trace_id]
        return found


def _value(value: AnyValue) -> Any:
    kind = value.WhichOneof("value")
    return None if kind is None else getattr(value, kind)


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[Receiver, str]]:
    """An OTLP/HTTP trace receiver (protobuf), as a collector would be."""
    received = Receiver()

    async def export(request: web.Request) -> web.Response:
        message = ExportTraceServiceRequest.FromString(await request.read())
        for resource_spans in message.resource_spans:
            received.resources.append(
                {a.key: _value(a.value) for a in resource_spans.resource.attributes}
            )
            for scope in resource_spans.scope_spans:
                received.spans.extend(_received(span) for span in scope.spans)
        body = ExportTraceServiceResponse().SerializeToString()
        return web.Response(body=body, content_type="application/x-protobuf")

    app = web.Application()
    app.router.add_post("/v1/traces", export)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    yield received, str(server.make_url(""))
    await server.close()


def _received(span: SpanProto) -> Received:
    return Received(
        name=span.name,
        kind=span.kind,
        trace_id=span.trace_id.hex(),
        span_id=span.span_id.hex(),
        parent_id=span.parent_span_id.hex(),
        attributes={a.key: _value(a.value) for a in span.attributes},
    )


@pytest.fixture
def gateway_settings(settings: Settings, receiver: tuple[Receiver, str]) -> Settings:
    """Tracing on, exported every 20 ms; a webhook secret, to look for it in spans."""
    return settings.model_copy(
        update={
            "otel_exporter_otlp_endpoint": receiver[1],
            "otel_exporter_otlp_headers": SecretStr("authorization=Bearer collector-token"),
            "otel_bsp_schedule_delay": 20.0,
            "yuno_webhook_secret": SecretStr(WEBHOOK_SECRET),
        }
    )


async def flush(server: TestServer) -> None:
    """Every ended span exported now (a request's spans end before its answer is sent)."""
    tracing = server.app[TRACING]
    assert tracing is not None
    assert await asyncio.to_thread(tracing.provider.force_flush)


async def traced_read(gateway: GatewayClient, session_id: str) -> dict[str, Any]:
    traceparent = f"00-{CLIENT_TRACE}-{CLIENT_SPAN}-01"
    return await gateway.execute(READ, {"id": session_id}, traceparent=traceparent)


async def test_a_request_is_one_trace_from_the_client_into_yuno(
    gateway: GatewayClient,
    gateway_server: TestServer,
    sandbox: Sandbox,
    receiver: tuple[Receiver, str],
) -> None:
    spans, _ = receiver
    session_id = await create_checkout_session(gateway, await create_customer(gateway))
    sandbox.clear_requests()

    answer = await traced_read(gateway, session_id)
    assert "errors" not in answer
    await flush(gateway_server)

    request = spans.one("POST /graphql")
    operation = spans.one("query Checkout")
    execute = spans.one("graphql.execute")
    resolver = spans.one("resolve Query.checkoutSession")
    call = spans.one("GET /checkout/sessions/{id}")
    assert request.parent_id == CLIENT_SPAN  # the client's trace, continued
    assert request.kind == SpanProto.SPAN_KIND_SERVER
    assert request.attributes["http.response.status_code"] == 200
    assert operation.parent_id == request.span_id
    assert {spans.one("graphql.parse").parent_id, spans.one("graphql.validate").parent_id} == {
        operation.span_id
    }
    assert execute.parent_id == operation.span_id
    assert resolver.parent_id == execute.span_id
    assert call.parent_id == resolver.span_id
    assert call.kind == SpanProto.SPAN_KIND_CLIENT
    assert call.attributes == {
        "http.request.method": "GET",
        "url.template": "/checkout/sessions/{id}",
        "server.address": "127.0.0.1",
        "http.response.status_code": 200,
    }
    assert operation.attributes == {
        "graphql.operation.type": "query",
        "graphql.operation.name": "Checkout",
    }
    # The fields below the session call Yuno in the same trace.
    fields = {s.name for s in spans.spans if s.trace_id == CLIENT_TRACE}
    assert {"resolve CheckoutSession.customer", "resolve CheckoutSession.paymentMethods"} <= fields
    # Yuno saw the attempt's own span as its parent.
    (seen,) = [r for r in sandbox.requests if r.path == f"/v1/checkout/sessions/{session_id}"]
    assert seen.traceparent == f"00-{CLIENT_TRACE}-{call.span_id}-01"
    assert spans.resources[0]["service.name"] == "yuno-graphql-gateway"


async def test_a_retried_yuno_call_is_one_span_per_attempt(
    gateway: GatewayClient,
    gateway_server: TestServer,
    sandbox: Sandbox,
    receiver: tuple[Receiver, str],
) -> None:
    spans, _ = receiver
    session_id = await create_checkout_session(gateway, await create_customer(gateway))
    path = f"/v1/checkout/sessions/{session_id}"
    sandbox.add_fault(FaultRule("error_503", count=1, method="GET", path_prefix=path))

    await traced_read(gateway, session_id)
    await flush(gateway_server)

    first, second = sorted(
        (s for s in spans.named("GET /checkout/sessions/{id}") if s.trace_id == CLIENT_TRACE),
        key=lambda s: s.attributes.get("http.request.resend_count", 0),
    )
    assert first.attributes["http.response.status_code"] == 503
    assert first.attributes["error.type"] == "YunoServerError"
    assert second.attributes["http.request.resend_count"] == 1
    assert second.attributes["http.response.status_code"] == 200
    assert first.parent_id == second.parent_id == spans.one("resolve Query.checkoutSession").span_id


async def test_no_span_holds_a_key_a_token_a_secret_or_card_data(
    gateway: GatewayClient,
    gateway_server: TestServer,
    yuno: YunoClient,
    sandbox_config: SandboxConfig,
    receiver: tuple[Receiver, str],
) -> None:
    spans, _ = receiver
    shopper_token = customer_token("traced-shopper")
    shopper = gateway.as_(bearer(shopper_token))
    customer_id = await create_customer(gateway, "traced-shopper")
    session_id = await create_checkout_session(gateway, customer_id)
    paid = await pay_session(shopper, yuno, session_id)
    assert paid["payment"]["status"] == "SUCCEEDED"
    await shopper.execute(READ, {"id": session_id})
    await flush(gateway_server)

    dumped = json.dumps([s.attributes for s in spans.spans] + spans.resources)
    secrets = {
        sandbox_config.private_secret_key,
        sandbox_config.public_api_key,
        SERVICE_KEY,
        JWT_SECRET,
        shopper_token,
        WEBHOOK_SECRET,
        "collector-token",
        "4507990000000002",  # the card the SDK tokenized
        "0002",
    }
    assert len(spans.spans) > 20
    assert not {secret for secret in secrets if secret in dumped}
    assert "query" not in {key for s in spans.spans for key in s.attributes}


async def test_without_an_endpoint_nothing_is_traced(settings: Settings, sandbox: Sandbox) -> None:
    app = create_app(settings)
    assert app[TRACING] is None
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    try:
        async with aiohttp.ClientSession() as http:
            client = GatewayClient(http, str(server.make_url("/graphql")), f"Bearer {SERVICE_KEY}")
            sandbox.clear_requests()
            await create_customer(client, "untraced")
    finally:
        await server.close()
    assert sandbox.requests
    assert all(record.traceparent is None for record in sandbox.requests)
