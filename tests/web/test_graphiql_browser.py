"""GraphiQL in a real browser: Debian's headless chromium opens the gateway's GraphiQL with
every request to another host refused, a query is typed into the editor and run from the
UI, and the result panel shows the gateway's answer; nothing fails, and the page's
Content-Security-Policy is never violated.

Needs ``/usr/bin/chromium`` (``.ci/run`` installs it) and the ``playwright`` package (the test
extras; Playwright drives that chromium, it downloads no browser). Without them the test is
skipped, except in CI (``CI=true``), where it fails.
"""

# Annotations stay strings, so this module imports without playwright and can say so.
from __future__ import annotations

import os
import re
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest
from aiohttp.test_utils import TestServer

try:
    from playwright.async_api import (
        Browser,
        ConsoleMessage,
        Page,
        Request,
        Response,
        Route,
        async_playwright,
        expect,
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

QUERY = "{ sdkConfig { environment } }"
#: Typed into GraphiQL's headers editor, as a user would type ``Authorization``.
HEADERS = '{"X-Request-ID": "graphiql-in-chromium"}'

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
def graphiql_server(gateway_server: TestServer) -> TestServer:
    """The gateway as served: `create_app` adds GraphiQL's routes."""
    return gateway_server


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
        pytest.fail(f"CI must run GraphiQL in a browser; missing {', '.join(missing)}")
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


async def test_graphiql_runs_a_typed_query_and_shows_the_result(
    graphiql_server: TestServer, page: Page, page_log: PageLog
) -> None:
    # Given GraphiQL, loaded from the gateway alone
    await page.goto(str(graphiql_server.make_url("/graphiql")))
    await expect(page.locator(".graphiql-query-editor .CodeMirror-line").first).to_be_visible()

    # When a query and a header are typed in and run
    await page.locator(".graphiql-query-editor .CodeMirror").click()
    await page.keyboard.press("ControlOrMeta+A")
    await page.keyboard.press("Delete")
    await page.keyboard.type(QUERY)
    await page.get_by_role("button", name="Headers").click()
    await page.locator(".graphiql-editor-tool .CodeMirror").last.click()
    await page.keyboard.type(HEADERS)
    await page.get_by_role("button", name=re.compile(r"^Execute query")).click()

    # Then the result panel shows the gateway's answer to what was typed
    result = page.get_by_label("Result Window")
    await expect(result).to_contain_text('"environment": "SANDBOX"')
    assert (QUERY, "graphiql-in-chromium") in page_log.queries, page_log.queries

    # And a dialog (Radix adds a <style> element for it) opens and closes within the CSP
    await page.get_by_label("Open short keys dialog").click()
    await expect(page.get_by_role("dialog")).to_be_visible()
    await page.keyboard.press("Escape")
    await expect(page.get_by_role("dialog")).to_be_hidden()

    assert page_log.blocked == []
    assert page_log.failed == []
    assert page_log.errors == []
    assert await page.evaluate("window.cspViolations") == []
