"""How one emulator instance behaves: credentials, timing, webhooks and expiry windows.

A frozen dataclass so a test can build exactly the emulator it needs; anything that must
change while the app runs (latency, webhook target) lives on the state object instead.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from gateway.sandbox.credentials import (
    DEV_ACCOUNT_ID,
    DEV_PRIVATE_SECRET_KEY,
    DEV_PUBLIC_API_KEY,
)


def _utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class SandboxConfig:
    """Settings fixed for the lifetime of one emulator app."""

    public_api_key: str = DEV_PUBLIC_API_KEY
    private_secret_key: str = DEV_PRIVATE_SECRET_KEY
    account_id: str = DEV_ACCOUNT_ID
    latency_ms: float = 0.0
    webhook_url: str | None = None
    #: The HMAC key of ``x-hmac-signature``.
    webhook_secret: str | None = None
    #: Static credentials sent as ``x-api-key`` and ``x-secret`` (both, or neither).
    webhook_api_key: str | None = None
    webhook_header_secret: str | None = None
    #: 2 (the envelope) or 1 (Yuno's legacy shape).
    webhook_version: int = 2
    #: Attempts per delivery, at most Yuno's 7, on Yuno's schedule times ``time_scale``.
    webhook_attempts: int = 7
    webhook_time_scale: float = 1.0
    session_ttl: timedelta = timedelta(hours=5)
    idempotency_ttl: timedelta = timedelta(hours=24)
    clock: Callable[[], datetime] = _utc_now
    #: Origins whose pages may call the SDK routes (CORS): a browser plays Yuno's SDK.
    cors_origins: tuple[str, ...] = ()
    #: Where browsers reach the emulator's own pages (3DS, vouchers, banks); by default
    #: the address the API call that made the payment was sent to.
    public_url: str | None = None
