"""The state of one emulator app, reachable from handlers as ``request.app[SANDBOX]``.

Everything mutable lives here (records, idempotency keys, faults, the request log, the
webhook target and latency), so two apps never share anything and ``reset`` is total.
"""

from datetime import datetime

from aiohttp import web

from gateway.sandbox.config import SandboxConfig
from gateway.sandbox.faults import FaultRule, Faults
from gateway.sandbox.idempotency import IdempotencyStore
from gateway.sandbox.requestlog import RequestRecord
from gateway.sandbox.store import Store
from gateway.sandbox.webhooks import Target, Webhooks


class Sandbox:
    """One emulator's records plus the knobs tests and benchmarks turn at run time."""

    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self.store = Store()
        self.idempotency = IdempotencyStore(config.idempotency_ttl)
        self.requests: list[RequestRecord] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.faults = Faults()
        self.latency_ms = config.latency_ms
        self.webhooks = Webhooks(
            _target(config),
            config.account_id,
            attempts=config.webhook_attempts,
            time_scale=config.webhook_time_scale,
        )

    def now(self) -> datetime:
        """The configured clock, so tests can move time (session and key expiry)."""
        return self.config.clock()

    def set_latency(self, latency_ms: float) -> None:
        """Delay added before every /v1 request from now on."""
        self.latency_ms = max(0.0, latency_ms)

    def configure_webhook(
        self,
        url: str | None,
        secret: str | None,
        *,
        api_key: str | None = None,
        header_secret: str | None = None,
        version: int = 2,
    ) -> None:
        """Point webhook deliveries somewhere else (or nowhere, with ``None``); ``secret``
        signs them (HMAC), ``api_key``/``header_secret`` go as ``x-api-key``/``x-secret``."""
        target = None if url is None else Target(url, secret, api_key, header_secret, version)
        self.webhooks.configure(target)

    def add_fault(self, rule: FaultRule) -> FaultRule:
        """Inject a scripted failure for matching /v1 requests."""
        return self.faults.add(rule)

    def clear_faults(self) -> None:
        self.faults.clear()

    def clear_requests(self) -> None:
        """Empty the log and restart the concurrency high-water mark."""
        self.requests.clear()
        self.max_in_flight = self.in_flight

    def reset(self) -> None:
        """Forget every record, key, fault and logged request; keep configuration."""
        self.store = Store()
        self.idempotency.clear()
        self.requests.clear()
        self.faults.clear()
        self.latency_ms = self.config.latency_ms
        self.webhooks.configure(_target(self.config))


def _target(config: SandboxConfig) -> Target | None:
    if config.webhook_url is None:
        return None
    return Target(
        config.webhook_url,
        config.webhook_secret,
        config.webhook_api_key,
        config.webhook_header_secret,
        config.webhook_version,
    )


SANDBOX: web.AppKey[Sandbox] = web.AppKey("sandbox", Sandbox)
