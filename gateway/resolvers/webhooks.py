"""What a verified Yuno webhook changes: subscribers hear about payments, caches forget
enrolled methods. Each delivery counts once, however often Yuno retries it."""

import logging
from dataclasses import dataclass

from pydantic import SecretStr

from gateway.events import EventBus
from gateway.loaders import Upstream
from gateway.loaders.loaders import customer_methods_key
from gateway.yuno.errors import YunoProtocolError
from gateway.yuno.webhooks import WebhookEvent, parse_event, signature_matches

log = logging.getLogger(__name__)

#: Yuno retries a delivery for days; a day of memory catches the retries that matter.
DEDUPE_TTL = 24 * 3600.0


def payment_topic(payment_id: str) -> str:
    return f"payment:{payment_id}"


@dataclass(frozen=True)
class WebhookReceiver:
    upstream: Upstream
    bus: EventBus
    secret: SecretStr | None

    async def __call__(self, raw: bytes, signature: str | None) -> int:
        """The HTTP status to answer Yuno with."""
        if self.secret is None or not signature_matches(
            self.secret.get_secret_value(), raw, signature
        ):
            return 401
        try:
            event = parse_event(raw)
        except YunoProtocolError:
            return 400
        if await self.upstream.cache.claim(f"webhook:{event.dedupe_key}", DEDUPE_TTL):
            await self._apply(event)
        return 200

    async def _apply(self, event: WebhookEvent) -> None:
        payment, method = event.data.payment, event.data.payment_method
        if payment is not None:
            await self.bus.publish(payment_topic(payment.id), payment.model_dump_json().encode())
        if method is not None and method.customer_id:
            cache = self.upstream.cache
            await cache.invalidate(customer_methods_key(method.customer_id))
            await cache.bump(method.customer_id, self.upstream.settings.cache_ttl_payment_methods)
        log.info("webhook applied", extra={"type_event": event.type_event})
