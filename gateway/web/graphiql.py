"""GraphiQL, served by the gateway itself from files inside the package.

strawberry's own GraphiQL page loads React and GraphiQL from a CDN and starts them with an
inline script, so it fails on a machine with no internet and under a Content-Security-Policy
that runs only the page's own scripts. This module serves a pinned copy of GraphiQL's browser
bundle instead (``static/graphiql/``; versions, checksums and licences in ``VERSIONS.txt``),
under such a policy:

- ``GET /graphiql``: the page, whose GraphiQL talks to ``/graphql`` (HTTP, and WebSocket for
  subscriptions) and takes headers such as ``Authorization`` from its headers editor;
- ``GET /graphiql/static/{name}``: the page's scripts and style sheets, and nothing else; a
  name that carries a version never changes and is cached for a year, the others revalidate.

``wants_graphiql`` tells the GraphQL view that a browser opened ``/graphql`` itself, so that
the view can answer with ``graphiql_page`` there too.
"""

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from string import Template

from aiohttp import web

STATIC = Path(__file__).parent / "static" / "graphiql"

#: What the page may load and do: its own scripts only (no inline or eval'd code); its own
#: style sheets and the <style> elements GraphiQL adds (its dialogs lock scrolling with one);
#: the fonts and icons GraphiQL's style sheet embeds as data: URLs; requests to its own
#: origin (``'self'`` covers same-origin WebSockets). Not to be framed, no <base>, no forms.
#: Each source is needed: without it headless chromium reports a violation (the browser test).
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "font-src data:",
        "img-src data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    )
)

PAGE_HEADERS: Mapping[str, str] = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-cache",
}

CONTENT_TYPES: Mapping[str, str] = {
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
}

IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "no-cache"
_VERSIONED = re.compile(r"-\d+\.\d+\.\d+\.")


@dataclass(frozen=True)
class GraphiQL:
    """The rendered page and the assets it may load, by file name."""

    page: bytes
    assets: Mapping[str, Path]


GRAPHIQL = web.AppKey("graphiql", GraphiQL)


def add_graphiql_routes(
    app: web.Application, *, path: str = "/graphiql", endpoint: str = "/graphql"
) -> None:
    """Serve GraphiQL at ``path``, its assets under ``{path}/static/``, for ``endpoint``."""
    app[GRAPHIQL] = GraphiQL(page=_render(f"{path}/static", endpoint), assets=_assets())
    app.router.add_get(path, graphiql_page)
    app.router.add_get(f"{path}/static/{{name}}", graphiql_asset)


def wants_graphiql(request: web.Request) -> bool:
    """A browser navigating to the GraphQL endpoint, as opposed to a GraphQL GET query."""
    return (
        request.method == "GET"
        and "query" not in request.query
        and "text/html" in request.headers.get("Accept", "")
    )


async def graphiql_page(request: web.Request) -> web.Response:
    return web.Response(
        body=request.app[GRAPHIQL].page,
        content_type="text/html",
        charset="utf-8",
        headers=PAGE_HEADERS,
    )


async def graphiql_asset(request: web.Request) -> web.FileResponse:
    asset = request.app[GRAPHIQL].assets.get(request.match_info["name"])
    if asset is None:
        raise web.HTTPNotFound()
    return web.FileResponse(
        asset,
        headers={
            "Content-Type": CONTENT_TYPES[asset.suffix],
            "Cache-Control": IMMUTABLE if _VERSIONED.search(asset.name) else REVALIDATE,
            "X-Content-Type-Options": "nosniff",
        },
    )


def _render(static: str, endpoint: str) -> bytes:
    template = Template((STATIC / "index.html").read_text(encoding="utf-8"))
    page = template.substitute(static=html.escape(static), endpoint=html.escape(endpoint))
    return page.encode()


def _assets() -> dict[str, Path]:
    return {path.name: path for path in STATIC.iterdir() if path.suffix in CONTENT_TYPES}
