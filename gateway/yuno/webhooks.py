"""Yuno's webhooks: the signature check, the envelope, and what identifies one delivery.

Yuno signs each delivery with ``x-hmac-signature`` = Base64(HMAC-SHA256(secret, raw body));
it is checked over the raw bytes, in constant time, before anything is parsed. The
signature covers no timestamp (yuno-api.md §7.3), so a captured delivery stays valid
forever: what protects against replays is the event's identity and the age of the object
it carries (``updated_at``), both read here.
"""

import base64
import hashlib
import hmac
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
        return WebhookEvent.model_validate(document)
    except (ValueError, ValidationError) as exc:
        raise YunoProtocolError("not a Yuno webhook") from exc
