"""Automatic persisted queries (Apollo's protocol) and trusted documents."""

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from gateway.settings import Settings
from tests.conftest import GatewayClient
from tests.identity import bearer, customer_token

QUERY = "query Config { sdkConfig { environment } }"
DIGEST = hashlib.sha256(QUERY.encode()).hexdigest()
OTHER = "query Viewer { viewer { id } }"


def persisted(digest: str = DIGEST) -> dict[str, Any]:
    return {"persistedQuery": {"version": 1, "sha256Hash": digest}}


async def post(gateway: GatewayClient, body: dict[str, Any], **headers: str) -> Any:
    if gateway.authorization:
        headers.setdefault("Authorization", gateway.authorization)
    async with gateway.http.post(gateway.url, json=body, headers=headers) as response:
        assert response.status == 200
        return await response.json()


async def test_apq_unknown_hash_then_register_then_hash_only(gateway: GatewayClient) -> None:
    first = await post(gateway, {"extensions": persisted()})
    assert first["errors"][0]["message"] == "PersistedQueryNotFound"
    assert first["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"

    registered = await post(gateway, {"query": QUERY, "extensions": persisted()})
    assert registered["data"]["sdkConfig"]["environment"] == "SANDBOX"

    for _ in range(2):
        again = await post(gateway, {"extensions": persisted()})
        assert again == {"data": {"sdkConfig": {"environment": "SANDBOX"}}}


async def test_apq_hash_that_does_not_match_is_refused(gateway: GatewayClient) -> None:
    wrong = await post(gateway, {"query": OTHER, "extensions": persisted()})
    assert wrong["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_HASH_MISMATCH"
    still_unknown = await post(gateway, {"extensions": persisted()})
    assert still_unknown["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"


async def test_apq_works_over_get(gateway: GatewayClient) -> None:
    await post(gateway, {"query": QUERY, "extensions": persisted()})
    params = {"extensions": json.dumps(persisted())}
    headers = {"apollo-require-preflight": "true"}
    async with gateway.http.get(gateway.url, params=params, headers=headers) as response:
        assert (await response.json())["data"]["sdkConfig"]["environment"] == "SANDBOX"


class TestTrustedDocuments:
    @pytest.fixture
    def gateway_settings(self, settings: Settings, tmp_path: Path) -> Settings:
        manifest = tmp_path / "trusted.json"
        manifest.write_text(json.dumps({DIGEST: QUERY}))
        return settings.model_copy(
            update={"trusted_documents_file": manifest, "trusted_documents_only": True}
        )

    async def test_a_shopper_runs_trusted_documents_only(self, gateway: GatewayClient) -> None:
        shopper = gateway.as_(bearer(customer_token("shopper-1")))
        by_hash = await post(shopper, {"extensions": persisted()})
        assert by_hash["data"]["sdkConfig"]["environment"] == "SANDBOX"
        by_text = await post(shopper, {"query": QUERY})
        assert by_text["data"]["sdkConfig"]["environment"] == "SANDBOX"

        other = await post(shopper, {"query": OTHER})
        assert other["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_TRUSTED"

    async def test_services_may_run_any_document(self, gateway: GatewayClient) -> None:
        answer = await post(gateway, {"query": OTHER})
        assert answer == {"data": {"viewer": None}}


async def test_anonymous_callers_cannot_register_persisted_queries(gateway: GatewayClient) -> None:
    anonymous = gateway.as_(None)
    registered = await post(anonymous, {"query": QUERY, "extensions": persisted()})
    assert registered["data"]["sdkConfig"]["environment"] == "SANDBOX"  # it still runs
    again = await post(anonymous, {"extensions": persisted()})
    assert again["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
