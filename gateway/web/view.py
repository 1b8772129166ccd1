"""GraphQL over HTTP on aiohttp, as the GraphQL-over-HTTP spec describes it.

strawberry's view does the protocol work; this subclass adds what the spec and our clients
expect: ``application/graphql-response+json`` when asked for (then 400 for a document that
cannot run), 405 with ``Allow`` for a mutation over GET, 415 for a body type we do not take,
orjson encoding, and batches whose mutations run one after another.
"""

import asyncio
import contextlib
import time
import weakref
from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping
from typing import Any, TypeGuard, cast

import orjson
from aiohttp import WSCloseCode, web
from cross_web import AsyncHTTPRequestAdapter
from graphql import OperationType
from strawberry.aiohttp.views import GraphQLView as StrawberryView
from strawberry.exceptions import ConnectionRejectionError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.streaming import MultipartSubscriptionTransport, SSETransport
from strawberry.subscriptions import (
    GRAPHQL_SSE_PROTOCOL,
    GRAPHQL_TRANSPORT_WS_PROTOCOL,
    MULTIPART_SUBSCRIPTION_PROTOCOL,
)
from strawberry.types import ExecutionResult
from strawberry.types.execution import PreExecutionError
from strawberry.types.unset import UNSET, UnsetType

from gateway.auth import Principal
from gateway.auth.authenticator import Unauthenticated
from gateway.schema.errors import request_error_code
from gateway.web.auth import principal_of
from gateway.web.browsers import csrf_refusal
from gateway.web.documents import Documents, refusal
from gateway.web.errors import error_response
from gateway.web.graphiql import GRAPHIQL, graphiql_page, wants_graphiql
from gateway.web.middlewares import REQUEST_ID
from gateway.web.operations import Operations, Shape
from gateway.web.response_cache import PENDING, TICKET, ResponseCache, Ticket
from gateway.web.sockets import Admission, GuardedTransportWS

GRAPHQL_RESPONSE = "application/graphql-response+json"
JSON_TYPES = ("application/json", GRAPHQL_RESPONSE)
WANTS_GRAPHQL_RESPONSE = web.ResponseKey("wants_graphql_response", bool)
#: Operations one socket may run at once (subscriptions, mostly).
MAX_OPERATIONS_PER_SOCKET = 20

ContextFactory = Callable[[web.Request], Awaitable[Any]]


Authenticate = Callable[[str | None], Principal]


class GraphQLView(StrawberryView[Any, None]):
    graphql_transport_ws_handler_class = GuardedTransportWS

    def __init__(
        self,
        *args: Any,
        context_factory: ContextFactory,
        authenticate: Authenticate,
        operations: Operations,
        documents: Documents | None = None,
        admission: Admission | None = None,
        responses: ResponseCache | None = None,
        anonymous_max_document_bytes: int,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault(
            "subscription_protocols",
            (GRAPHQL_TRANSPORT_WS_PROTOCOL, MULTIPART_SUBSCRIPTION_PROTOCOL, GRAPHQL_SSE_PROTOCOL),
        )
        kwargs.setdefault("max_subscriptions_per_connection", MAX_OPERATIONS_PER_SOCKET)
        super().__init__(*args, **kwargs)
        self.admission = admission
        self.anonymous_max_document_bytes = anonymous_max_document_bytes
        self._context_factory = context_factory
        self._authenticate = authenticate
        self._sockets: weakref.WeakSet[web.WebSocketResponse] = weakref.WeakSet()
        self._closing = asyncio.Event()
        self.operations = operations
        self.documents = documents
        self.responses = responses

    async def __call__(self, request: web.Request) -> web.StreamResponse:
        if wants_graphiql(request) and GRAPHIQL in request.app:
            return await graphiql_page(request)
        refusal = _refusal(request, self.operations)
        if refusal is not None:
            return refusal
        cached = None if self.responses is None else await self.responses.lookup(request)
        if isinstance(cached, web.StreamResponse):
            return cached  # nothing runs: not even the persisted query's lookup
        if self.documents is not None and _hash_only_get(request):
            expanded = await self.documents.expand_get(request)
            if isinstance(expanded, web.Response):
                return expanded
            request = expanded
        if cached is None or self.responses is None:
            return await super().__call__(request)
        request[PENDING] = cached
        return await self.responses.keep(request, await super().__call__(request))

    def is_websocket_request(self, request: web.Request) -> TypeGuard[web.Request]:
        """strawberry asks aiohttp by building a WebSocketResponse for every request; a
        request without ``Upgrade: websocket`` is not one, and answers without it."""
        if request.headers.get("Upgrade", "").lower() != "websocket":
            return False
        return super().is_websocket_request(request)

    async def create_websocket_response(
        self, request: web.Request, subprotocol: str | None
    ) -> web.WebSocketResponse:
        socket = await super().create_websocket_response(request, subprotocol)
        self._sockets.add(socket)
        return socket

    async def close_websockets(self) -> None:
        """Shutdown: every subscriber gets a proper close frame (1001, going away), and
        every subscription stream (multipart, SSE) its end."""
        self._closing.set()
        for socket in list(self._sockets):
            await socket.close(code=WSCloseCode.GOING_AWAY, message=b"server shutting down")

    async def create_streaming_response(
        self,
        request: web.Request,
        stream: Callable[[], AsyncGenerator[str, None]],
        sub_response: web.Response,
        headers: Mapping[str, str],
    ) -> web.StreamResponse:
        """A subscription over multipart or SSE ends, like a socket, when its shopper
        token expires or the server shuts down; the client gets the stream's proper end."""
        expires_at = getattr(principal_of(request), "expires_at", None)
        bounded = _until(stream, expires_at, self._closing, _ending(headers))
        return await super().create_streaming_response(request, bounded, sub_response, headers)

    async def get_context(self, request: web.Request, response: web.StreamResponse) -> Any:
        return await self._context_factory(request)

    async def on_ws_connect(self, context: Any) -> UnsetType | dict[str, object] | None:
        """Browsers cannot set headers on a WebSocket: the token may come in
        ``connection_init``'s payload as ``{"Authorization": "Bearer ..."}``. A socket
        without valid credentials either way is refused (4403)."""
        params = getattr(context, "connection_params", None) or {}
        given = params.get("Authorization") or params.get("authorization")
        if isinstance(given, str):
            try:
                context.principal = self._authenticate(given)
            except Unauthenticated:
                raise ConnectionRejectionError from None
        if not context.principal.authenticated:
            raise ConnectionRejectionError
        return cast(UnsetType, UNSET)

    async def get_sub_response(self, request: web.Request) -> web.Response:
        response = web.Response()
        response[WANTS_GRAPHQL_RESPONSE] = GRAPHQL_RESPONSE in request.headers.get("Accept", "")
        return response

    def decode_json(self, data: str | bytes) -> object:
        return orjson.loads(data)

    def encode_json(self, data: object) -> str:
        """WebSocket frames must be text (graphql-transport-ws)."""
        return orjson.dumps(data).decode()

    async def process_result(
        self, request: web.Request, result: ExecutionResult
    ) -> GraphQLHTTPResponse:
        data = await super().process_result(request, result)
        if isinstance(result, PreExecutionError):
            for error in data.get("errors") or []:
                if isinstance(error, dict):
                    extensions = error.setdefault("extensions", {})
                    extensions.setdefault("code", request_error_code(str(error.get("message"))))
                    extensions.setdefault("requestId", request.get(REQUEST_ID))
            if GRAPHQL_RESPONSE in request.headers.get("Accept", ""):
                data.pop("data", None)
        return data

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: web.Response,
    ) -> web.Response:
        sub_response.body = orjson.dumps(response_data)
        if sub_response.get(WANTS_GRAPHQL_RESPONSE):
            sub_response.content_type = GRAPHQL_RESPONSE
            if isinstance(response_data, dict) and "data" not in response_data:
                sub_response.set_status(400)
        else:
            sub_response.content_type = "application/json"
        return sub_response

    async def execute_single(
        self,
        request: web.Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: web.Response,
        context: Any,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        """One operation: its document resolved (persisted queries), the edge's refusals,
        then strawberry's execution; a persisted query is registered once it validated."""
        principal: Principal = context.principal  # resolvers.context.Context (web cannot import it)
        admitted = await self._admit(request_data, principal)
        if isinstance(admitted, ExecutionResult):
            return admitted
        shape = self.operations.shape(admitted.query, admitted.operation_name)
        if shape.defers and (why := _cannot_defer(request)):
            return refusal(why, "DEFER_NOT_ALLOWED")
        if shape.kind is OperationType.SUBSCRIPTION:
            return refusal(
                "Subscriptions run over a WebSocket (graphql-transport-ws) or a stream: send "
                "Accept: multipart/mixed;subscriptionSpec=1.0 (Apollo's clients) or "
                "text/event-stream (graphql-sse).",
                "SUBSCRIPTION_NEEDS_WEBSOCKET",
            )
        reusable = _reusable(shape) if PENDING in request else None
        since = None if reusable is None or self.responses is None else await self.responses.begin()
        result = await super().execute_single(
            request, request_adapter, sub_response, context, root_value, admitted
        )
        if reusable is not None and since is not None and _complete(result):
            # What it read: context.loaders.tags (resolvers' Context; web cannot import it).
            request[TICKET] = Ticket(frozenset(context.loaders.tags), reusable, since)
        registration = (
            None if self.documents is None else self.documents.registration(admitted, principal)
        )
        if registration is not None and self.documents is not None and _validated(result):
            await self.documents.register(registration, principal)
        return result

    async def _admit(
        self, request_data: GraphQLRequestData, principal: Principal
    ) -> GraphQLRequestData | ExecutionResult:
        """The edge's checks every operation passes, whatever its transport: the document
        resolved (persisted queries, trusted documents) and sized for anonymous callers."""
        if self.documents is not None:
            resolved = await self.documents.resolve(request_data, principal)
            if isinstance(resolved, ExecutionResult):
                return resolved
            request_data = resolved
        if self._too_large_for(request_data, principal):
            return refusal(
                f"Without credentials a document may be at most "
                f"{self.anonymous_max_document_bytes} bytes; send a bearer token.",
                "DOCUMENT_TOO_LARGE",
            )
        return request_data

    async def execute_operation(
        self,
        request: web.Request,
        request_adapter: AsyncHTTPRequestAdapter,
        request_data: GraphQLRequestData | list[GraphQLRequestData],
        context: Any,
        root_value: None,
        sub_response: web.Response,
    ) -> Any:
        if not isinstance(request_data, list):
            if request_data.protocol != "http":  # a subscription stream (multipart, SSE)
                admitted = await self._admit(request_data, context.principal)
                if isinstance(admitted, ExecutionResult):
                    return admitted
                request_data = admitted
            return await super().execute_operation(
                request, request_adapter, request_data, context, root_value, sub_response
            )

        def run(data: GraphQLRequestData) -> Awaitable[Any]:
            return self.execute_single(
                request=request,
                request_adapter=request_adapter,
                sub_response=sub_response,
                context=context,
                root_value=root_value,
                request_data=data,
            )

        if any(self.operations.defers(d.query, d.operation_name) for d in request_data):
            message = "@defer is not allowed in a batch: send the operation on its own."
            return [refusal(message, "DEFER_NOT_ALLOWED") for _ in request_data]
        if any(self.operations.is_mutation(d.query, d.operation_name) for d in request_data):
            return [await run(data) for data in request_data]  # mutations run in order
        return await asyncio.gather(*(run(data) for data in request_data))

    def _too_large_for(self, data: GraphQLRequestData, principal: Principal) -> bool:
        """Checked before parsing: a parsed document takes some 70 times its text."""
        return (
            not principal.authenticated
            and len(data.query or "") > self.anonymous_max_document_bytes
        )


def _cannot_defer(request: web.Request) -> str | None:
    """Why this request cannot take its answer in parts (None when it can): incremental
    delivery streams ``multipart/mixed`` to a POST that asked for it; a GET's answer is for
    caches to store whole."""
    if request.method != "POST":
        return "@defer needs a POST: a GET's answer is one document a cache can store."
    if "multipart/mixed" not in request.headers.get("Accept", ""):
        return (
            "@defer answers in parts: send Accept: multipart/mixed;deferSpec=20220824, "
            "application/json."
        )
    return None


def _ending(headers: Mapping[str, str]) -> str:
    """What a stream cut short sends last: its transport's own completion."""
    if headers.get("Content-Type", "").startswith("multipart/mixed"):
        return MultipartSubscriptionTransport().encode_complete()
    return SSETransport().encode_complete()


def _until(
    stream: Callable[[], AsyncGenerator[str, None]],
    expires_at: float | None,
    closing: asyncio.Event,
    ending: str,
) -> Callable[[], AsyncGenerator[str, None]]:
    """``stream``, cut (with ``ending``) when ``expires_at`` passes or ``closing`` is set."""

    async def bounded() -> AsyncGenerator[str, None]:
        chunks = stream()
        stop = asyncio.ensure_future(closing.wait())
        step: asyncio.Future[str] | None = None
        try:
            while True:
                timeout = None if expires_at is None else max(0.0, expires_at - time.time())
                step = asyncio.ensure_future(anext(chunks))
                done, _ = await asyncio.wait(
                    {step, stop}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
                )
                if step not in done:
                    yield ending
                    return
                try:
                    chunk = step.result()
                except StopAsyncIteration:
                    return
                step = None
                yield chunk
        finally:
            stop.cancel()
            if step is not None and not step.done():
                step.cancel()
                with contextlib.suppress(asyncio.CancelledError, StopAsyncIteration):
                    await step
            await chunks.aclose()

    return bounded


def _reusable(shape: Shape) -> int | None:
    """Seconds a missed answer may be kept: a query whose answers the schema lets be
    reused, without ``@defer``."""
    if shape.kind is not OperationType.QUERY or shape.defers:
        return None
    return shape.max_age or None


def _complete(result: object) -> bool:
    """Ran, and answered in full: no error, nothing left out."""
    return (
        _validated(result)
        and not getattr(result, "errors", None)
        and (getattr(result, "data", None) is not None)
    )


def _validated(result: object) -> bool:
    """The document parsed, validated and was allowed to run (whatever it then did)."""
    return isinstance(result, ExecutionResult) and not isinstance(result, PreExecutionError)


def _hash_only_get(request: web.Request) -> bool:
    return (
        request.method == "GET" and "query" not in request.query and "extensions" in request.query
    )


def _refusal(request: web.Request, operations: Operations) -> web.Response | None:
    """Answer here what strawberry would answer with a vague 400."""
    if request.method == "POST":
        content_type = request.content_type
        if content_type not in JSON_TYPES:
            return error_response(
                request,
                415,
                f"Unsupported content type {content_type!r}; send JSON.",
                "UNSUPPORTED_MEDIA_TYPE",
            )
    if request.method == "GET" and operations.is_mutation(
        request.query.get("query"), request.query.get("operationName")
    ):
        return error_response(
            request,
            405,
            "Mutations are not allowed over GET; use POST.",
            "METHOD_NOT_ALLOWED",
            headers={"Allow": "POST"},
        )
    return csrf_refusal(request)
