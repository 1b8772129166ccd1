"""Assembles the emulator: routes, middlewares, and the webhook client's lifetime."""

from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web

from gateway.sandbox import (
    admin,
    checkout,
    customers,
    enrollment,
    payments,
    sessions,
    transactions,
)
from gateway.sandbox.config import SandboxConfig
from gateway.sandbox.pipeline import MIDDLEWARES
from gateway.sandbox.serverlog import server_logging
from gateway.sandbox.state import SANDBOX, Sandbox

_DEFAULT_CONFIG = SandboxConfig()


def create_sandbox_app(config: SandboxConfig = _DEFAULT_CONFIG) -> web.Application:
    """A fresh emulator with its own state; two apps never share anything."""
    app = web.Application(
        middlewares=(admin.same_site_json, *MIDDLEWARES), handler_args=server_logging()
    )
    app[SANDBOX] = Sandbox(config)
    # Specific paths first: /v1/customers/sessions must win over /v1/customers/{id}.
    for module in (sessions, customers, enrollment, checkout, payments, transactions, admin):
        app.router.add_routes(module.routes())
    app.cleanup_ctx.append(_webhook_client)
    return app


async def _webhook_client(app: web.Application) -> AsyncIterator[None]:
    """One HTTP client for all webhook deliveries, closed after in-flight ones are cancelled."""
    webhooks = app[SANDBOX].webhooks
    timeout = aiohttp.ClientTimeout(total=5)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        webhooks.session = session
        yield
        await webhooks.close()
        webhooks.session = None
