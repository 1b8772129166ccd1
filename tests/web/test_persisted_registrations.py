"""Registering a persisted query cannot fill or flush shared storage: only documents that
validate, within a size, at a bounded rate per caller."""

import hashlib
import json
from typing import Any

import pytest
from aiohttp.test_utils import TestServer

from gateway.app import RUNTIME
from gateway.settings import Settings
from tests.conftest import GatewayClient
from tests.storefront import create_customer
from tests.web.test_documents import persisted, post


def registered(document: str) -> dict[str, Any]:
    return {
        "query": document,
        "extensions": persisted(hashlib.sha256(document.encode()).hexdigest()),
    }


async def known(gateway: GatewayClient, document: str) -> bool:
    digest = hashlib.sha256(document.encode()).hexdigest()
    answer = await post(gateway, {"extensions": persisted(digest)})
    codes = [e["extensions"]["code"] for e in answer.get("errors", [])]
    return "PERSISTED_QUERY_NOT_FOUND" not in codes


@pytest.fixture
def gateway_settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={"persisted_queries_per_minute": 5, "persisted_query_max_bytes": 2_048}
    )


async def test_a_document_that_does_not_validate_is_not_registered(
    gateway: GatewayClient,
) -> None:
    junk = "{ thisFieldDoesNotExist }"
    answer = await post(gateway, registered(junk))
    assert answer["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert not await known(gateway, junk)


async def test_a_document_over_the_size_limit_runs_but_is_not_registered(
    gateway: GatewayClient,
) -> None:
    large = "query Large { sdkConfig { environment } }" + " " * 3_000 + "# padding"
    answer = await post(gateway, registered(large))
    assert answer == {"data": {"sdkConfig": {"environment": "SANDBOX"}}}
    assert not await known(gateway, large)


async def test_registrations_are_rate_limited_per_caller(gateway: GatewayClient) -> None:
    documents = [f"query Q{n} {{ sdkConfig {{ environment }} }}" for n in range(8)]
    for document in documents:
        await post(gateway, registered(document))
    kept = [await known(gateway, document) for document in documents]
    assert kept == [True] * 5 + [False] * 3


async def test_registrations_never_evict_cached_lookups(
    gateway: GatewayClient, gateway_server: TestServer
) -> None:
    """The attack: 10,500 tiny registrations flushed a shopper's session from the cache.
    With the in-process cache, persisted queries live in a store of their own."""
    await create_customer(gateway, "cached-shopper")
    cache = gateway_server.app[RUNTIME].upstream.cache
    entries_before = len(cache.backend.entries)
    for n in range(5):
        await post(gateway, registered(f"query R{n} {{ sdkConfig {{ environment }} }}"))
    assert len(cache.backend.entries) == entries_before


async def test_a_hash_only_get_without_a_preflight_header_is_refused_as_csrf(
    gateway: GatewayClient,
) -> None:
    """A GET carrying only the hash runs a stored document: a cross-site page could fire it
    from an <img>, so it needs the same preflight header as any GET."""
    document = "query Csrf { sdkConfig { environment } }"
    await post(gateway, registered(document))
    params = {"extensions": json.dumps(persisted(hashlib.sha256(document.encode()).hexdigest()))}
    # No Authorization header either: it is not CORS-safelisted, so it forces a preflight.
    async with gateway.http.get(gateway.url, params=params) as response:
        refused = (response.status, await response.json())
    async with gateway.http.get(
        gateway.url, params=params, headers={"apollo-require-preflight": "true"}
    ) as response:
        allowed = await response.json()

    assert refused[0] == 400
    assert refused[1]["errors"][0]["extensions"]["code"] == "CSRF_PREVENTED"
    assert allowed == {"data": {"sdkConfig": {"environment": "SANDBOX"}}}
