"""Scripted faults, latency and the request log, through the admin API and in process."""

import asyncio
import time

import aiohttp
import pytest

from gateway.sandbox import FaultRule
from tests.sandbox.api import Api


async def _admin(api: Api, method: str, path: str, body: object = None) -> int:
    reply = await api.call(method, path, body, headers={})
    return reply.status


@pytest.mark.parametrize(
    ("kind", "status", "code"),
    [
        ("error_500", 500, "INTERNAL_ERROR"),
        ("error_503", 503, "SERVICE_UNAVAILABLE"),
        ("error_429", 429, "RATE_LIMIT_EXCEEDED"),
    ],
)
async def test_fault_error_kinds_answer_without_processing(
    api: Api, kind: str, status: int, code: str
) -> None:
    assert await _admin(api, "POST", "/_sandbox/faults", {"kind": kind, "count": 1}) == 201

    faulted = await api.call("POST", "/v1/customers", {"merchant_customer_id": "m"})
    after = await api.call("POST", "/v1/customers", {"merchant_customer_id": "m"})

    assert (faulted.status, faulted.body["code"]) == (status, code)
    assert after.status == 201
    assert len(api.sandbox.store.customers) == 1
    assert [r.fault for r in api.sandbox.requests] == [kind, None]
    if kind == "error_429":
        assert faulted.headers["Retry-After"] == "1"


async def test_fault_timeout_answers_504_without_processing(api: Api) -> None:
    api.sandbox.add_fault(FaultRule("timeout", count=1, hold_seconds=0.05))

    reply = await api.call("POST", "/v1/customers", {"merchant_customer_id": "m"})

    assert (reply.status, reply.body["code"]) == (504, "REQUEST_TIMEOUT")
    assert api.sandbox.store.customers == {}


async def test_fault_timeout_after_processing_keeps_state_and_key(api: Api) -> None:
    session = await api.checkout()
    token = await api.token(session)
    api.sandbox.add_fault(
        FaultRule("timeout_after_processing", count=1, path_prefix="/v1/payments", hold_seconds=0.3)
    )
    body = {"account_id": api.sandbox.config.account_id, "checkout": {"session": session}}
    body["payment_method"] = {"token": token}

    with pytest.raises(
        TimeoutError
    ):  # the client gives up, as a gateway with a short timeout would
        async with asyncio.timeout(0.1):
            await api.call("POST", "/v1/payments", body, key="slow")
    retry = await api.call("POST", "/v1/payments", body, key="slow")

    assert retry.status == 201
    assert len(api.sandbox.store.payments) == 1


async def test_fault_drop_closes_connection(api: Api) -> None:
    api.sandbox.add_fault(FaultRule("drop", count=1, method="POST"))

    with pytest.raises(aiohttp.ClientError):
        await api.call("POST", "/v1/customers", {"merchant_customer_id": "m"})

    assert api.sandbox.store.customers == {}
    assert api.sandbox.requests[-1].status is None
    assert api.sandbox.requests[-1].fault == "drop"


async def test_fault_matches_method_and_path_prefix(api: Api) -> None:
    api.sandbox.add_fault(FaultRule("error_503", count=None, path_prefix="/v1/payments"))

    customer = await api.call("POST", "/v1/customers", {"merchant_customer_id": "m"})
    payments = await api.call("GET", "/v1/payments?merchant_order_id=x")

    assert customer.status == 201
    assert payments.status == 503


async def test_fault_ratio_is_seedable(api: Api) -> None:
    async def pattern() -> list[int]:
        api.sandbox.clear_faults()
        await _admin(
            api, "POST", "/_sandbox/faults", {"kind": "error_500", "ratio": 0.5, "seed": 7}
        )
        return [(await api.call("GET", "/v1/customers/x")).status for _ in range(12)]

    first, second = await pattern(), await pattern()

    assert first == second
    assert {500, 400} == set(first)


async def test_fault_admin_clear(api: Api) -> None:
    await _admin(api, "POST", "/_sandbox/faults", {"kind": "error_500"})

    assert await _admin(api, "DELETE", "/_sandbox/faults") == 204
    reply = await api.call("GET", "/v1/customers/x")

    assert reply.status == 400


async def test_fault_admin_rejects_unknown_kind(api: Api) -> None:
    assert await _admin(api, "POST", "/_sandbox/faults", {"kind": "meteor"}) == 400


async def test_latency_is_added_to_v1_requests(api: Api) -> None:
    assert await _admin(api, "PUT", "/_sandbox/latency", {"latency_ms": 80}) == 200

    started = time.monotonic()
    await api.call("GET", "/v1/customers/x")

    assert time.monotonic() - started >= 0.08


async def test_request_log_records_and_clears(api: Api) -> None:
    headers = {**api.sandbox_headers(), "X-Request-ID": "req-1"}
    await api.call("POST", "/v1/customers", {"merchant_customer_id": "m"}, headers=headers)

    listed = await api.call("GET", "/_sandbox/requests", headers={})
    cleared = await _admin(api, "DELETE", "/_sandbox/requests")

    (record,) = listed.body["requests"]
    assert record["method"] == "POST"
    assert record["path"] == "/v1/customers"
    assert record["status"] == 201
    assert record["request_id"] == "req-1"
    assert '"merchant_customer_id"' in record["body"]
    assert record["at"].endswith("Z")
    assert cleared == 204
    assert api.sandbox.requests == []


async def test_reset_clears_everything(api: Api) -> None:
    await api.customer()
    api.sandbox.add_fault(FaultRule("error_500", path_prefix="/v1/nothing"))

    assert await _admin(api, "POST", "/_sandbox/reset") == 204

    assert api.sandbox.store.customers == {}
    assert api.sandbox.requests == []
    assert api.sandbox.faults.rules == []
