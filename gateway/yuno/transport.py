"""The one place that speaks HTTP to Yuno: a pooled session, timeouts, retries, the breaker.

Every aiohttp and asyncio failure is caught here and re-raised as a ``YunoError`` (see
``errors.py``), so nothing above this module knows which HTTP library is in use.
"""

import asyncio
import logging
import math
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import aiohttp
from opentelemetry.trace import SpanKind, Status, StatusCode, Tracer
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
from pydantic import SecretStr
from yarl import URL

from gateway.correlation import current_request_id, yuno_calls
from gateway.yuno.breaker import CircuitBreaker
from gateway.yuno.errors import (
    YunoCircuitOpen,
    YunoConnectFailed,
    YunoConnectionError,
    YunoRequestInProcess,
    YunoRequestNotSent,
    YunoTimeout,
    YunoUnavailable,
    error_from_response,
)
from gateway.yuno.retries import RetryPolicy, is_retry_safe

log = logging.getLogger(__name__)

#: Told of every attempt: method, path, outcome ("ok" or the error class), seconds.
CallObserver = Callable[[str, str, str, float], None]

_HEADER_VALUE = re.compile(r"[\x21-\x7e]{1,255}")

#: W3C ``traceparent`` on each attempt, when traced.
TRACE_CONTEXT = TraceContextTextMapPropagator()

_ID_SEGMENT = re.compile(r"/[0-9a-fA-F-]{16,}|/[^/]*\d[^/]*(?=/|$)")


def route_of(path: str) -> str:
    """Ids out of paths: ``/payments/{id}/transactions/{id}/capture``, for labels and
    span names that must not grow with every id."""
    return _ID_SEGMENT.sub("/{id}", path)


#: Longest ``Retry-After`` honoured; a longer one fails the call instead of stalling it.
MAX_RETRY_AFTER = 2.0


@dataclass(frozen=True)
class Call:
    """One logical Yuno request; retries of it reuse everything, the idempotency key first."""

    method: str
    path: str
    params: Mapping[str, str] | None = None
    body: bytes | None = None
    idempotency_key: str | None = None
    request_id: str | None = None
    #: Headers a few endpoints want besides the keys (``x-account-code``).
    headers: Mapping[str, str] | None = None


@dataclass(frozen=True)
class Credentials:
    public_api_key: str
    private_secret_key: SecretStr


class Transport:
    """Owns the process's one ``aiohttp.ClientSession`` to Yuno; start it, use it, close it."""

    def __init__(
        self,
        base_url: str,
        credentials: Credentials,
        *,
        timeout: aiohttp.ClientTimeout,
        retry: RetryPolicy,
        breaker: CircuitBreaker,
        pool_size: int = 100,
        observer: CallObserver | None = None,
    ) -> None:
        self.observer = observer
        #: Spans for each attempt when tracing is on (``gateway.tracing``).
        self.tracer: Tracer | None = None
        self.base_url = base_url.rstrip("/")
        self._host = URL(self.base_url).host or ""
        self.breaker = breaker
        self._credentials = credentials
        self._timeout = timeout
        self._retry = retry
        self._pool_size = pool_size
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        if self._session is None:
            connector = aiohttp.TCPConnector(limit=self._pool_size, keepalive_timeout=30)
            self._session = aiohttp.ClientSession(
                connector=connector,
                timeout=self._timeout,
                headers={
                    "accept": "application/json",
                    "public-api-key": self._credentials.public_api_key,
                    "private-secret-key": self._credentials.private_secret_key.get_secret_value(),
                },
                middlewares=(_no_hidden_resend,),
            )

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def send(self, call: Call) -> bytes:
        """The body of Yuno's 2xx answer; retried only when that cannot move money twice."""
        if (calls := yuno_calls.get()) is not None:
            calls.count += 1
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._retry.deadline
        retry_safe = is_retry_safe(call.method, call.idempotency_key)
        attempt = 0
        reached = False  # whether any attempt may have reached Yuno
        while True:
            attempt += 1
            try:
                return await self._attempt(call, attempt)
            except (YunoUnavailable, YunoRequestInProcess) as exc:
                never_sent = isinstance(exc, YunoConnectFailed | YunoCircuitOpen)
                reached = reached or not never_sent
                delay = max(self._retry.delay(attempt), exc.retry_after)
                if (
                    isinstance(exc, YunoCircuitOpen)
                    or not retry_safe
                    or attempt >= self._retry.attempts
                    or loop.time() + delay >= deadline
                ):
                    if reached and isinstance(exc, YunoConnectFailed):
                        # This attempt never left, but an earlier one may have been applied.
                        raise YunoTimeout(
                            f"Yuno did not answer {call.method} {call.path} in time"
                        ) from exc
                    raise
                log.info(
                    "retrying Yuno call",
                    extra={"path": call.path, "attempt": attempt, "error": type(exc).__name__},
                )
                await asyncio.sleep(delay)

    async def _attempt(self, call: Call, attempt: int) -> bytes:
        if self.tracer is None:
            return (await self._timed(call))[1]
        route = route_of(call.path)
        # Exceptions are named, never recorded: their messages may quote Yuno's answers.
        with self.tracer.start_as_current_span(
            f"{call.method} {route}",
            kind=SpanKind.CLIENT,
            attributes=self._span_attributes(call.method, route, attempt),
            record_exception=False,
            set_status_on_exception=False,
        ) as span:
            try:
                status, raw = await self._timed(call)
            except BaseException as exc:
                answered = getattr(exc, "status", None)
                if isinstance(answered, int):
                    span.set_attribute("http.response.status_code", answered)
                span.set_attribute("error.type", type(exc).__name__)
                span.set_status(Status(StatusCode.ERROR))
                raise
            span.set_attribute("http.response.status_code", status)
            return raw

    def _span_attributes(self, method: str, route: str, attempt: int) -> dict[str, str | int]:
        attributes: dict[str, str | int] = {
            "http.request.method": method,
            "url.template": route,
            "server.address": self._host,
        }
        if attempt > 1:
            attributes["http.request.resend_count"] = attempt - 1
        return attributes

    async def _timed(self, call: Call) -> tuple[int, bytes]:
        started = time.perf_counter()
        try:
            answer = await self._checked(call)
        except BaseException as exc:
            self._observe(call, type(exc).__name__, started)
            raise
        self._observe(call, "ok", started)
        return answer

    def _observe(self, call: Call, outcome: str, started: float) -> None:
        if self.observer is not None:
            self.observer(call.method, call.path, outcome, time.perf_counter() - started)

    async def _checked(self, call: Call) -> tuple[int, bytes]:
        _check_headers(call)
        if not self.breaker.allow():
            raise YunoCircuitOpen("Yuno calls suspended: circuit breaker open")
        # Every way out of the exchange settles the breaker, so a half-open probe is never
        # left holding the one slot (which would lock the gateway out of Yuno).
        try:
            status, raw = await self._exchange(call)
        except YunoUnavailable:
            self.breaker.record_failure()
            raise
        except Exception as exc:  # whatever else a request can raise counts as a failure
            self.breaker.record_failure()
            raise YunoConnectionError(
                f"Yuno call {call.method} {call.path} failed ({type(exc).__name__})"
            ) from exc
        except BaseException:  # cancelled: no outcome to record, but free the probe
            self.breaker.release_probe()
            raise
        if 200 <= status < 300:
            self.breaker.record_success()
            return status, raw
        error = error_from_response(
            status, raw, request_id=call.request_id or current_request_id.get()
        )
        if isinstance(error, YunoUnavailable):
            self.breaker.record_failure()
        else:
            self.breaker.record_success()
        raise error

    async def _exchange(self, call: Call) -> tuple[int, bytes]:
        if self._session is None:
            raise RuntimeError("Transport.start() was not awaited")
        headers = dict(call.headers or {})
        if call.body is not None:
            headers["content-type"] = "application/json"
        if call.idempotency_key is not None:
            headers["X-Idempotency-Key"] = call.idempotency_key
        request_id = call.request_id or current_request_id.get()
        if request_id is not None:
            headers["X-Request-ID"] = request_id
        if self.tracer is not None:
            TRACE_CONTEXT.inject(headers)  # the attempt's span: Yuno's side joins the trace
        url = self.base_url + call.path
        try:
            async with self._session.request(
                call.method, url, params=call.params, data=call.body, headers=headers
            ) as response:
                raw = await response.read()
                if response.status == 429:
                    raise error_from_response(
                        429,
                        raw,
                        request_id=request_id,
                        retry_after=_wait(response.headers.get("Retry-After")),
                    )
                return response.status, raw
        except (aiohttp.ConnectionTimeoutError, aiohttp.ClientConnectorError) as exc:
            raise YunoConnectFailed(
                f"no connection to Yuno for {call.method} {call.path}: not sent"
            ) from exc
        except TimeoutError as exc:
            raise YunoTimeout(f"Yuno did not answer {call.method} {call.path} in time") from exc
        except (aiohttp.ClientError, _Dropped) as exc:
            raise YunoConnectionError(
                f"connection to Yuno failed during {call.method} {call.path}"
            ) from exc


class _Dropped(Exception):
    """The connection dropped during the exchange (not while connecting)."""


async def _no_hidden_resend(
    request: aiohttp.ClientRequest, handler: aiohttp.ClientHandlerType
) -> aiohttp.ClientResponse:
    """aiohttp resends a GET once, unseen, when a kept-alive connection drops (RFC 9112
    §9.3.1.1); this module owns retries (count, back-off, breaker), so a drop leaves
    aiohttp's request loop as an exception it does not retry. Client middlewares run
    inside that loop: this is its public hook (tests/yuno/test_resilience.py pins it)."""
    try:
        return await handler(request)
    except aiohttp.ClientConnectorError:
        raise  # never connected: nothing was sent, aiohttp does not resend it either
    except (aiohttp.ServerDisconnectedError, aiohttp.ClientOSError) as exc:
        raise _Dropped(type(exc).__name__) from exc


def _check_headers(call: Call) -> None:
    """Header values must be visible ASCII; anything else never leaves, and says why here
    instead of as aiohttp's ``ValueError`` halfway through a request."""
    for name, value in (("idempotency key", call.idempotency_key), ("request id", call.request_id)):
        if value is not None and not _HEADER_VALUE.fullmatch(value):
            raise YunoRequestNotSent(f"refused to send {call.method} {call.path}: bad {name}")


def _wait(retry_after: str | None) -> float:
    """How long a 429 asked us to wait, bounded, for the retry loop to honour."""
    try:
        wait = float(retry_after) if retry_after else 0.0
    except ValueError:
        wait = 0.0
    return min(max(wait, 0.0), MAX_RETRY_AFTER) if math.isfinite(wait) else 0.0
