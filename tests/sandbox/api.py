"""A thin HTTP client for the emulator plus the shopper/merchant steps the tests repeat.

Tests speak raw HTTP on purpose: the emulator is checked on its own, independently of the
gateway's Yuno client.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import orjson

from gateway.sandbox import DEV_ACCOUNT_ID, DEV_PRIVATE_SECRET_KEY, DEV_PUBLIC_API_KEY, Sandbox

CREDENTIALS = {"public-api-key": DEV_PUBLIC_API_KEY, "private-secret-key": DEV_PRIVATE_SECRET_KEY}
SDK_CREDENTIALS = {"public-api-key": DEV_PUBLIC_API_KEY}
VISA_SUCCEEDED = "4507990000000002"
VISA_INSUFFICIENT_FUNDS = "4507990000000010"
MASTERCARD_SUCCEEDED = "5252440000000002"
VISA_ERROR = "4507990000000077"


def card(number: str = VISA_SUCCEEDED) -> dict[str, Any]:
    return {
        "number": number,
        "expiration_month": 11,
        "expiration_year": 2099,
        "security_code": "123",
        "holder_name": "John Doe",
    }


@dataclass
class Clock:
    """A clock tests can move forward (session and idempotency expiry)."""

    now: datetime = field(default_factory=lambda: datetime(2026, 11, 26, 12, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, delta: timedelta) -> None:
        self.now += delta


@dataclass
class Reply:
    status: int
    body: Any
    raw: bytes
    headers: dict[str, str]


@dataclass
class Api:
    """Requests against one running emulator."""

    http: aiohttp.ClientSession
    base: str
    sandbox: Sandbox
    #: Servers a test started beside the emulator, closed with it.
    closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    async def call(
        self,
        method: str,
        path: str,
        body: object = None,
        *,
        key: str | None = None,
        headers: dict[str, str] | None = None,
        raw: str | None = None,
    ) -> Reply:
        sent = dict(CREDENTIALS if headers is None else headers)
        if key is not None:
            sent["X-Idempotency-Key"] = key
        data = raw.encode() if raw is not None else None
        if data is None and body is not None:
            data = orjson.dumps(body)
            sent["content-type"] = "application/json"
        async with self.http.request(method, self.base + path, data=data, headers=sent) as resp:
            content = await resp.read()
            parsed = orjson.loads(content) if content else None
            return Reply(resp.status, parsed, content, dict(resp.headers))

    def sandbox_headers(self) -> dict[str, str]:
        return dict(CREDENTIALS)

    async def customer(self, merchant_id: str = "merchant-1") -> dict[str, Any]:
        reply = await self.call("POST", "/v1/customers", {"merchant_customer_id": merchant_id})
        assert reply.status == 201, reply.body
        result: dict[str, Any] = reply.body
        return result

    async def enrolled_card(self, customer_id: str, number: str = VISA_SUCCEEDED) -> dict[str, Any]:
        """Customer session → enrollment → SDK card step; returns the ENROLLED method."""
        session = await self.call(
            "POST",
            "/v1/customers/sessions",
            {"account_id": DEV_ACCOUNT_ID, "customer_id": customer_id, "country": "CO"},
        )
        assert session.status == 201, session.body
        cs = session.body["customer_session"]
        enrollment = await self.call(
            "POST",
            f"/v1/customers/sessions/{cs}/payment-methods",
            {"account_id": DEV_ACCOUNT_ID, "payment_method_type": "CARD", "country": "CO"},
            key=f"enroll-{cs}",
        )
        assert enrollment.status == 201, enrollment.body
        sdk = await self.call(
            "POST",
            f"/v1/sdk/enrollments/{enrollment.body['id']}",
            {"card": card(number)},
            headers=SDK_CREDENTIALS,
        )
        assert sdk.status == 200, sdk.body
        result: dict[str, Any] = sdk.body
        return result

    async def checkout(
        self,
        customer_id: str | None = None,
        value: object = 26.9,
        description: str = "Test order",
        *,
        country: str = "CO",
        currency: str = "COP",
        callback_url: str | None = None,
    ) -> str:
        body: dict[str, Any] = {
            "account_id": DEV_ACCOUNT_ID,
            "merchant_order_id": "order-1",
            "payment_description": description,
            "country": country,
            "amount": {"currency": currency, "value": value},
        }
        if callback_url is not None:
            body["callback_url"] = callback_url
        if customer_id is not None:
            body["customer_id"] = customer_id
        reply = await self.call("POST", "/v1/checkout/sessions", body)
        assert reply.status == 200, reply.body
        session: str = reply.body["checkout_session"]
        return session

    async def token(self, session: str, number: str = VISA_SUCCEEDED) -> str:
        reply = await self.call(
            "POST",
            f"/v1/checkout/sessions/{session}/token",
            {"payment_method": {"type": "CARD", "card": card(number)}},
            headers=SDK_CREDENTIALS,
        )
        assert reply.status == 201, reply.body
        token: str = reply.body["token"]
        return token

    async def pay(
        self, number: str = VISA_SUCCEEDED, *, capture: bool = True, key: str = "pay-1"
    ) -> Reply:
        """A guest SDK-checkout payment with a one-time token."""
        session = await self.checkout()
        token = await self.token(session, number)
        method: dict[str, Any] = {"token": token}
        if not capture:
            method["detail"] = {"card": {"capture": False}}
        return await self.call("POST", "/v1/payments", payment_body(session, method), key=key)


def payment_body(session: str, method: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "account_id": DEV_ACCOUNT_ID,
        "checkout": {"session": session},
        "payment_method": method,
        **extra,
    }
