"""Every GraphQL error body the edge writes itself (before or instead of execution), built
in one place: ``{"errors": [{"message", "extensions": {"code", "requestId"}}]}``, the shape
strawberry's own errors have once ``ErrorCodes`` has given them a code and request id."""

from collections.abc import Mapping

from aiohttp import web

from gateway.web.middlewares import REQUEST_ID


def error_body(
    message: str, code: str, request_id: str | None = None, **extensions: object
) -> dict[str, object]:
    facts: dict[str, object] = {"code": code, **extensions}
    if request_id is not None:
        facts["requestId"] = request_id
    return {"errors": [{"message": message, "extensions": facts}]}


def error_response(
    request: web.BaseRequest | None,
    status: int,
    message: str,
    code: str,
    *,
    headers: Mapping[str, str] | None = None,
) -> web.Response:
    """The JSON answer; ``request`` gives the request id (None before a request exists)."""
    request_id = request.get(REQUEST_ID) if request is not None else None
    return web.json_response(error_body(message, code, request_id), status=status, headers=headers)


def retry_after(wait: float) -> str:
    """``Retry-After``: whole seconds until the window turns, at least 1."""
    return str(max(1, int(wait + 0.999)))
