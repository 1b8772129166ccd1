"""Idempotency keys (yuno-api.md §1.4): replay, in-process, scoping, expiry."""

import asyncio
from datetime import timedelta

from tests.sandbox.api import Api, Clock, payment_body
from tests.services import eventually


def _creations(api: Api) -> int:
    return len(api.sandbox.store.payments)


async def test_idempotency_replay_returns_original_bytes(api: Api) -> None:
    session = await api.checkout()
    token = await api.token(session)
    body = payment_body(session, {"token": token})

    first = await api.call("POST", "/v1/payments", body, key="same")
    retry = await api.call("POST", "/v1/payments", {"ignored": True}, key="same")

    assert (first.status, retry.status) == (201, 201)
    assert retry.raw == first.raw
    assert _creations(api) == 1
    keys = [r.idempotency_key for r in api.sandbox.requests if r.path == "/v1/payments"]
    assert keys == ["same", "same"]


async def test_idempotency_key_required(api: Api) -> None:
    session = await api.checkout()
    token = await api.token(session)

    reply = await api.call("POST", "/v1/payments", payment_body(session, {"token": token}))

    assert (reply.status, reply.body["code"]) == (400, "MISSING_PARAMETERS")
    assert "X-Idempotency-Key" in reply.body["messages"][0]


async def test_idempotency_request_in_process(api: Api) -> None:
    session = await api.checkout()
    token = await api.token(session)
    body = payment_body(session, {"token": token})
    api.sandbox.set_latency(200)

    slow = asyncio.create_task(api.call("POST", "/v1/payments", body, key="busy"))
    await eventually(lambda: api.sandbox.in_flight > 0)
    busy = await api.call("POST", "/v1/payments", body, key="busy")
    first = await slow

    assert (busy.status, busy.body["code"]) == (400, "REQUEST_IN_PROCESS")
    assert first.status == 201
    assert _creations(api) == 1


async def test_idempotency_failed_validation_does_not_consume_key(api: Api) -> None:
    session = await api.checkout()
    token = await api.token(session)

    bad = await api.call("POST", "/v1/payments", {"account_id": "x"}, key="k")
    good = await api.call("POST", "/v1/payments", payment_body(session, {"token": token}), key="k")

    assert bad.status == 400
    assert good.status == 201


async def test_idempotency_keys_are_scoped_per_endpoint(api: Api) -> None:
    payment = (await api.pay(key="shared")).body
    path = f"/v1/payments/{payment['id']}/transactions/{payment['transactions']['id']}/refund"

    refund = await api.call("POST", path, {"merchant_reference": "ref-1"}, key="shared")

    assert refund.status == 200
    assert refund.body["status"] == "REFUNDED"


async def test_idempotency_replayed_refund_does_not_refund_twice(api: Api) -> None:
    payment = (await api.pay()).body
    path = f"/v1/payments/{payment['id']}/transactions/{payment['transactions']['id']}/refund"
    amount = {"merchant_reference": "ref-1", "amount": {"currency": "COP", "value": 5}}

    first = await api.call("POST", path, amount, key="refund")
    second = await api.call("POST", path, amount, key="refund")

    assert second.raw == first.raw
    assert api.sandbox.store.payments[payment["id"]].refunded == 5


async def test_idempotency_key_expires_after_ttl(api: Api, clock: Clock) -> None:
    first = await api.pay(key="old")
    clock.advance(timedelta(hours=25))

    again = await api.pay(key="old")

    assert again.body["id"] != first.body["id"]
