"""What the emulator's HTTP server writes to the log: methods, routes, statuses, sizes.

Never request bytes. aiohttp's own logging quotes them: a request line too long for its
parser is logged (and answered) with its first hundred bytes, and the default access log
writes every query string. A ``merchant_customer_id`` can hold anything, a card number
included, so these replacements log what was asked of which route and how big it was,
and an exception by its type and the length of its message.
"""

import logging
from collections.abc import Mapping, MutableMapping
from typing import Any

from aiohttp import web
from aiohttp.abc import AbstractAccessLogger
from aiohttp.web_request import BaseRequest
from aiohttp.web_response import StreamResponse

_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
NO_ROUTE = "(no route)"
#: Set by the outermost middleware; absent when the request never reached the app
#: (a parser error), which is why the access log does not resolve the route itself.
ROUTE: web.RequestKey[str] = web.RequestKey("route", str)


def described(error: BaseException) -> str:
    """An exception as the log may show it: its type and how long its text is."""
    return f"{type(error).__name__} (message of {len(str(error))} characters withheld)"


class ServerLog(logging.LoggerAdapter[logging.Logger]):
    """aiohttp's server logger, with each exception reduced to :func:`described`."""

    def process(
        self, msg: Any, kwargs: MutableMapping[str, Any]
    ) -> tuple[Any, MutableMapping[str, Any]]:
        error = kwargs.pop("exc_info", None)
        if isinstance(error, BaseException):
            return f"{msg}: {described(error)}", kwargs
        return msg, kwargs


class RouteAccessLog(AbstractAccessLogger):
    """One line per request: method, route template, status, body size, duration."""

    def log(self, request: BaseRequest, response: StreamResponse, time: float) -> None:
        self.logger.info(
            '"%s %s" %s, %d bytes in, %d bytes out, %.3fs',
            request.method if request.method in _METHODS else "OTHER",
            request.get(ROUTE, NO_ROUTE),
            response.status,
            request.content_length or 0,
            response.body_length,
            time,
        )

    @property
    def enabled(self) -> bool:
        return self.logger.isEnabledFor(logging.INFO)


def route_of(request: web.Request) -> str:
    """The matched route's template (``/v1/customers/{customer_id}``), never the raw path."""
    resource = request.match_info.route.resource
    return resource.canonical if resource is not None else NO_ROUTE


def server_logging() -> Mapping[str, object]:
    """``handler_args`` for the emulator's application: every runner serving it, the
    command line's and the tests' alike, then logs through the two classes above."""
    return {
        "logger": ServerLog(logging.getLogger("aiohttp.server"), {}),
        "access_log_class": RouteAccessLog,
    }
