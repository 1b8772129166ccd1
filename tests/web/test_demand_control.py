"""Demand control over real HTTP: an operation estimated above the budget is refused with
COST_LIMIT_EXCEEDED before any Yuno call; within it, a caller that asks sees the estimate
and the Yuno calls the operation made; the estimate follows ``@cost`` and ``@listSize``,
``@skip``/``@include``, aliases, fragments and ``_entities`` representations, and is never
below what the operation actually calls."""

import re
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from gateway.app import create_app
from gateway.sandbox import Sandbox
from gateway.schema.query import PAYMENTS_PER_ORDER
from gateway.settings import Settings
from gateway.yuno.client import YunoClient
from tests.conftest import SERVICE_KEY, GatewayClient
from tests.storefront import create_checkout_session, create_customer, pay_session

BUDGET = 12


@pytest.fixture
def gateway_settings(settings: Settings) -> Settings:
    """Nothing cached across requests: each request's Yuno calls are its own."""
    return settings.model_copy(
        update={
            "max_operation_cost": BUDGET,
            "cache_ttl_customer": 0.0,
            "cache_ttl_payment_methods": 0.0,
        }
    )


async def costed(
    gateway: GatewayClient, document: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The response to a request that asks for its cost."""
    body = {"query": document, "variables": variables or {}, "extensions": {"cost": True}}
    headers = {"Authorization": gateway.authorization or ""}
    async with gateway.http.post(gateway.url, json=body, headers=headers) as response:
        assert response.status == 200, await response.text()
        answer: dict[str, Any] = await response.json()
        return answer


def customers(count: int) -> str:
    aliases = " ".join(f"c{n}: customer(id: $id) {{ email }}" for n in range(count))
    return f"query($id: ID!) {{ {aliases} }}"


async def test_an_operation_over_the_budget_is_refused_before_any_yuno_call(
    gateway: GatewayClient, sandbox: Sandbox
) -> None:
    customer_id = await create_customer(gateway)
    sandbox.clear_requests()

    refused = await costed(gateway, customers(BUDGET + 1), {"id": customer_id})

    (error,) = refused["errors"]
    assert error["extensions"]["code"] == "COST_LIMIT_EXCEEDED"
    assert f"{BUDGET + 1}" in error["message"]
    assert "data" not in refused or refused["data"] is None
    assert sandbox.requests == []


async def test_at_the_budget_it_runs_and_reports_estimate_and_actual_calls(
    gateway: GatewayClient, sandbox: Sandbox
) -> None:
    customer_id = await create_customer(gateway)
    sandbox.clear_requests()

    answer = await costed(gateway, customers(BUDGET), {"id": customer_id})

    assert "errors" not in answer
    # Twelve aliases of one customer are one Yuno call: the DataLoader's work.
    assert answer["extensions"]["cost"] == {"estimated": BUDGET, "actual": 1, "max": BUDGET}
    assert len(sandbox.requests) == 1


async def test_the_cost_is_reported_only_when_asked(gateway: GatewayClient) -> None:
    answer = await gateway.execute(customers(1), {"id": await create_customer(gateway)})
    assert "cost" not in (answer.get("extensions") or {})


async def test_a_list_multiplies_what_is_selected_in_it(
    gateway: GatewayClient, yuno: YunoClient, sandbox: Sandbox
) -> None:
    session_id = await create_checkout_session(gateway, await create_customer(gateway))
    await pay_session(gateway, yuno, session_id, capture=False)
    read = "query($id: ID!) { checkoutSession(id: $id) { merchantOrderId } }"
    order = (await gateway.data(read, {"id": session_id}))["checkoutSession"]["merchantOrderId"]
    document = """query($order: String!) {
      paymentsByMerchantOrderId(merchantOrderId: $order) { id %s } }"""
    sandbox.clear_requests()

    flat = await costed(gateway, document % "", {"order": order})
    deep = await costed(gateway, document % "customer { email }", {"order": order})

    assert flat["extensions"]["cost"] == {"estimated": 1, "actual": 1, "max": BUDGET}
    # One call for the list, then each of the (assumed) payments' customers: one customer,
    # so one call after the DataLoader.
    assert deep["extensions"]["cost"] == {
        "estimated": 1 + PAYMENTS_PER_ORDER,
        "actual": 2,
        "max": BUDGET,
    }


@pytest.mark.parametrize(
    ("directive", "variables", "estimated"),
    [
        ("@skip(if: $flag)", {"flag": True}, 1),
        ("@skip(if: $flag)", {"flag": False}, 2),
        ("@include(if: $flag)", {"flag": False}, 1),
        ("@include(if: true)", {}, 2),
    ],
)
async def test_skip_and_include_are_honoured(
    gateway: GatewayClient, directive: str, variables: dict[str, Any], estimated: int
) -> None:
    variables = {**variables, "id": await create_customer(gateway)}
    flag = "$flag: Boolean!, " if "$flag" in directive else ""
    document = (
        f"query({flag}$id: ID!) {{ customer(id: $id) {{ email "
        f"... {directive} {{ paymentMethods {{ id }} }} }} }}"
    )
    answer = await costed(gateway, document, variables)
    assert answer["extensions"]["cost"]["estimated"] == estimated


async def test_fragments_count_where_they_are_spread(gateway: GatewayClient) -> None:
    document = """
    query($id: ID!) { a: customer(id: $id) { ...Methods } b: customer(id: $id) { ...Methods } }
    fragment Methods on Customer { paymentMethods { id } }
    """
    answer = await costed(gateway, document, {"id": await create_customer(gateway)})
    assert answer["extensions"]["cost"]["estimated"] == 4


async def test_entities_cost_one_lookup_per_representation(
    gateway: GatewayClient, sandbox: Sandbox
) -> None:
    ids = [await create_customer(gateway, f"entity-{n}") for n in range(4)]
    document = """
    query($r: [_Any!]!) { _entities(representations: $r) {
      ... on Customer { email paymentMethods { id } } } }
    """

    def representations(n: int) -> dict[str, Any]:
        return {"r": [{"__typename": "Customer", "id": i} for i in ids[:n]]}

    within = await costed(gateway, document, representations(4))
    sandbox.clear_requests()
    over = await costed(gateway, document, representations(4) | {"r": representations(4)["r"] * 2})

    assert within["extensions"]["cost"]["estimated"] == 4 * (1 + 1)
    assert within["extensions"]["cost"]["actual"] <= 8
    assert over["errors"][0]["extensions"]["code"] == "COST_LIMIT_EXCEEDED"
    assert sandbox.requests == []


def readme_estimates() -> list[tuple[str, int]]:
    """The README's table of estimates: each operation (in backticks) and its figure."""
    text = (Path(__file__).parents[2] / "README.md").read_text()
    section = text.split("### Demand control", 1)[1].split("\n#", 1)[0]
    rows = re.findall(r"^\| `(.+?)`.*\| (\d+) \|$", section, re.MULTILINE)
    return [(document, int(figure)) for document, figure in rows]


def test_the_readme_has_a_table_of_estimates() -> None:
    assert len(readme_estimates()) >= 10


@pytest.mark.parametrize(("document", "documented"), readme_estimates())
async def test_the_readme_says_what_each_operation_is_estimated_to_cost(
    settings: Settings, document: str, documented: int
) -> None:
    """Sent with no variables (a mutation then stops at its missing input: nothing runs),
    but ``_entities`` with the router's 100 representations; at the default budget."""
    variables: dict[str, Any] = {}
    if "_entities" in document:
        variables["r"] = [{"__typename": "Customer", "id": f"c-{n}"} for n in range(100)]
    server = TestServer(create_app(settings), host="127.0.0.1")
    await server.start_server()
    try:
        async with aiohttp.ClientSession() as http:
            gateway = GatewayClient(http, str(server.make_url("/graphql")), f"Bearer {SERVICE_KEY}")
            answer = await costed(gateway, document, variables)
    finally:
        await server.close()
    assert answer["extensions"]["cost"]["estimated"] == documented, answer
