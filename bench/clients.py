"""What the bench says outside of load runs: GraphQL to a server, and the emulator's knobs
and SDK endpoints (the steps a shopper's app would take with Yuno's SDK)."""

from collections.abc import Mapping
from typing import Any

import aiohttp

from bench.processes import PUBLIC_API_KEY

#: A card of the Yuno Testing Gateway that always succeeds.
TEST_CARD = {
    "number": "4507990000000002",
    "expiration_month": 11,
    "expiration_year": 2028,
    "security_code": "123",
    "holder_name": "John Doe",
}
SDK_HEADERS = {"public-api-key": PUBLIC_API_KEY}


class BenchError(RuntimeError):
    """A server answered the bench with something other than what it asked for."""


class GraphQL:
    def __init__(
        self, http: aiohttp.ClientSession, url: str, headers: Mapping[str, str] | None = None
    ) -> None:
        self.http = http
        self.url = url
        self.headers = dict(headers or {})

    async def data(self, query: str, variables: Mapping[str, object] | None = None) -> Any:
        """The ``data`` of a successful answer; errors and user errors raise."""
        body = {"query": query, "variables": dict(variables or {})}
        async with self.http.post(self.url, json=body, headers=self.headers) as response:
            answer = await response.json()
        if response.status != 200 or answer.get("errors"):
            raise BenchError(f"{self.url} answered {response.status}: {answer}")
        payload = next(iter(answer["data"].values()))
        if isinstance(payload, dict) and payload.get("userErrors"):
            raise BenchError(f"{self.url} answered user errors: {payload['userErrors']}")
        return answer["data"]


class Emulator:
    """The Yuno emulator's test knobs (``/_sandbox``) and SDK endpoints."""

    def __init__(self, http: aiohttp.ClientSession, url: str) -> None:
        self.http = http
        self.url = url

    async def set_latency(self, latency_ms: float) -> None:
        body = {"latency_ms": latency_ms}
        async with self.http.put(f"{self.url}/_sandbox/latency", json=body) as response:
            _check(response)

    async def clear_requests(self) -> None:
        async with self.http.delete(f"{self.url}/_sandbox/requests") as response:
            _check(response)

    async def requests(self) -> list[dict[str, Any]]:
        """The request log since the last clear: one entry per ``/v1`` request."""
        async with self.http.get(f"{self.url}/_sandbox/requests") as response:
            _check(response)
            log: list[dict[str, Any]] = (await response.json())["requests"]
            return log

    async def mint_token(self, checkout_session: str) -> str:
        """A one-time token for the test card, as Yuno's SDK mints it in the shopper's app."""
        url = f"{self.url}/v1/checkout/sessions/{checkout_session}/token"
        body = {"payment_method": {"type": "CARD", "card": TEST_CARD}}
        async with self.http.post(url, json=body, headers=SDK_HEADERS) as response:
            _check(response)
            token: str = (await response.json())["token"]
            return token

    async def complete_enrollment(self, enrollment: str) -> None:
        """The SDK's step of an enrollment: send the card; it becomes ENROLLED."""
        url = f"{self.url}/v1/sdk/enrollments/{enrollment}"
        async with self.http.post(url, json={"card": TEST_CARD}, headers=SDK_HEADERS) as response:
            _check(response)


def _check(response: aiohttp.ClientResponse) -> None:
    if response.status >= 300:
        raise BenchError(f"{response.method} {response.url} answered {response.status}")
