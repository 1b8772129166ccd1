"""The ceiling: a bare aiohttp server that answers the checkout-session query with the
gateway's own answers, captured once, as static bytes. Per request it does the least any
GraphQL server on aiohttp must: read the body, find the ``id`` variable, send its answer.

``python -m bench.ceiling --port P --answers answers.json`` serves ``POST /graphql``; the
file maps each checkout session id to the exact text of the gateway's answer for it.
``GET /ready`` answers 200 once it serves.
"""

import argparse
import json
from collections.abc import Mapping
from pathlib import Path

import orjson
from aiohttp import web

from bench.processes import HOST

ANSWERS = web.AppKey("answers", dict[str, bytes])
JSON = "application/json"
NOT_FOUND = b'{"data":{"checkoutSession":null}}'


async def graphql(request: web.Request) -> web.Response:
    body = orjson.loads(await request.read())
    answer = request.app[ANSWERS].get(body["variables"]["id"], NOT_FOUND)
    return web.Response(body=answer, content_type=JSON)


async def ready(_: web.Request) -> web.Response:
    return web.Response(text="ready")


def create_app(answers: Mapping[str, str]) -> web.Application:
    app = web.Application()
    app[ANSWERS] = {session: text.encode() for session, text in answers.items()}
    app.router.add_post("/graphql", graphql)
    app.router.add_get("/ready", ready)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.ceiling", description=__doc__)
    parser.add_argument("--host", default=HOST)
    parser.add_argument("--port", type=int, default=8091)
    parser.add_argument("--answers", type=Path, required=True, help="session id -> answer")
    args = parser.parse_args()
    app = create_app(json.loads(args.answers.read_text()))
    web.run_app(app, host=args.host, port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
