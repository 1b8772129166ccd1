"""A real browser for the tests: Debian's headless chromium driven by Playwright, in a tab
that may reach only this machine and reports what went wrong (blocked requests, failed
responses, console errors, Content-Security-Policy violations).

Needs ``/usr/bin/chromium`` (``.ci/run`` installs it) and the ``playwright`` package (the test
extras; Playwright drives that chromium, it downloads no browser). Without them the tests
that use ``page`` skip, except in CI (``CI=true``), where they fail. Test modules take the
fixtures with ``pytest_plugins = ["tests.browser"]``.
"""

# Annotations stay strings, so this module imports without playwright and can say so.
from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest

try:
    from playwright.async_api import (
        Browser,
        ConsoleMessage,
        Page,
        Request,
        Response,
        Route,
        async_playwright,
    )
except ModuleNotFoundError:  # the `chromium` fixture skips, or fails in CI
    async_playwright = None  # type: ignore[assignment]

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
TIMEOUT_MS = 10_000

#: Runs in the page before its own scripts (through the DevTools protocol, so the page's CSP
#: does not apply to it) and keeps every CSP violation the browser reports.
RECORD_CSP_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


@dataclass
class PageLog:
    """What went wrong while the page ran, as the browser reported it."""

    blocked: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    #: Each GraphQL request's document and X-Request-ID header.
    queries: list[tuple[str, str | None]] = field(default_factory=list)

    def on_request(self, request: Request) -> None:
        if request.method == "POST" and urlsplit(request.url).path == "/graphql":
            body = request.post_data_json
            query = body.get("query") if isinstance(body, dict) else None
            self.queries.append((str(query), request.headers.get("x-request-id")))

    def on_request_failed(self, request: Request) -> None:
        self.failed.append(f"{request.url}: {request.failure}")

    def on_response(self, response: Response) -> None:
        if response.status >= 400:
            self.failed.append(f"{response.url}: {response.status}")

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type == "error" or "Content Security Policy" in message.text:
            self.errors.append(message.text)

    async def only_local(self, route: Route) -> None:
        if urlsplit(route.request.url).hostname in LOCAL_HOSTS:
            await route.continue_()
        else:
            self.blocked.append(route.request.url)
            await route.abort("blockedbyclient")


@pytest.fixture
async def chromium() -> AsyncIterator[Browser]:
    missing = [
        what
        for what, absent in (
            ("the playwright package", async_playwright is None),
            (CHROMIUM, shutil.which(CHROMIUM) is None),
        )
        if absent
    ]
    if missing and os.environ.get("CI") == "true":
        pytest.fail(f"CI must run the browser tests; missing {', '.join(missing)}")
    if missing:
        pytest.skip(f"missing {', '.join(missing)}")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        await browser.close()


@pytest.fixture
def page_log() -> PageLog:
    return PageLog()


@pytest.fixture
async def page(chromium: Browser, page_log: PageLog) -> AsyncIterator[Page]:
    """A tab that may reach only this machine, and reports what goes wrong to ``page_log``."""
    context = await chromium.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    await context.route("**/*", page_log.only_local)
    await context.add_init_script(RECORD_CSP_VIOLATIONS)
    page = await context.new_page()
    page.on("request", page_log.on_request)
    page.on("requestfailed", page_log.on_request_failed)
    page.on("response", page_log.on_response)
    page.on("console", page_log.on_console)
    page.on("pageerror", lambda error: page_log.errors.append(str(error)))
    yield page
    await context.close()
