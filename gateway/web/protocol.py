"""The HTTP/1 connection below the app: what is answered before any handler runs.

A request aiohttp cannot parse (a header or the request line past 8 KB, too many headers,
broken framing) never reaches a middleware. aiohttp answers it itself with a text body that
quotes the start of the offending line, often a bearer token, and logs a traceback with the
same bytes. Here it gets a short JSON error instead (431 for a line too long, else 400) and
one log line naming only the kind of fault. Anything else keeps aiohttp's handling.

aiohttp has no hook for this (aio-libs/aiohttp#3287): ``answer_unparsable_requests`` makes
a set-up runner's connections ``RequestHandler`` objects of ours; ``gateway.server`` calls it.
"""

import logging
from http import HTTPStatus

from aiohttp import web, web_protocol
from aiohttp.http_exceptions import BadHttpMethod, HttpProcessingError, LineTooLong

from gateway.web.errors import error_response

log = logging.getLogger(__name__)


def refusal(exc: HttpProcessingError) -> web.Response:
    """The answer to a request that could not be parsed; nothing of the request in it."""
    if isinstance(exc, LineTooLong):
        status, code = HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "HEADERS_TOO_LARGE"
        message = "A header or the request line is longer than 8 KB."
    else:
        status, code, message = HTTPStatus.BAD_REQUEST, "BAD_REQUEST", "Malformed HTTP request."
    response = error_response(None, status, message, code)
    response.force_close()
    return response


class RequestHandler(web_protocol.RequestHandler):
    __slots__ = ()  # the same layout as aiohttp's, so a connection can become one

    def handle_error(
        self,
        request: web.BaseRequest,
        status: int = 500,
        exc: BaseException | None = None,
        message: str | None = None,
    ) -> web.StreamResponse:
        if not isinstance(exc, HttpProcessingError):
            return super().handle_error(request, status, exc, message)
        # Non-HTTP traffic (TLS to a plain port, scanners) is noise on a public port.
        level = logging.DEBUG if isinstance(exc, BadHttpMethod) else logging.INFO
        log.log(level, "unparsable HTTP request from %s: %s", request.remote, type(exc).__name__)
        return refusal(exc)


class _Server(web.Server):
    """The runner's connection factory, unchanged but for the class of what it makes."""

    def __call__(self) -> web_protocol.RequestHandler:
        connection = super().__call__()
        connection.__class__ = RequestHandler
        return connection


def answer_unparsable_requests(runner: web.BaseRunner) -> None:
    """Call after ``runner.setup()``: from then on its connections answer unparsable
    requests as above. aiohttp builds the server and its connections itself, with no
    parameter for the handler class, so the one public handle (``runner.server``) gets
    a subclass that differs in nothing else; tests/web/test_big_headers.py pins it."""
    server = runner.server
    if server is None:
        raise RuntimeError("answer_unparsable_requests() needs runner.setup() first")
    server.__class__ = _Server
