"""Yuno's webhooks: how a delivery proves it comes from Yuno, its two shapes, and what
identifies one delivery.

Yuno authenticates a delivery as the merchant configured it (yuno-api.md §7.3): an
``x-hmac-signature`` = Base64(HMAC-SHA256(secret, raw body)), static ``x-api-key`` and
``x-secret`` headers, or both; every configured one must match, in constant time, before
anything is parsed. Neither covers a timestamp, so a captured delivery stays valid
forever: what protects against replays is the event's identity and the age of the object
it carries (``updated_at``), both read here. The body is the v2 envelope (``type``,
``type_event``, ``data``) or Yuno's legacy v1 shape (the payment alone, at the top level).
"""

import base64
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError, field_validator

from gateway.yuno import wire
from gateway.yuno.errors import YunoProtocolError
from gateway.yuno.models import Payment, PaymentMethod
from gateway.yuno.models.common import YunoModel


def signature(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def signature_matches(secret: str, body: bytes, given: str | None) -> bool:
    if not given:
        return False
    expected = signature(secret, body).encode()
    return hmac.compare_digest(expected, given.encode("utf-8", "surrogateescape"))


def header_matches(expected: str, given: str | None) -> bool:
    if not given:
        return False
    return hmac.compare_digest(expected.encode(), given.encode("utf-8", "surrogateescape"))


@dataclass(frozen=True)
class WebhookCredentials:
    """What the merchant configured at Yuno for its webhook: an HMAC secret, a static
    ``x-api-key``/``x-secret`` pair, or both. With neither, nothing is ever accepted."""

    hmac_secret: str | None = None
    api_key: str | None = None
    secret: str | None = None

    @property
    def configured(self) -> bool:
        return bool(self.hmac_secret or (self.api_key and self.secret))

    def verify(self, body: bytes, headers: Mapping[str, str]) -> bool:
        if not self.configured:
            return False
        if self.hmac_secret is not None and not signature_matches(
            self.hmac_secret, body, headers.get("x-hmac-signature")
        ):
            return False
        if self.api_key and self.secret:
            key_ok = header_matches(self.api_key, headers.get("x-api-key"))
            secret_ok = header_matches(self.secret, headers.get("x-secret"))
            return key_ok and secret_ok
        return True


class EnrolledMethod(PaymentMethod):
    customer_id: str | None = None


class EventData(YunoModel):
    payment: Payment | None = None
    payment_method: EnrolledMethod | None = None
    idempotency_key: str | None = None


class WebhookEvent(YunoModel):
    type: str
    type_event: str
    #: 0 on Yuno's first attempt, then 1, 2, ...: the only part of the body a retry changes.
    retry: int = 0
    data: EventData

    @field_validator("type_event")
    @classmethod
    def _known_shape(cls, value: str) -> str:
        if "." not in value:
            raise ValueError("type_event is '<type>.<event>'")
        return value

    @property
    def identity(self) -> str | None:
        """The same for every retry of one delivery, different for each change Yuno reports
        (yuno-api.md §7.1: ``data.idempotency_key`` with ``type_event``, and the object's
        state, since enrollment events carry no key). None when the event carries neither
        a payment nor a payment method."""
        payment, method = self.data.payment, self.data.payment_method
        if payment is not None:
            parts = [self.data.idempotency_key, payment.id, payment.status, payment.sub_status]
            moment = payment.updated_at
        elif method is not None:
            parts = [method.customer_id, method.vaulted_token or method.id, method.status]
            moment = method.updated_at
        else:
            return None
        fields = [self.type_event, *(part or "" for part in parts), _instant(moment)]
        return hashlib.sha256("\x1f".join(fields).encode()).hexdigest()

    @property
    def issued_at(self) -> datetime | None:
        """When the reported object last changed, in UTC: how old the event is."""
        payment, method = self.data.payment, self.data.payment_method
        if payment is not None:
            return as_utc(payment.updated_at or payment.created_at)
        if method is not None:
            return as_utc(method.updated_at or method.created_at)
        return None


def as_utc(moment: datetime | None) -> datetime | None:
    """Yuno writes UTC; a timestamp without an offset is read as UTC too."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def _instant(moment: datetime | None) -> str:
    utc = as_utc(moment)
    return "" if utc is None else utc.astimezone(UTC).isoformat()


def parse_event(raw: bytes) -> WebhookEvent:
    try:
        document: Any = wire.loads(raw)
        if _legacy(document):
            return _from_legacy(Payment.model_validate(document["payment"]))
        return WebhookEvent.model_validate(document)
    except (ValueError, ValidationError) as exc:
        raise YunoProtocolError("not a Yuno webhook") from exc


def _legacy(document: Any) -> bool:
    """Yuno's v1 deliveries carry the payment at the top level, with no envelope."""
    return isinstance(document, dict) and "type_event" not in document and "payment" in document


def _from_legacy(payment: Payment) -> WebhookEvent:
    """A v1 delivery as the v2 event it stands for: its event named after the payment's
    latest transaction (``payment.purchase``, ``payment.refund``...)."""
    latest = payment.latest_transaction
    event = (latest.type or "payment").lower() if latest else "payment"
    return WebhookEvent(
        type="payment",
        type_event=f"payment.{event}",
        data=EventData(payment=payment, idempotency_key=payment.idempotency_key),
    )
