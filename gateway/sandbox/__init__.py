"""A Yuno API emulator (like stripe-mock for Stripe) for tests, demos and benchmarks.

``create_sandbox_app(SandboxConfig(...))`` returns an aiohttp app that speaks Yuno's REST
API from memory: customers, enrollment, checkout sessions, payments and their follow-ups,
with idempotency, webhooks, scripted faults and a request log (``app[SANDBOX]``).
"""

from gateway.sandbox.app import create_sandbox_app
from gateway.sandbox.config import SandboxConfig
from gateway.sandbox.credentials import DEV_ACCOUNT_ID, DEV_PRIVATE_SECRET_KEY, DEV_PUBLIC_API_KEY
from gateway.sandbox.faults import FaultKind, FaultRule, Faults
from gateway.sandbox.requestlog import RequestRecord
from gateway.sandbox.state import SANDBOX, Sandbox

__all__ = [
    "DEV_ACCOUNT_ID",
    "DEV_PRIVATE_SECRET_KEY",
    "DEV_PUBLIC_API_KEY",
    "SANDBOX",
    "FaultKind",
    "FaultRule",
    "Faults",
    "RequestRecord",
    "Sandbox",
    "SandboxConfig",
    "create_sandbox_app",
]
