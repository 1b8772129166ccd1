"""The emulator logs and answers with field names and lengths, never the caller's values:
a card number hidden in an over-long ``merchant_customer_id`` stays out of every log line."""

import logging
import re

import pytest
from aiohttp.test_utils import TestServer

from tests.sandbox.api import CREDENTIALS, VISA_SUCCEEDED, Api

CARD_IN_NINE_KB = VISA_SUCCEEDED + "-padding" * 1125  # 9 KB, the card first


@pytest.fixture
def logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)
    return caplog


def assert_no_card(text: str) -> None:
    assert VISA_SUCCEEDED not in text
    assert re.search(r"\d{13,}", text) is None


async def test_overlong_request_line_is_logged_without_its_bytes(
    api: Api, emulator: TestServer, logs: pytest.LogCaptureFixture
) -> None:
    url = emulator.make_url("/v1/customers").with_query(merchant_customer_id=CARD_IN_NINE_KB)

    async with api.http.get(url, headers=CREDENTIALS) as response:
        assert response.status == 400

    assert "LineTooLong" in logs.text  # the parser error is still reported
    assert "(no route)" in logs.text
    assert_no_card(logs.text)


async def test_overlong_merchant_customer_id_is_refused_by_name_not_value(
    api: Api, logs: pytest.LogCaptureFixture
) -> None:
    reply = await api.call(
        "POST", "/v1/customers", {"merchant_customer_id": CARD_IN_NINE_KB}, key="k-1"
    )

    assert (reply.status, reply.body["code"]) == (400, "INVALID_PARAMETERS")
    assert '"POST /v1/customers" 400' in logs.text
    assert_no_card(logs.text + reply.raw.decode())


async def test_lookups_name_routes_not_ids(api: Api, logs: pytest.LogCaptureFixture) -> None:
    by_id = await api.call("GET", f"/v1/customers/{VISA_SUCCEEDED}")
    by_merchant_id = await api.call("GET", f"/v1/customers?merchant_customer_id={VISA_SUCCEEDED}")
    payment = await api.call("GET", f"/v1/payments/{VISA_SUCCEEDED}")

    assert [r.body["code"] for r in (by_id, by_merchant_id, payment)] == [
        "CUSTOMER_NOT_FOUND",
        "CUSTOMER_NOT_FOUND",
        "PAYMENT_NOT_FOUND",
    ]
    assert "/v1/customers/{customer_id}" in logs.text
    assert_no_card(logs.text + b"".join(r.raw for r in (by_id, by_merchant_id, payment)).decode())


async def test_duplicate_merchant_customer_id_is_not_echoed(
    api: Api, logs: pytest.LogCaptureFixture
) -> None:
    await api.customer(f"m-{VISA_SUCCEEDED}")

    again = await api.call("POST", "/v1/customers", {"merchant_customer_id": f"m-{VISA_SUCCEEDED}"})

    assert again.body["code"] == "CUSTOMER_ID_DUPLICATED"
    assert_no_card(logs.text + again.raw.decode())


async def test_unknown_routes_are_not_echoed(api: Api, logs: pytest.LogCaptureFixture) -> None:
    reply = await api.call("GET", f"/v1/nothing/{VISA_SUCCEEDED}")

    assert (reply.status, reply.body["code"]) == (404, "NOT_FOUND")
    assert_no_card(logs.text + reply.raw.decode())
