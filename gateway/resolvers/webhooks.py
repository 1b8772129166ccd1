"""What a verified Yuno webhook changes: subscribers hear about payments, caches forget
enrolled methods.

Each delivery counts once, however often Yuno retries it or an attacker replays it: a
delivery is known by its identity (yuno/webhooks.py) in a ledger of its own (events/ledger.py)
that no other traffic can flush, and an event whose object is older than the replay window
is refused outright, since the ledger forgets after that long. A payment state older than
the newest one published is not published again; when two states cannot be ordered (same
``updated_at``, or none), Yuno is asked for the payment and its answer is published instead.
"""

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import SecretStr

from gateway.events import EventBus
from gateway.events.ledger import Delivery, Order, WebhookLedger, ledger_for
from gateway.loaders import Upstream
from gateway.loaders.loaders import checkout_session_key, order_payments_key, payment_key
from gateway.yuno.errors import YunoProtocolError, YunoUnavailable
from gateway.yuno.models import Payment
from gateway.yuno.webhooks import EnrolledMethod, WebhookCredentials, WebhookEvent, parse_event

log = logging.getLogger(__name__)


def payment_topic(payment_id: str) -> str:
    return f"payment:{payment_id}"


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _text(secret: SecretStr | None) -> str | None:
    return None if secret is None else secret.get_secret_value()


@dataclass(frozen=True)
class WebhookReceiver:
    upstream: Upstream
    bus: EventBus
    credentials: WebhookCredentials
    ledger: WebhookLedger

    @classmethod
    def for_upstream(cls, upstream: Upstream, bus: EventBus) -> "WebhookReceiver":
        """The credentials come from settings; the ledger sits beside the lookup cache: in
        Redis when the cache is Redis."""
        cache, settings = upstream.cache, upstream.settings
        client = None if cache.in_process else getattr(cache.backend, "client", None)
        credentials = WebhookCredentials(
            _text(settings.yuno_webhook_secret),
            _text(settings.yuno_webhook_api_key),
            _text(settings.yuno_webhook_header_secret),
        )
        return cls(upstream, bus, credentials, ledger_for(client, settings.cache_namespace))

    @property
    def window(self) -> float:
        return self.upstream.settings.webhook_replay_window

    async def __call__(self, raw: bytes, headers: Mapping[str, str]) -> Delivery:
        if not self.credentials.verify(raw, headers):
            return Delivery.REFUSED_SIGNATURE
        try:
            event = parse_event(raw)
        except YunoProtocolError:
            return Delivery.MALFORMED
        delivery = await self._receive(event)
        level = logging.WARNING if delivery is Delivery.EXPIRED else logging.INFO
        extra = {"type_event": event.type_event, "retry": event.retry}
        log.log(level, "webhook %s", delivery.value, extra=extra)
        return delivery

    async def _receive(self, event: WebhookEvent) -> Delivery:
        identity, issued_at = event.identity, event.issued_at
        if identity is None or issued_at is None:
            return Delivery.IGNORED
        if (_utc_now() - issued_at).total_seconds() > self.window:
            return Delivery.EXPIRED
        if not await self.ledger.first_sighting(identity, self.window):
            return Delivery.DUPLICATE
        try:
            delivery = await self._apply(event)
        except BaseException:
            await self.ledger.forget(identity)  # Yuno's retry gets another chance
            raise
        if delivery is Delivery.UNAVAILABLE:
            await self.ledger.forget(identity)
        return delivery

    async def _apply(self, event: WebhookEvent) -> Delivery:
        delivery = Delivery.ACCEPTED
        if event.data.payment is not None:
            delivery = await self._publish(event.data.payment)
        if event.data.payment_method is not None:
            await self._refresh_methods(event.data.payment_method)
        return delivery

    async def _publish(self, payment: Payment) -> Delivery:
        order = await self._advance(payment)
        if order is Order.STALE:
            return Delivery.STALE
        if order is Order.TIE:
            try:
                payment = await self.upstream.client.get_payment(payment.id)
            except YunoUnavailable:
                log.warning("webhook order unsettled: Yuno unavailable", exc_info=True)
                return Delivery.UNAVAILABLE
            if await self._advance(payment) is Order.STALE:  # Yuno's word settles a tie
                return Delivery.STALE
        await self._changed(payment)  # before subscribers hear: their next read is fresh
        await self.bus.publish(payment_topic(payment.id), payment.model_dump_json().encode())
        return Delivery.ACCEPTED

    async def _changed(self, payment: Payment) -> None:
        """Answers that showed this payment, listed its order's, or its session."""
        keys = [payment_key(payment.id), order_payments_key(payment.merchant_order_id)]
        if payment.checkout is not None and payment.checkout.session:
            keys.append(checkout_session_key(payment.checkout.session))
        await self.upstream.cache.invalidate(*keys)

    async def _advance(self, payment: Payment) -> Order:
        """How this state compares to the newest known; recorded if newer. Without an
        ``updated_at`` it cannot be ordered at all."""
        if payment.updated_at is None:
            return Order.TIE
        state = f"{payment.status}/{payment.sub_status or ''}"
        return await self.ledger.advance(payment.id, payment.updated_at, state, self.window)

    async def _refresh_methods(self, method: EnrolledMethod) -> None:
        if method.customer_id:
            await self.upstream.forget_methods_of(method.customer_id)
