"""The middlewares every /v1 request passes through, outermost first.

``translate`` logs the request (and counts requests in flight, so tests can prove that
calls ran concurrently without timing them) and turns exceptions into Yuno's error body; ``inject``
applies a scripted fault; ``authenticate`` checks the key headers; ``deduplicate`` applies
the idempotency contract and the configured latency. Handlers only see valid, authorised,
first-time requests.
"""

import asyncio
import hmac
import logging
import re
import traceback

from aiohttp import web
from aiohttp.typedefs import Handler

from gateway.sandbox.errors import SandboxError
from gateway.sandbox.faults import FaultRule
from gateway.sandbox.idempotency import IDEMPOTENT_ROUTES
from gateway.sandbox.requestlog import RequestRecord
from gateway.sandbox.serverlog import ROUTE, described, route_of
from gateway.sandbox.state import SANDBOX
from gateway.sandbox.wire import error_response, loads

_log = logging.getLogger(__name__)
API_PREFIX = "/v1/"
IDEMPOTENCY_HEADER = "X-Idempotency-Key"

#: Routes the shopper's SDK calls with only the public key (plus everything under /v1/sdk/).
SDK_ROUTES: frozenset[str] = frozenset(
    {
        "/v1/checkout/sessions/{checkout_session}/token",
        "/v1/checkout/sessions/{checkout_session}/payment-methods",
        "/v1/checkout/customers/sessions/{customer_session}/payment-methods",
    }
)
_FAULT_ERRORS: dict[str, tuple[int, str]] = {
    "error_500": (500, "INTERNAL_ERROR"),
    "error_503": (503, "SERVICE_UNAVAILABLE"),
    "error_429": (429, "RATE_LIMIT_EXCEEDED"),
}
FAULT: web.RequestKey[FaultRule] = web.RequestKey("fault", FaultRule)
DROPPED: web.RequestKey[bool] = web.RequestKey("dropped", bool)


def route_template(request: web.Request) -> str:
    """The matched route's template, e.g. ``/v1/payments/{payment_id}``, or the raw path."""
    resource = request.match_info.route.resource
    return resource.canonical if resource is not None else request.path


@web.middleware
async def translate(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Map every failure to ``{code, messages}`` and log /v1 requests."""
    request[ROUTE] = route_of(request)
    if not request.path.startswith(API_PREFIX):
        return await _answer(request, handler)
    sandbox = request.app[SANDBOX]
    at, body = sandbox.now(), await request.text()
    response: web.StreamResponse | None = None
    sandbox.in_flight += 1
    sandbox.max_in_flight = max(sandbox.max_in_flight, sandbox.in_flight)
    try:
        response = await _answer(request, handler)
        return response
    finally:
        sandbox.in_flight -= 1
        dropped = request.get(DROPPED, False)
        fault = request.get(FAULT)
        sandbox.requests.append(
            RequestRecord(
                method=request.method,
                path=request.path,
                query=request.query_string,
                status=None if dropped or response is None else response.status,
                idempotency_key=request.headers.get(IDEMPOTENCY_HEADER),
                request_id=request.headers.get("X-Request-ID"),
                fault=fault.kind if fault else None,
                at=at,
                body=body,
                traceparent=request.headers.get("traceparent"),
            )
        )


async def _answer(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except SandboxError as error:
        return error_response(error)
    except web.HTTPNotFound:
        # Paths and methods are the caller's text: answers name neither (an id can be anything).
        return error_response(SandboxError(404, "NOT_FOUND", "No route for this path"))
    except web.HTTPMethodNotAllowed:
        message = "This method is not supported on this route"
        return error_response(SandboxError(405, "UNSUPPORTED_METHOD", message))
    except Exception as exc:
        # An emulator bug: answer like Yuno's 500 and log where it failed, but not the
        # exception's text, which may quote the request.
        _log.error(
            "sandbox handler failed for %s %s: %s\n%s",
            request.method,
            request[ROUTE],
            described(exc),
            "".join(traceback.format_tb(exc.__traceback__)),
        )
        return error_response(SandboxError(500, "INTERNAL_ERROR", "Unexpected emulator error"))


@web.middleware
async def inject(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Apply the first matching fault rule, if any."""
    if not request.path.startswith(API_PREFIX):
        return await handler(request)
    rule = request.app[SANDBOX].faults.pick(request.method, request.path)
    if rule is None:
        return await handler(request)
    request[FAULT] = rule
    if rule.kind in _FAULT_ERRORS:
        status, code = _FAULT_ERRORS[rule.kind]
        response = error_response(SandboxError(status, code, "Injected fault"))
        if rule.kind == "error_429":
            response.headers["Retry-After"] = "1"
        return response
    if rule.kind == "drop":
        request[DROPPED] = True
        if request.transport is not None:
            request.transport.close()
        return web.Response(status=500)
    if rule.kind == "timeout":
        await asyncio.sleep(rule.hold_seconds)
        return error_response(SandboxError(504, "REQUEST_TIMEOUT", "Injected timeout"))
    processed = await handler(request)
    await asyncio.sleep(rule.hold_seconds)
    return processed


@web.middleware
async def authenticate(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Both keys on server routes; the public key alone on SDK routes."""
    if not request.path.startswith(API_PREFIX):
        return await handler(request)
    config = request.app[SANDBOX].config
    public = request.headers.get("public-api-key", "")
    private = request.headers.get("private-secret-key")
    sdk = is_sdk_route(request)
    public_ok = hmac.compare_digest(public, config.public_api_key)
    private_ok = (sdk and private is None) or hmac.compare_digest(
        private or "", config.private_secret_key
    )
    if not (public_ok and private_ok):
        message = (
            "Invalid public-api-key (SDK routes take the public key alone)"
            if sdk
            else "Invalid public-api-key or private-secret-key"
        )
        raise SandboxError(401, "INVALID_CREDENTIALS", message)
    return await handler(request)


#: The SDK routes as path patterns: a CORS preflight (OPTIONS) matches no route of its own.
_SDK_PATHS = tuple(
    re.compile(re.sub(r"\{[^}]+\}", "[^/]+", template) + "$") for template in SDK_ROUTES
)


def is_sdk_route(request: web.Request) -> bool:
    path = request.path
    return path.startswith("/v1/sdk/") or any(p.match(path) for p in _SDK_PATHS)


#: What a browser page may send to the SDK routes.
SDK_CORS_HEADERS = "content-type, public-api-key, x-idempotency-key"


@web.middleware
async def sdk_cors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The SDK routes answer pages of the configured origins (as Yuno's SDK calls Yuno
    from the shopper's browser); server routes never do."""
    origin = request.headers.get("Origin")
    allowed = origin is not None and origin in request.app[SANDBOX].config.cors_origins
    if not (allowed and request.path.startswith(API_PREFIX) and is_sdk_route(request)):
        return await handler(request)
    if request.method == "OPTIONS":
        response: web.StreamResponse = web.Response(status=204)
        response.headers["Access-Control-Allow-Methods"] = "GET, POST"
        response.headers["Access-Control-Allow-Headers"] = SDK_CORS_HEADERS
        response.headers["Access-Control-Max-Age"] = "600"
    else:
        response = await handler(request)
    response.headers["Access-Control-Allow-Origin"] = origin or ""
    response.headers["Vary"] = "Origin"
    return response


@web.middleware
async def deduplicate(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Replay or reserve idempotency keys, then wait the configured latency and handle."""
    if not request.path.startswith(API_PREFIX):
        return await handler(request)
    sandbox = request.app[SANDBOX]
    scope = route_template(request)
    if request.method != "POST" or scope not in IDEMPOTENT_ROUTES:
        await _pause(request)
        return await handler(request)
    key = request.headers.get(IDEMPOTENCY_HEADER)
    if not key:
        raise SandboxError(400, "MISSING_PARAMETERS", f"{IDEMPOTENCY_HEADER} header is required")
    stored = sandbox.idempotency.begin(scope, key, sandbox.now())
    if stored is not None:
        return web.Response(body=stored.body, status=stored.status, content_type="application/json")
    try:
        await _pause(request)
        response = await handler(request)
    except SandboxError as error:  # answered with Yuno's error body by ``translate``
        sandbox.idempotency.finish(scope, key, error.status, b"", sandbox.now(), error.code)
        raise
    except BaseException:
        sandbox.idempotency.abandon(scope, key)
        raise
    body = response.body if isinstance(response, web.Response) else None
    raw = bytes(body) if isinstance(body, bytes | bytearray) else b""
    sandbox.idempotency.finish(scope, key, response.status, raw, sandbox.now(), _code(raw))
    return response


def _code(raw: bytes) -> str | None:
    """The ``code`` of an error body, if it is one."""
    try:
        document = loads(raw) if raw else None
    except SandboxError:
        return None
    code = document.get("code") if isinstance(document, dict) else None
    return code if isinstance(code, str) else None


async def _pause(request: web.Request) -> None:
    latency_ms = request.app[SANDBOX].latency_ms
    if latency_ms > 0:
        await asyncio.sleep(latency_ms / 1000)


MIDDLEWARES = (sdk_cors, translate, inject, authenticate, deduplicate)
