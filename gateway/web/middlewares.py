"""Middlewares every request passes: a request id, accepted from the caller or made here."""

import re
import uuid

from aiohttp import web
from aiohttp.typedefs import Handler

REQUEST_ID = web.RequestKey("request_id", str)
REQUEST_ID_HEADER = "X-Request-ID"
_ACCEPTABLE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


@web.middleware
async def request_id(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Carry the caller's id (when it is a sane one) so logs on both sides line up."""
    given = request.headers.get(REQUEST_ID_HEADER, "")
    request[REQUEST_ID] = given if _ACCEPTABLE_ID.match(given) else uuid.uuid4().hex
    response = await handler(request)
    response.headers[REQUEST_ID_HEADER] = request[REQUEST_ID]
    return response
