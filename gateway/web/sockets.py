"""graphql-transport-ws, held to the same rules as HTTP.

A socket must authenticate (a header on the upgrade, or ``connection_init``'s payload):
anonymous callers may run nothing over it that they may not run over HTTP, and a socket
is where they could otherwise run it without a rate limit. Each ``subscribe`` message
counts against the caller's rate limit as one HTTP request does, so one socket cannot
turn into thousands of Yuno calls. A socket authenticated with a token that expires is
closed when the token does.
"""

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from typing import Any, cast

from graphql import GraphQLFormattedError
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage,
    ErrorMessage,
    Message,
    SubscribeMessage,
)

from gateway.auth import Principal
from gateway.web.errors import error_body, retry_after

#: Seconds until the caller may run another operation, or None when it may now.
Admission = Callable[[Principal], Awaitable[float | None]]

#: graphql-transport-ws close codes (4403: forbidden; 4408 is the init timeout's).
TOKEN_EXPIRED = 4403

#: The code of strawberry's own refusals, which it sends without one, by their message.
REFUSALS = {"Subscription limit reached": "TOO_MANY_OPERATIONS"}


class GuardedTransportWS(BaseGraphQLTransportWSHandler[Any, None]):
    """The view it serves may carry an ``admission`` (see ``GraphQLView``)."""

    _expiry: "asyncio.Task[None] | None" = None

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        await super().handle_connection_init(message)
        if self.connection_acknowledged:
            self._close_when_expired(getattr(self.context.principal, "expires_at", None))

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        admission: Admission | None = getattr(self.view, "admission", None)
        if self.connection_acknowledged and admission is not None:
            wait = await admission(self.context.principal)
            if wait is not None:
                body = error_body(
                    "Too many requests; retry later.",
                    "RATE_LIMITED",
                    self.context.request_id,
                    retryAfter=int(retry_after(wait)),
                )
                payload = cast("list[GraphQLFormattedError]", body["errors"])
                await self.send_message(
                    ErrorMessage(id=message["id"], type="error", payload=payload)
                )
                return
        await super().handle_subscribe(message)

    async def send_message(self, message: Message) -> None:
        if message["type"] == "error":
            for error in message["payload"]:
                extensions = error.setdefault("extensions", {})
                if "code" not in extensions:
                    extensions["code"] = REFUSALS.get(error["message"], "INTERNAL_SERVER_ERROR")
                extensions.setdefault("requestId", self.context.request_id)
        await super().send_message(message)

    def _close_when_expired(self, expires_at: float | None) -> None:
        if expires_at is None:
            return
        self._expiry = asyncio.create_task(self._expire(expires_at - time.time()))

    async def _expire(self, delay: float) -> None:
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.sleep(max(0.0, delay))
            await self.websocket.close(code=TOKEN_EXPIRED, reason="Token expired")

    async def shutdown(self) -> None:
        if self._expiry is not None:
            self._expiry.cancel()
        await super().shutdown()
