"""JSON in and out the way Yuno writes it: exact decimals, UTC timestamps, uuid4 ids.

Amounts are decimals in major units; parsing floats as :class:`~decimal.Decimal` and
serialising them verbatim keeps ``26.9`` from ever becoming ``26.899999``.
"""

import uuid
from datetime import UTC, datetime
from typing import TypeAlias

from aiohttp import web

from gateway.sandbox.errors import SandboxError
from gateway.yuno import wire as yuno_wire

JsonObject: TypeAlias = dict[str, object]


def new_id() -> str:
    """A fresh resource id; Yuno's ids are uuid4 strings."""
    return str(uuid.uuid4())


def timestamp(moment: datetime) -> str:
    """ISO-8601 UTC with microseconds and ``Z``, e.g. ``2026-11-26T22:42:16.351969Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def loads(raw: bytes | str) -> object:
    """Parse a JSON document, keeping every fractional number as a Decimal (as the client
    does: one reading of Yuno's wire for both sides)."""
    try:
        return yuno_wire.loads(raw.encode() if isinstance(raw, str) else raw)
    except ValueError as exc:
        raise SandboxError(400, "INVALID_REQUEST", "Request body is not valid JSON") from exc


def load_object(raw: bytes | str) -> JsonObject:
    """Parse a request body that must be a JSON object (an empty body counts as ``{}``)."""
    if not raw or not raw.strip():
        return {}
    parsed = loads(raw)
    if not isinstance(parsed, dict):
        raise SandboxError(400, "INVALID_REQUEST", "Request body must be a JSON object")
    return parsed


def dumps(document: object) -> bytes:
    """Serialise a document, writing decimals exactly as they are stored (the client's
    encoding, so both sides write amounts the same way)."""
    return yuno_wire.dumps(document)


def json_response(document: object, status: int = 200) -> web.Response:
    """A JSON response with the given status."""
    return web.Response(body=dumps(document), status=status, content_type="application/json")


def error_response(error: SandboxError) -> web.Response:
    """Yuno's error body for an error."""
    body = {"code": error.code, "messages": error.messages}
    return json_response(body, status=error.status)
