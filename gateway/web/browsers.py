"""What browsers may do across origins: CORS for allowed origins, and CSRF protection.

A request a browser can send cross-site without a preflight (a GET, or a POST with a
"simple" content type) is refused unless it carries a header that forces a preflight, the
way Apollo Router does it: ``apollo-require-preflight``, ``x-apollo-operation-name``, or
``Authorization`` (which no cross-site form can set). Non-JSON POSTs are already refused
(415), so what is left to check here is GET with a query.
"""

from collections.abc import Awaitable, Callable, Iterable

from aiohttp import web
from aiohttp.typedefs import Handler

from gateway.web.errors import error_response

PREFLIGHT_HEADERS = ("apollo-require-preflight", "x-apollo-operation-name", "authorization")
ALLOWED_HEADERS = "Authorization, Content-Type, Accept, X-Request-ID, " + ", ".join(
    PREFLIGHT_HEADERS[:2]
)


def csrf_refusal(request: web.Request) -> web.Response | None:
    if request.method != "GET" or not ("query" in request.query or "extensions" in request.query):
        return None
    if any(name in request.headers for name in PREFLIGHT_HEADERS):
        return None
    return error_response(
        request,
        400,
        "This GET could be a cross-site request forgery: send it with an "
        "'apollo-require-preflight: true' header, or use POST with JSON.",
        "CSRF_PREVENTED",
    )


def cors(origins: Iterable[str]) -> Callable[..., Awaitable[web.StreamResponse]]:
    allowed = frozenset(origins)

    @web.middleware
    async def apply_cors(request: web.Request, handler: Handler) -> web.StreamResponse:
        origin = request.headers.get("Origin")
        if origin is None or origin not in allowed:
            return await handler(request)
        if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
            response: web.StreamResponse = web.Response(status=204)
            response.headers["Access-Control-Allow-Methods"] = "GET, POST"
            response.headers["Access-Control-Allow-Headers"] = ALLOWED_HEADERS
            response.headers["Access-Control-Max-Age"] = "600"
        else:
            response = await handler(request)
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Vary"] = "Origin"
        response.headers["Access-Control-Expose-Headers"] = "X-Request-ID"
        return response

    return apply_cors
