"""What an unexpected failure looks like to a client: a stable code, a plain message, the
request id, and nothing internal (no stack trace, no Yuno message, no key).

Expected failures are ``userErrors`` in payloads; what reaches here is either a request the
server could not run (parse, validation, variables: the message explains it and is kept) or
a failure inside a resolver, which is masked and mapped to a public code:

    YunoUnavailable (timeout, outage, open breaker) → UPSTREAM_UNAVAILABLE
    YunoAuthError (the gateway's Yuno keys)         → UPSTREAM_UNAVAILABLE (logged as config)
    YunoProtocolError (an answer we cannot read)    → UPSTREAM_PROTOCOL_ERROR
    YunoRequestError (a refusal not expected here)  → UPSTREAM_REJECTED
    YunoRequestNotSent (a malformed call of ours)   → UPSTREAM_REQUEST_NOT_SENT
    PublicError (raised with its own code)          → its code and message
    anything else                                   → INTERNAL_SERVER_ERROR
"""

import logging
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import SchemaExtension

from gateway.yuno.errors import (
    YunoAuthError,
    YunoError,
    YunoProtocolError,
    YunoRequestError,
    YunoRequestNotSent,
    YunoUnavailable,
)

log = logging.getLogger(__name__)


class PublicError(Exception):
    """A failure whose message is safe to show as is, with its own stable code."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


#: Each Yuno failure class and the public code it becomes; a test checks every class is here.
YUNO_ERROR_CODES: dict[type[YunoError], str] = {
    YunoUnavailable: "UPSTREAM_UNAVAILABLE",
    YunoAuthError: "UPSTREAM_UNAVAILABLE",
    YunoProtocolError: "UPSTREAM_PROTOCOL_ERROR",
    YunoRequestError: "UPSTREAM_REJECTED",
    YunoRequestNotSent: "UPSTREAM_REQUEST_NOT_SENT",
}

MESSAGES = {
    "UPSTREAM_UNAVAILABLE": "The payments provider is unavailable; try again shortly.",
    "UPSTREAM_PROTOCOL_ERROR": "The payments provider answered unexpectedly.",
    "UPSTREAM_REJECTED": "The payments provider refused the request.",
    "UPSTREAM_REQUEST_NOT_SENT": "The request could not be sent to the payments provider.",
    "INTERNAL_SERVER_ERROR": "Unexpected error.",
}


def public_code(error: BaseException) -> str:
    if isinstance(error, PublicError):
        return error.code
    for kind in type(error).__mro__:
        if kind in YUNO_ERROR_CODES:
            return YUNO_ERROR_CODES[kind]
    return "INTERNAL_SERVER_ERROR"


def request_error_code(message: str) -> str:
    """The code of an error that stopped the request before execution, by its message."""
    if message.startswith("Syntax Error"):
        return "GRAPHQL_PARSE_FAILED"
    if message.startswith("Variable "):
        return "BAD_USER_INPUT"
    return "GRAPHQL_VALIDATION_FAILED"


def public_error(raised: Exception, path: list[str | int], request_id: str | None) -> GraphQLError:
    """What a resolver's failure looks like to the client, logged once here."""
    error = GraphQLError(str(raised), path=path, original_error=raised)
    make_public(error, request_id)
    return error


def make_public(error: GraphQLError, request_id: str | None) -> None:
    """Give ``error`` its public code, message and the request id, in place: errors that
    stopped the request keep their message (it explains what to fix), errors raised while
    resolving are masked and logged. Idempotent: an error made public stays as it is."""
    extensions = error.extensions or {}
    if extensions.get("requestId") is not None and extensions.get("code") is not None:
        return
    original = error.original_error
    raised = isinstance(original, PublicError | YunoError)  # a subscription's source too
    if original is None or (error.path is None and not raised):
        code = extensions.get("code") or request_error_code(error.message)
    else:
        code = public_code(original)
        error.message = str(original) if isinstance(original, PublicError) else MESSAGES[code]
        _log(error, original, code, request_id)
    error.extensions = {"code": code, "requestId": request_id}


class ErrorCodes(SchemaExtension):
    """Gives every error a public code and the request id, and masks unexpected ones
    (subscriptions' events get the same from ``GatewaySchema.process_errors``)."""

    def on_operation(self) -> Iterator[None]:
        yield
        errors = result_errors(self.execution_context.result)
        request_id = getattr(self.execution_context.context, "request_id", None)
        for error in errors:
            make_public(error, request_id)


def result_errors(result: object) -> list[GraphQLError]:
    """An operation's errors: of its result, or of the initial result of an incremental
    (``@defer``) one, whose later frames carry their own (see ``fields``)."""
    initial = getattr(result, "initial_result", result)
    errors = getattr(initial, "errors", None)
    return list(errors or [])


def _log(error: GraphQLError, original: BaseException, code: str, request_id: str | None) -> None:
    facts = {"request_id": request_id, "path": error.path, "code": code}
    if code == "INTERNAL_SERVER_ERROR":
        log.error("resolver failed", exc_info=original, extra=facts)
    elif not isinstance(original, PublicError):
        log.warning("upstream failure: %s", type(original).__name__, extra=facts)
