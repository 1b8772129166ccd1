"""The one exception the emulator's handlers raise, shaped like Yuno's error body.

Yuno answers every failure with ``{"code": ..., "messages": [...]}``; handlers raise
:class:`SandboxError` and a single middleware turns it into that body, so no handler
builds an error response by hand. Messages name fields, never the caller's values: an id
or a ``merchant_customer_id`` can hold anything, and the gateway keeps Yuno's messages.
"""

from http import HTTPStatus


class SandboxError(Exception):
    """A Yuno-style API error: HTTP status, stable code, human messages."""

    def __init__(self, status: int, code: str, *messages: str) -> None:
        super().__init__(f"{status} {code}: {'; '.join(messages)}")
        self.status = status
        self.code = code
        self.messages = list(messages) or [HTTPStatus(status).phrase]


def invalid(*messages: str) -> SandboxError:
    """A field had the wrong type, length, format or value."""
    return SandboxError(400, "INVALID_PARAMETERS", *messages)


def missing(*fields: str) -> SandboxError:
    """Required fields were absent; Yuno names each one."""
    return SandboxError(400, "MISSING_PARAMETERS", *(f"{name} is required" for name in fields))


def not_found(what: str) -> SandboxError:
    """An unknown resource without a resource-specific code (Yuno's generic 404)."""
    return SandboxError(404, "NOT_FOUND", f"{what} not found")
