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
from gateway.sandbox.webhooks import Webhooks


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
            config.webhook_url, config.webhook_secret, config.webhook_attempts, config.account_id
        )

    def now(self) -> datetime:
        """The configured clock, so tests can move time (session and key expiry)."""
        return self.config.clock()

    def set_latency(self, latency_ms: float) -> None:
        """Delay added before every /v1 request from now on."""
        self.latency_ms = max(0.0, latency_ms)

    def configure_webhook(self, url: str | None, secret: str | None) -> None:
        """Point webhook deliveries somewhere else (or nowhere, with ``None``)."""
        self.webhooks.configure(url, secret)

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
        self.webhooks.configure(self.config.webhook_url, self.config.webhook_secret)


SANDBOX: web.AppKey[Sandbox] = web.AppKey("sandbox", Sandbox)
