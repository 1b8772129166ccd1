"""Assembles the emulator: routes, middlewares, and the webhook client's lifetime."""

import asyncio
import contextlib
from collections.abc import AsyncIterator

import aiohttp
from aiohttp import web

from gateway.sandbox import (
    admin,
    checkout,
    customers,
    enrollment,
    pages,
    payments,
    sessions,
    steps,
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
    for module in (
        sessions,
        customers,
        enrollment,
        checkout,
        payments,
        transactions,
        admin,
        pages,
    ):
        app.router.add_routes(module.routes())
    app.cleanup_ctx.append(_webhook_client)
    app.cleanup_ctx.append(_sweeper)
    return app


#: How often pending payments are checked for expiry.
SWEEP_EVERY = 0.2


async def _sweeper(app: web.Application) -> AsyncIterator[None]:
    """Expires what waits too long (a PIX QR code, a voucher, a challenge, an enrollment
    nobody completed), so the webhook
    comes when the time is up, not when someone next reads the payment."""
    sandbox = app[SANDBOX]

    async def sweep() -> None:
        while True:
            await asyncio.sleep(SWEEP_EVERY)
            steps.expire_due(sandbox)
            enrollment.expire_due(sandbox)

    task = asyncio.create_task(sweep())
    yield
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


async def _webhook_client(app: web.Application) -> AsyncIterator[None]:
    """One HTTP client for all webhook deliveries, closed after in-flight ones are cancelled."""
    webhooks = app[SANDBOX].webhooks
    timeout = aiohttp.ClientTimeout(total=5)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        webhooks.session = session
        yield
        await webhooks.close()
        webhooks.session = None
