"""The log of /v1 requests the emulator served, which tests assert on instead of mocks.

It records what a test needs to prove behaviour (call counts, idempotency keys, request
ids, injected faults) and never a credential header.
"""

from dataclasses import asdict, dataclass
from datetime import datetime

from gateway.sandbox.wire import JsonObject, timestamp


@dataclass(frozen=True)
class RequestRecord:
    """One /v1 request; ``status`` is None when the connection was dropped."""

    method: str
    path: str
    query: str
    status: int | None
    idempotency_key: str | None
    request_id: str | None
    fault: str | None
    at: datetime
    body: str
    #: The W3C trace context the caller sent, as Yuno's own tracing would see it.
    traceparent: str | None = None

    def to_json(self) -> JsonObject:
        document = asdict(self)
        document["at"] = timestamp(self.at)
        return document
