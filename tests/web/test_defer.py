"""``@defer`` where it is allowed (a POST that accepts ``multipart/mixed``) and a clear
refusal where it is not: in a batch, over GET (a cache would store half an answer), or to a
client that asked for one JSON document. A deferred fragment's failure is masked and coded
like any other."""

import json
from typing import Any

import aiohttp
from aiohttp.test_utils import TestServer

from gateway.sandbox import Sandbox
from gateway.sandbox.faults import FaultRule
from tests.conftest import SERVICE_KEY, GatewayClient
from tests.storefront import create_checkout_session, create_customer

DEFERRED = """
query($id: ID!) {
  checkoutSession(id: $id) {
    amount { value currency }
    ... @defer(label: "catalog") { paymentMethods { id type } }
  }
}
"""
INCREMENTAL = "multipart/mixed;deferSpec=20220824, application/json"


async def post(server: TestServer, body: object, accept: str = INCREMENTAL) -> tuple[int, str, str]:
    headers = {"Authorization": f"Bearer {SERVICE_KEY}", "Accept": accept}
    async with (
        aiohttp.ClientSession() as http,
        http.post(server.make_url("/graphql"), json=body, headers=headers) as reply,
    ):
        return reply.status, reply.headers.get("Content-Type", ""), await reply.text()


def parts(text: str) -> list[dict[str, Any]]:
    """The JSON payloads of a ``multipart/mixed`` body, in order."""
    found = []
    for chunk in text.split("\r\n\r\n")[1:]:
        payload = chunk.split("\r\n--", 1)[0].strip()
        if payload.startswith("{"):
            found.append(json.loads(payload))
    return found


async def session(gateway: GatewayClient) -> str:
    return await create_checkout_session(gateway, await create_customer(gateway))


async def test_the_catalog_arrives_after_the_amount(
    gateway: GatewayClient, gateway_server: TestServer
) -> None:
    session_id = await session(gateway)
    body = {"query": DEFERRED, "variables": {"id": session_id}}
    status, content_type, text = await post(gateway_server, body)
    assert status == 200
    assert content_type.startswith("multipart/mixed")
    first, *rest = parts(text)
    assert first["data"]["checkoutSession"]["amount"]["currency"]
    assert "paymentMethods" not in first["data"]["checkoutSession"]
    assert first["hasNext"] is True
    (later,) = [p for p in rest if p.get("incremental")]
    (increment,) = later["incremental"]
    assert increment["data"]["paymentMethods"]
    assert all(method["id"] for method in increment["data"]["paymentMethods"])
    assert rest[-1]["hasNext"] is False


async def test_a_deferred_failure_is_masked_and_coded(
    gateway: GatewayClient, gateway_server: TestServer, sandbox: Sandbox
) -> None:
    session_id = await session(gateway)
    prefix = f"/v1/checkout/sessions/{session_id}/payment-methods"
    sandbox.add_fault(FaultRule("error_503", path_prefix=prefix))
    body = {"query": DEFERRED, "variables": {"id": session_id}}
    _, _, text = await post(gateway_server, body)
    first, *rest = parts(text)
    assert first["data"]["checkoutSession"]["amount"]
    # A fragment that failed completes with its errors (incremental delivery, GraphQL 17).
    (error,) = [e for p in rest for done in p.get("completed", []) for e in done["errors"]]
    assert error["extensions"]["code"] == "UPSTREAM_UNAVAILABLE"
    assert error["extensions"]["requestId"]
    assert error["message"] == "The payments provider is unavailable; try again shortly."


async def test_defer_is_refused_to_a_client_that_wants_one_document(
    gateway: GatewayClient, gateway_server: TestServer
) -> None:
    body = {"query": DEFERRED, "variables": {"id": await session(gateway)}}
    status, _, text = await post(gateway_server, body, accept="application/json")
    assert json.loads(text)["errors"][0]["extensions"]["code"] == "DEFER_NOT_ALLOWED"
    assert status == 200


async def test_defer_is_refused_in_a_batch(
    gateway: GatewayClient, gateway_server: TestServer
) -> None:
    one = {"query": DEFERRED, "variables": {"id": await session(gateway)}}
    _, _, text = await post(gateway_server, [one, {"query": "{ __typename }"}])
    answers = json.loads(text)
    codes = [e["extensions"]["code"] for answer in answers for e in answer.get("errors", [])]
    assert "DEFER_NOT_ALLOWED" in codes


async def test_defer_is_refused_over_get(
    gateway: GatewayClient, gateway_server: TestServer
) -> None:
    variables = json.dumps({"id": await session(gateway)})
    headers = {"Authorization": f"Bearer {SERVICE_KEY}", "Accept": INCREMENTAL}
    params = {"query": DEFERRED, "variables": variables}
    async with (
        aiohttp.ClientSession() as http,
        http.get(gateway_server.make_url("/graphql"), params=params, headers=headers) as reply,
    ):
        answer = json.loads(await reply.text())
    assert answer["errors"][0]["extensions"]["code"] == "DEFER_NOT_ALLOWED"
    assert "data" not in answer or answer["data"] is None
