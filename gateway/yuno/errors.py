"""Every way a Yuno call can fail, as one exception tree, and the one function that maps a
response to it.

    YunoError
    ├── YunoRequestError        Yuno refused the request: 4xx with ``{code, messages}``
    │   ├── YunoNotFound        CUSTOMER_NOT_FOUND, PAYMENT_NOT_FOUND, ... or HTTP 404
    │   ├── YunoRequestInProcess  REQUEST_IN_PROCESS: a twin with the same idempotency key runs
    │   └── YunoIdempotencyConflict IDEMPOTENCY_DUPLICATED or 409: the key was spent by a
    │                               request that failed; only a new key can go through
    ├── YunoAuthError           401/403: the gateway's own credentials are wrong or not allowed
    ├── YunoUnavailable         Yuno gave no usable answer; the same request may succeed later
    │   ├── YunoTimeout         no answer within the timeout
    │   ├── YunoConnectionError the connection failed or was dropped
    │   │   └── YunoConnectFailed   it could not even be made: the request never left
    │   ├── YunoServerError     5xx or 429
    │   └── YunoCircuitOpen     not even tried: the breaker is open after repeated failures
    ├── YunoProtocolError       a 2xx whose body is not what Yuno documents
    └── YunoRequestNotSent      the gateway refused to send a malformed request (a bug of ours)

Errors carry facts (HTTP status, Yuno code, messages, request id), never credentials.
Only ``transport.py`` catches aiohttp and asyncio exceptions, and re-raises them from here.
"""

from collections.abc import Sequence

import orjson

#: Yuno's codes for "no such resource"; Yuno answers most of them with HTTP 400, not 404.
NOT_FOUND_CODES = frozenset(
    {
        "NOT_FOUND",
        "CUSTOMER_NOT_FOUND",
        "PAYMENT_NOT_FOUND",
        "CHECKOUT_SESSION_NOT_FOUND",
        "TRANSACTION_NOT_FOUND",
    }
)


class YunoError(Exception):
    """Base of every failure of a Yuno call."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        code: str | None = None,
        messages: Sequence[str] = (),
        request_id: str | None = None,
        retry_after: float = 0.0,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.messages = tuple(messages)
        self.request_id = request_id
        #: Seconds Yuno asked us to wait before trying again (429's ``Retry-After``).
        self.retry_after = retry_after


class YunoRequestError(YunoError):
    """Yuno understood the request and refused it; retrying the same request will not help."""


class YunoNotFound(YunoRequestError):
    """The resource does not exist (or, for sessions, is no longer active)."""


class YunoRequestInProcess(YunoRequestError):
    """The first request with this idempotency key is still running at Yuno."""


class YunoIdempotencyConflict(YunoRequestError):
    """The idempotency key belongs to an earlier request that was processed and failed
    (or, with 409, conflicts with another resource): the same key will never succeed."""


class YunoAuthError(YunoError):
    """Yuno rejected the gateway's keys: a configuration problem, never the client's."""


class YunoUnavailable(YunoError):
    """Yuno could not answer now; safe requests are retried, then this reaches the caller."""


class YunoTimeout(YunoUnavailable):
    """No answer in time. For a write the outcome is unknown: retry with the same key."""


class YunoConnectionError(YunoUnavailable):
    """The connection could not be made or was dropped before an answer."""


class YunoConnectFailed(YunoConnectionError):
    """No connection could be made (refused, or not within the connect timeout): unlike a
    read timeout, this request certainly never reached Yuno, so no write happened."""


class YunoServerError(YunoUnavailable):
    """Yuno answered 5xx, or 429 (too many requests; ``retry_after`` says how long to wait)."""


class YunoCircuitOpen(YunoUnavailable):
    """Not sent: the circuit breaker is open after repeated upstream failures."""


class YunoProtocolError(YunoError):
    """A successful status with a body that does not match Yuno's documented shape."""


class YunoRequestNotSent(YunoError):
    """The request was never sent: a header or path it would carry is malformed."""


def error_from_response(
    status: int, body: bytes, *, request_id: str | None = None, retry_after: float = 0.0
) -> YunoError:
    """Map one non-2xx Yuno response to its place in the tree, keeping Yuno's code."""
    code, messages = _parse_error_body(body)
    summary = f"Yuno answered {status} {code or ''}".rstrip()
    return _error_class(status, code)(
        summary,
        status=status,
        code=code,
        messages=messages,
        request_id=request_id,
        retry_after=retry_after,
    )


def _error_class(status: int, code: str | None) -> type[YunoError]:
    if status in (401, 403):
        return YunoAuthError
    if status == 429 or status >= 500:
        return YunoServerError
    if status == 404 or code in NOT_FOUND_CODES:
        return YunoNotFound
    if code == "REQUEST_IN_PROCESS":
        return YunoRequestInProcess
    if code == "IDEMPOTENCY_DUPLICATED" or status == 409:
        return YunoIdempotencyConflict
    return YunoRequestError


def _parse_error_body(body: bytes) -> tuple[str | None, list[str]]:
    try:
        parsed = orjson.loads(body) if body else None
    except orjson.JSONDecodeError:
        return None, []
    if not isinstance(parsed, dict):
        return None, []
    code = parsed.get("code")
    raw_messages = parsed.get("messages") or parsed.get("message") or []
    if isinstance(raw_messages, str):
        raw_messages = [raw_messages]
    messages = [str(m) for m in raw_messages] if isinstance(raw_messages, list) else []
    return (str(code) if code else None), messages
