"""GraphiQL over HTTP: the page and its assets come from the gateway, under a strict CSP,
and name no other origin, so GraphiQL works with no internet."""

import hashlib
import re
from collections.abc import AsyncIterator
from html.parser import HTMLParser

import aiohttp
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer

from gateway.web.graphiql import (
    CONTENT_SECURITY_POLICY,
    STATIC,
    wants_graphiql,
)

PAGE = "/graphiql"
ASSETS = "/graphiql/static"
VERSIONED_ASSETS = (
    "graphiql-3.9.0.min.js",
    "graphiql-3.9.0.min.css",
    "react-18.3.1.production.min.js",
    "react-dom-18.3.1.production.min.js",
)
OUR_ASSETS = ("init.js", "page.css")
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
QUERY = "{ sdkConfig { environment } }"


@pytest.fixture
def graphiql_server(gateway_server: TestServer) -> TestServer:
    """The gateway as served: `create_app` adds GraphiQL's routes."""
    return gateway_server


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


class PageLinks(HTMLParser):
    """What a page loads: script sources, style sheets, and whether any script is inline."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.stylesheets: list[str] = []
        self.inline_script = False
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script":
            self._in_script = True
            self.scripts.append(attributes.get("src") or "")
        if tag == "link" and attributes.get("rel") == "stylesheet":
            self.stylesheets.append(attributes.get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = self._in_script and tag != "script"

    def handle_data(self, data: str) -> None:
        self.inline_script = self.inline_script or (self._in_script and bool(data.strip()))


async def fetch(http: aiohttp.ClientSession, server: TestServer, path: str) -> tuple[int, str]:
    async with http.get(server.make_url(path), headers={"Accept": BROWSER_ACCEPT}) as response:
        return response.status, await response.text()


async def test_page_is_served_under_a_strict_content_security_policy(
    graphiql_server: TestServer, http: aiohttp.ClientSession
) -> None:
    async with http.get(graphiql_server.make_url(PAGE)) as response:
        assert response.status == 200
        assert response.content_type == "text/html"
        csp = response.headers["Content-Security-Policy"]
        assert csp == CONTENT_SECURITY_POLICY
        assert "default-src 'none'" in csp
        assert "script-src 'self';" in csp
        assert "unsafe-eval" not in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["X-Frame-Options"] == "DENY"


async def test_page_loads_only_its_own_assets_and_no_inline_script(
    graphiql_server: TestServer, http: aiohttp.ClientSession
) -> None:
    _, page = await fetch(http, graphiql_server, PAGE)
    links = PageLinks()
    links.feed(page)
    assert links.scripts[-1] == f"{ASSETS}/init.js"
    assert not links.inline_script
    for source in links.scripts + links.stylesheets:
        assert source.startswith(f"{ASSETS}/"), source
        status, _ = await fetch(http, graphiql_server, source)
        assert status == 200, source


async def test_page_and_its_script_name_no_other_origin(
    graphiql_server: TestServer, http: aiohttp.ClientSession
) -> None:
    for path in (PAGE, f"{ASSETS}/init.js", f"{ASSETS}/page.css"):
        _, text = await fetch(http, graphiql_server, path)
        assert "http://" not in text, path
        assert "https://" not in text, path
        assert "//unpkg" not in text, path
        assert "//cdn" not in text, path


async def test_page_points_graphiql_at_the_graphql_endpoint(
    graphiql_server: TestServer, http: aiohttp.ClientSession
) -> None:
    _, page = await fetch(http, graphiql_server, PAGE)
    assert 'data-endpoint="/graphql"' in page
    assert "${" not in page


@pytest.mark.parametrize(
    ("name", "content_type"),
    [
        ("graphiql-3.9.0.min.js", "text/javascript"),
        ("graphiql-3.9.0.min.css", "text/css"),
        ("init.js", "text/javascript"),
        ("page.css", "text/css"),
    ],
)
async def test_asset_has_its_content_type_and_nosniff(
    graphiql_server: TestServer, http: aiohttp.ClientSession, name: str, content_type: str
) -> None:
    async with http.get(graphiql_server.make_url(f"{ASSETS}/{name}")) as response:
        assert response.status == 200
        assert response.content_type == content_type
        assert response.charset == "utf-8"
        assert response.headers["X-Content-Type-Options"] == "nosniff"


async def test_versioned_assets_are_cached_for_a_year_ours_revalidate(
    graphiql_server: TestServer, http: aiohttp.ClientSession
) -> None:
    for name in VERSIONED_ASSETS:
        async with http.get(graphiql_server.make_url(f"{ASSETS}/{name}")) as response:
            assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    for name in OUR_ASSETS:
        async with http.get(graphiql_server.make_url(f"{ASSETS}/{name}")) as response:
            assert response.headers["Cache-Control"] == "no-cache"
            assert response.headers["ETag"]


@pytest.mark.parametrize(
    "name", ["index.html", "VERSIONS.txt", "LICENSE.react", "nope.js", "..%2F..%2Fgraphiql.py"]
)
async def test_only_scripts_and_style_sheets_are_assets(
    graphiql_server: TestServer, http: aiohttp.ClientSession, name: str
) -> None:
    async with http.get(graphiql_server.make_url(f"{ASSETS}/{name}")) as response:
        assert response.status == 404


async def test_graphql_still_answers_next_to_graphiql(
    graphiql_server: TestServer, http: aiohttp.ClientSession
) -> None:
    async with http.post(graphiql_server.make_url("/graphql"), json={"query": QUERY}) as response:
        assert await response.json() == {"data": {"sdkConfig": {"environment": "SANDBOX"}}}


def test_vendored_files_match_their_recorded_checksums() -> None:
    recorded = re.findall(
        r"^(\S+)\s.*\b([0-9a-f]{64})$",
        (STATIC / "VERSIONS.txt").read_text(encoding="utf-8"),
        flags=re.MULTILINE,
    )
    assert {name for name, _ in recorded} >= set(VERSIONED_ASSETS)
    for name, sha256 in recorded:
        assert hashlib.sha256((STATIC / name).read_bytes()).hexdigest() == sha256, name


def test_vendored_assets_stay_small() -> None:
    size = sum(path.stat().st_size for path in STATIC.iterdir())
    assert size < 3 * 1024 * 1024


@pytest.fixture
async def echo_server() -> AsyncIterator[TestServer]:
    """A /graphql that answers whether ``wants_graphiql`` saw a browser opening it."""

    async def echo(request: web.Request) -> web.Response:
        return web.json_response({"wants_graphiql": wants_graphiql(request)})

    app = web.Application()
    app.router.add_route("*", "/graphql", echo)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    yield server
    await server.close()


@pytest.mark.parametrize(
    ("method", "params", "accept", "wanted"),
    [
        ("GET", {}, BROWSER_ACCEPT, True),
        ("GET", {"query": QUERY}, BROWSER_ACCEPT, False),
        ("GET", {}, "application/json", False),
        ("GET", {}, "*/*", False),
        ("POST", {}, BROWSER_ACCEPT, False),
    ],
)
async def test_wants_graphiql_only_for_a_browser_opening_the_endpoint(
    echo_server: TestServer,
    http: aiohttp.ClientSession,
    method: str,
    params: dict[str, str],
    accept: str,
    wanted: bool,
) -> None:
    url = echo_server.make_url("/graphql")
    async with http.request(method, url, params=params, headers={"Accept": accept}) as response:
        assert await response.json() == {"wants_graphiql": wanted}
