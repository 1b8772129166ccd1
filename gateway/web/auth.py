"""Authentication at the edge: every GraphQL request gets a principal before it runs.

Bad credentials are refused here with 401 and one generic ``UNAUTHENTICATED`` error, before
any parsing; no credentials make an anonymous principal, which may only read public fields
(the schema's guard decides that, since it needs the parsed operation).

Failed authentications are counted per client address: past ``failures_per_minute`` in a
minute, every request with credentials from that address answers 429 ``RATE_LIMITED``
before its credentials are even checked, so guessing keys or forging tokens stays slow.
"""

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from aiohttp import web
from aiohttp.typedefs import Handler

from gateway.auth import ANONYMOUS, Principal
from gateway.auth.authenticator import Authenticator, Unauthenticated
from gateway.web.errors import error_response, retry_after

if TYPE_CHECKING:  # ratelimit imports this module; the limiter is only passed in
    from gateway.web.ratelimit import RateLimiter

PRINCIPAL: web.RequestKey[Principal] = web.RequestKey("principal")
GUARDED_PATHS = frozenset({"/graphql"})


def unauthenticated(request: web.Request, refusal: Unauthenticated) -> web.Response:
    """401 with RFC 6750's ``WWW-Authenticate``: what was wrong with the credentials, so a
    developer can fix it; the body is the same generic one for every refusal."""
    description = refusal.description.replace('"', "'")
    challenge = f'Bearer error="{refusal.error}", error_description="{description}"'
    return error_response(
        request,
        401,
        "Missing, invalid or expired credentials.",
        "UNAUTHENTICATED",
        headers={"WWW-Authenticate": challenge},
    )


def rate_limited(request: web.Request, wait: float) -> web.Response:
    """429 with ``Retry-After``: the whole seconds until the window turns, at least 1."""
    return error_response(
        request,
        429,
        "Too many requests; retry later.",
        "RATE_LIMITED",
        headers={"Retry-After": retry_after(wait)},
    )


def authentication(
    authenticator: Authenticator,
    limiter: Callable[[], "RateLimiter"],
    failures_per_minute: int,
) -> Callable[..., Awaitable[web.StreamResponse]]:
    @web.middleware
    async def authenticate(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path not in GUARDED_PATHS:
            return await handler(request)
        given = request.headers.get("Authorization")
        failures = f"auth-failures:address:{request.remote}"
        if given is not None:
            wait = await limiter().exhausted(failures, failures_per_minute)
            if wait is not None:
                return rate_limited(request, wait)
        try:
            request[PRINCIPAL] = authenticator.authenticate(given)
        except Unauthenticated as refusal:
            await limiter().retry_after(failures, failures_per_minute)
            return unauthenticated(request, refusal)
        return await handler(request)

    return authenticate


def principal_of(request: web.Request) -> Principal:
    """Set by ``authentication`` on every guarded path; anonymous anywhere else."""
    return request[PRINCIPAL] if request.path in GUARDED_PATHS else ANONYMOUS
