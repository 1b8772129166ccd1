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


class ErrorCodes(SchemaExtension):
    """Gives every error a public code and the request id, and masks unexpected ones."""

    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not result.errors:
            return
        request_id = getattr(self.execution_context.context, "request_id", None)
        result.errors = [self._public(error, request_id) for error in result.errors]

    def _public(self, error: GraphQLError, request_id: str | None) -> GraphQLError:
        original = error.original_error
        if original is None or error.path is None:
            code = (error.extensions or {}).get("code") or request_error_code(error.message)
            message = error.message
        else:
            code = public_code(original)
            message = str(original) if isinstance(original, PublicError) else MESSAGES[code]
            self._log(error, original, code, request_id)
        return GraphQLError(
            message,
            nodes=error.nodes,
            source=error.source,
            positions=error.positions,
            path=error.path,
            extensions={"code": code, "requestId": request_id},
        )

    @staticmethod
    def _log(
        error: GraphQLError, original: BaseException, code: str, request_id: str | None
    ) -> None:
        facts = {"request_id": request_id, "path": error.path, "code": code}
        if code == "INTERNAL_SERVER_ERROR":
            log.error("resolver failed", exc_info=original, extra=facts)
        elif not isinstance(original, PublicError):
            log.warning("upstream failure: %s", type(original).__name__, extra=facts)
