"""Yuno's webhooks: the signature check and the envelope.

Yuno signs each delivery with ``x-hmac-signature`` = Base64(HMAC-SHA256(secret, raw body));
it is checked over the raw bytes, in constant time, before anything is parsed.
"""

import base64
import hashlib
import hmac
from typing import Any

import orjson
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
    data: EventData
    dedupe_key: str = ""

    @field_validator("type_event")
    @classmethod
    def _known_shape(cls, value: str) -> str:
        if "." not in value:
            raise ValueError("type_event is '<type>.<event>'")
        return value


def parse_event(raw: bytes) -> WebhookEvent:
    """The envelope, with a key that is the same for every retry of one delivery."""
    try:
        document: Any = wire.loads(raw)
        event = WebhookEvent.model_validate(document)
    except (ValueError, ValidationError) as exc:
        raise YunoProtocolError("not a Yuno webhook") from exc
    data = document.get("data") if isinstance(document, dict) else None
    fingerprint = (
        event.data.idempotency_key
        or hashlib.sha256(orjson.dumps(data, option=orjson.OPT_SORT_KEYS, default=str)).hexdigest()
    )
    return event.model_copy(update={"dedupe_key": f"{event.type_event}:{fingerprint}"})
