"""``/_sandbox``: unauthenticated controls for tests and benchmarks running out of process.

Each endpoint mirrors a method of :class:`~gateway.sandbox.state.Sandbox`, so in-process
tests call the method and external tools call the endpoint; none of these requests is
logged, faulted or delayed.

They are unauthenticated, so a web page the developer has open must not be able to reach
them: a change is taken only as JSON (which a cross-site form or ``text/plain`` fetch
cannot send without a CORS preflight, which is never granted here), and never from a
request a browser marks as cross-site or sends with another origin.
"""

from decimal import Decimal

from aiohttp import web
from aiohttp.typedefs import Handler

from gateway.sandbox.errors import invalid
from gateway.sandbox.faults import rule_from_json
from gateway.sandbox.state import SANDBOX
from gateway.sandbox.wire import json_response, load_object


async def list_requests(request: web.Request) -> web.Response:
    records = [record.to_json() for record in request.app[SANDBOX].requests]
    return json_response({"requests": records})


async def clear_requests(request: web.Request) -> web.Response:
    request.app[SANDBOX].clear_requests()
    return web.Response(status=204)


async def add_fault(request: web.Request) -> web.Response:
    sandbox = request.app[SANDBOX]
    body = load_object(await request.read())
    seed = body.get("seed")
    if seed is not None:
        if isinstance(seed, bool) or not isinstance(seed, int):
            raise invalid("seed must be an integer")
        sandbox.faults.seed(seed)
    rule = sandbox.add_fault(rule_from_json(body))
    return json_response(rule.to_json(), status=201)


async def clear_faults(request: web.Request) -> web.Response:
    request.app[SANDBOX].clear_faults()
    return web.Response(status=204)


async def set_latency(request: web.Request) -> web.Response:
    body = load_object(await request.read())
    latency = body.get("latency_ms")
    if isinstance(latency, bool) or not isinstance(latency, int | Decimal) or latency < 0:
        raise invalid("latency_ms must be a non-negative number")
    request.app[SANDBOX].set_latency(float(latency))
    return json_response({"latency_ms": latency})


async def set_webhook(request: web.Request) -> web.Response:
    """``{"url", "secret", "api_key", "header_secret", "version"}``: where deliveries go and
    how they are authenticated (HMAC, ``x-api-key``/``x-secret``), v2 or legacy v1 shape."""
    body = load_object(await request.read())
    url, secret = _text_or_null(body, "url"), _text_or_null(body, "secret")
    version = body.get("version", 2)
    if version not in (1, 2):
        raise invalid("version must be 1 or 2")
    request.app[SANDBOX].configure_webhook(
        url,
        secret,
        api_key=_text_or_null(body, "api_key"),
        header_secret=_text_or_null(body, "header_secret"),
        version=2 if version == 2 else 1,
    )
    return json_response({"url": url, "secret_set": secret is not None})


def _text_or_null(body: dict[str, object], name: str) -> str | None:
    value = body.get(name)
    if not isinstance(value, str | None):
        raise invalid(f"{name} must be a string or null")
    return value


async def list_webhooks(request: web.Request) -> web.Response:
    """Every delivery attempt so far: body, headers and the receiver's status."""
    sent = request.app[SANDBOX].webhooks.sent
    return json_response(
        {
            "deliveries": [
                {"body": s.body.decode(), "headers": s.headers, "status": s.status} for s in sent
            ]
        }
    )


async def reset(request: web.Request) -> web.Response:
    request.app[SANDBOX].reset()
    return web.Response(status=204)


_SAFE = frozenset({"GET", "HEAD", "OPTIONS"})


@web.middleware
async def same_site_json(request: web.Request, handler: Handler) -> web.StreamResponse:
    if not request.path.startswith("/_sandbox/") or request.method in _SAFE:
        return await handler(request)
    origin = request.headers.get("Origin")
    if request.headers.get("Sec-Fetch-Site") == "cross-site" or (
        origin is not None and origin not in _own_origins(request)
    ):
        return web.json_response(
            {"code": "FORBIDDEN", "messages": ["cross-site requests may not change the emulator"]},
            status=403,
        )
    if request.body_exists and request.content_type != "application/json":
        return web.json_response(
            {"code": "UNSUPPORTED_MEDIA_TYPE", "messages": ["send application/json"]},
            status=415,
        )
    return await handler(request)


def _own_origins(request: web.Request) -> set[str]:
    return {f"{scheme}://{request.host}" for scheme in ("http", "https")}


def routes() -> list[web.RouteDef]:
    return [
        web.get("/_sandbox/requests", list_requests),
        web.delete("/_sandbox/requests", clear_requests),
        web.post("/_sandbox/faults", add_fault),
        web.delete("/_sandbox/faults", clear_faults),
        web.put("/_sandbox/latency", set_latency),
        web.put("/_sandbox/webhook", set_webhook),
        web.get("/_sandbox/webhooks", list_webhooks),
        web.post("/_sandbox/reset", reset),
    ]
