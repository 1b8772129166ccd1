"""The emulator's unauthenticated knobs cannot be turned by a web page the developer has
open: changes are JSON only, and never cross-site."""

import pytest

from tests.sandbox.api import Api

FAULT = '{"kind": "error_500"}'


@pytest.mark.parametrize(
    "headers",
    [
        {"content-type": "text/plain"},
        {"content-type": "application/x-www-form-urlencoded"},
        {"content-type": "application/json", "Origin": "https://evil.example"},
        {"content-type": "application/json", "Sec-Fetch-Site": "cross-site"},
    ],
    ids=["text-plain", "form", "foreign-origin", "cross-site"],
)
async def test_a_cross_site_change_is_refused(api: Api, headers: dict[str, str]) -> None:
    reply = await api.call("POST", "/_sandbox/faults", raw=FAULT, headers=headers)
    assert reply.status in (403, 415)
    assert api.sandbox.faults.rules == []


async def test_a_same_origin_json_change_is_taken(api: Api) -> None:
    origin = api.base
    reply = await api.call(
        "POST",
        "/_sandbox/faults",
        raw=FAULT,
        headers={"content-type": "application/json", "Origin": origin},
    )
    assert reply.status == 201
    assert len(api.sandbox.faults.rules) == 1
