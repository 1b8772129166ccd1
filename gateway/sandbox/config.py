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
    webhook_secret: str | None = None
    webhook_attempts: int = 3
    session_ttl: timedelta = timedelta(hours=5)
    idempotency_ttl: timedelta = timedelta(hours=24)
    clock: Callable[[], datetime] = _utc_now
    #: Origins whose pages may call the SDK routes (CORS): a browser plays Yuno's SDK.
    cors_origins: tuple[str, ...] = ()
