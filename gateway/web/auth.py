"""Authentication at the edge: every GraphQL request gets a principal before it runs.

Bad credentials are refused here with 401 and one generic ``UNAUTHENTICATED`` error, before
any parsing; no credentials make an anonymous principal, which may only read public fields
(the schema's guard decides that, since it needs the parsed operation).
"""

from collections.abc import Awaitable, Callable

from aiohttp import web

from gateway.auth import ANONYMOUS, Principal
from gateway.auth.authenticator import Authenticator, Unauthenticated

PRINCIPAL: web.RequestKey[Principal] = web.RequestKey("principal")
GUARDED_PATHS = frozenset({"/graphql"})

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

UNAUTHENTICATED_BODY = {
    "errors": [
        {
            "message": "Missing, invalid or expired credentials.",
            "extensions": {"code": "UNAUTHENTICATED"},
        }
    ]
}


def unauthenticated() -> web.Response:
    return web.json_response(
        UNAUTHENTICATED_BODY, status=401, headers={"WWW-Authenticate": "Bearer"}
    )


def authentication(authenticator: Authenticator) -> Callable[..., Awaitable[web.StreamResponse]]:
    @web.middleware
    async def authenticate(request: web.Request, handler: Handler) -> web.StreamResponse:
        if request.path not in GUARDED_PATHS:
            return await handler(request)
        try:
            request[PRINCIPAL] = authenticator.authenticate(request.headers.get("Authorization"))
        except Unauthenticated:
            return unauthenticated()
        return await handler(request)

    return authenticate


def principal_of(request: web.Request) -> Principal:
    """Set by ``authentication`` on every guarded path; anonymous anywhere else."""
    return request[PRINCIPAL] if request.path in GUARDED_PATHS else ANONYMOUS
