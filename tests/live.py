"""A graphql-transport-ws client, small enough to read: what subscription tests speak."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import aiohttp
from yarl import URL

PROTOCOL = "graphql-transport-ws"


@asynccontextmanager
async def live_socket(
    url: str | URL, authorization: str | None
) -> AsyncIterator[aiohttp.ClientWebSocketResponse]:
    """An acknowledged connection; the token goes in ``connection_init`` as browsers send it."""
    payload = {"Authorization": authorization} if authorization else {}
    async with (
        aiohttp.ClientSession() as http,
        http.ws_connect(url, protocols=[PROTOCOL]) as socket,
    ):
        await socket.send_json({"type": "connection_init", "payload": payload})
        ack = await socket.receive_json(timeout=10)
        assert ack["type"] == "connection_ack", ack
        yield socket


async def subscribe(
    socket: aiohttp.ClientWebSocketResponse, query: str, variables: dict[str, Any], id: str = "1"
) -> None:
    payload = {"query": query, "variables": variables}
    await socket.send_json({"id": id, "type": "subscribe", "payload": payload})


async def next_data(socket: aiohttp.ClientWebSocketResponse) -> dict[str, Any]:
    message = await socket.receive_json(timeout=10)
    assert message["type"] == "next", message
    data: dict[str, Any] = message["payload"]["data"]
    return data
