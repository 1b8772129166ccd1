"""GraphiQL in a real browser: Debian's headless chromium opens the gateway's GraphiQL with
every request to another host refused, a query is typed into the editor and run from the
UI, and the result panel shows the gateway's answer; nothing fails, and the page's
Content-Security-Policy is never violated.

The browser and the tab come from ``tests/browser.py``.
"""

# Annotations stay strings, so this module imports without playwright (the fixtures in
# tests/browser.py skip, or fail in CI, when it is missing).
from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from aiohttp.test_utils import TestServer

from tests.browser import PageLog

if TYPE_CHECKING:
    from playwright.async_api import Page

QUERY = "{ sdkConfig { environment } }"
#: Typed into GraphiQL's headers editor, as a user would type ``Authorization``.
HEADERS = '{"X-Request-ID": "graphiql-in-chromium"}'


@pytest.fixture
def graphiql_server(gateway_server: TestServer) -> TestServer:
    """The gateway as served: `create_app` adds GraphiQL's routes."""
    return gateway_server


async def test_graphiql_runs_a_typed_query_and_shows_the_result(
    graphiql_server: TestServer, page: Page, page_log: PageLog
) -> None:
    # Given GraphiQL, loaded from the gateway alone
    await page.goto(str(graphiql_server.make_url("/graphiql")))
    from playwright.async_api import expect

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
