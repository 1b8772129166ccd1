"""JSON in and out the way Yuno writes it: exact decimals, UTC timestamps, uuid4 ids.

Amounts are decimals in major units; parsing floats as :class:`~decimal.Decimal` and
serialising them verbatim keeps ``26.9`` from ever becoming ``26.899999``.
"""

import json
import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import TypeAlias

import orjson
from aiohttp import web

from gateway.sandbox.errors import SandboxError

JsonObject: TypeAlias = dict[str, object]


def new_id() -> str:
    """A fresh resource id; Yuno's ids are uuid4 strings."""
    return str(uuid.uuid4())


def timestamp(moment: datetime) -> str:
    """ISO-8601 UTC with microseconds and ``Z``, e.g. ``2026-11-26T22:42:16.351969Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def loads(raw: bytes | str) -> object:
    """Parse a JSON document, keeping every fractional number as a Decimal."""
    try:
        return json.loads(raw, parse_float=Decimal)
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


def _default(value: object) -> object:
    if isinstance(value, Decimal):
        return orjson.Fragment(str(value).encode())
    raise TypeError(f"cannot serialise {type(value).__name__}")


def dumps(document: object) -> bytes:
    """Serialise a document, writing decimals exactly as they are stored."""
    return orjson.dumps(document, default=_default)


def json_response(document: object, status: int = 200) -> web.Response:
    """A JSON response with the given status."""
    return web.Response(body=dumps(document), status=status, content_type="application/json")


def error_response(error: SandboxError) -> web.Response:
    """Yuno's error body for an error."""
    body = {"code": error.code, "messages": error.messages}
    return json_response(body, status=error.status)
