"""The async Yuno client: one typed method per endpoint the gateway uses.

Each method builds a ``Call``, lets the transport send it, and parses the answer into a model;
a body that does not fit its model is a ``YunoProtocolError``. Writes that Yuno deduplicates
carry an ``X-Idempotency-Key``: the caller's, or one made here, reused on every retry.
"""

import re
import uuid
from collections.abc import Mapping
from typing import Any, TypeVar

import aiohttp
from pydantic import BaseModel, TypeAdapter, ValidationError

from gateway.settings import Settings
from gateway.yuno import wire
from gateway.yuno.breaker import CircuitBreaker
from gateway.yuno.errors import YunoNotFound, YunoProtocolError
from gateway.yuno.models import (
    CheckoutSession,
    CheckoutSessionCreate,
    Customer,
    CustomerCreate,
    CustomerSession,
    CustomerSessionCreate,
    CustomerUpdate,
    OneTimeToken,
    Payment,
    PaymentCreate,
    PaymentMethod,
    TestCard,
)
from gateway.yuno.models.payment_methods import DirectEnrollment
from gateway.yuno.models.payments import PaymentMove
from gateway.yuno.retries import RetryPolicy
from gateway.yuno.transport import Call, Credentials, Transport

Model = TypeVar("Model", bound=BaseModel)

_METHODS = TypeAdapter(list[PaymentMethod])
_PAYMENTS = TypeAdapter(list[Payment])


def new_idempotency_key() -> str:
    return str(uuid.uuid4())


class YunoClient:
    """Talks to Yuno (or the emulator) for the whole process; ``async with`` or start/close."""

    def __init__(self, transport: Transport, account_id: str) -> None:
        self.transport = transport
        self.account_id = account_id

    @classmethod
    def from_settings(cls, settings: Settings) -> "YunoClient":
        if settings.yuno_private_secret_key is None or settings.yuno_public_api_key is None:
            raise ValueError("Yuno keys are not configured")
        transport = Transport(
            settings.yuno_base_url,
            Credentials(settings.yuno_public_api_key, settings.yuno_private_secret_key),
            timeout=aiohttp.ClientTimeout(
                total=settings.yuno_timeout, sock_connect=settings.yuno_connect_timeout
            ),
            retry=RetryPolicy(
                attempts=settings.yuno_retry_attempts,
                backoff=settings.yuno_retry_backoff,
                max_backoff=settings.yuno_retry_max_backoff,
                deadline=settings.yuno_retry_deadline,
            ),
            breaker=CircuitBreaker(settings.yuno_breaker_threshold, settings.yuno_breaker_reset),
            pool_size=settings.yuno_pool_size,
        )
        return cls(transport, settings.yuno_account_id or "")

    async def __aenter__(self) -> "YunoClient":
        await self.transport.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.transport.close()

    # -- customers ---------------------------------------------------------------------

    async def create_customer(self, customer: CustomerCreate) -> Customer:
        return await self._post("/customers", customer.body(), Customer)

    async def get_customer(self, customer_id: str) -> Customer:
        return await self._get(f"/customers/{_segment(customer_id)}", Customer)

    async def get_customer_by_merchant_id(self, merchant_customer_id: str) -> Customer:
        params = {"merchant_customer_id": merchant_customer_id}
        return await self._get("/customers", Customer, params=params)

    async def update_customer(self, customer_id: str, changes: CustomerUpdate) -> Customer:
        call = Call("PATCH", f"/customers/{_segment(customer_id)}", body=wire.dumps(changes.body()))
        return _parse(Customer, await self.transport.send(call))

    async def delete_customer(self, customer_id: str) -> None:
        """Yuno answers 202 with no body and deletes the customer at its providers too.
        Not retried: a DELETE carries no idempotency key."""
        call = Call(
            "DELETE",
            f"/customers/{_segment(customer_id)}",
            headers={"x-account-code": self.account_id},
        )
        await self.transport.send(call)

    # -- customer sessions and enrollment ----------------------------------------------

    async def create_customer_session(self, session: CustomerSessionCreate) -> CustomerSession:
        return await self._post(
            "/customers/sessions", self._account(session.body()), CustomerSession
        )

    async def list_enrollable_payment_methods(self, customer_session: str) -> list[PaymentMethod]:
        path = f"/checkout/customers/sessions/{_segment(customer_session)}/payment-methods"
        return _parse_list(_METHODS, await self.transport.send(Call("GET", path)))

    async def enroll_payment_method(
        self,
        customer_session: str,
        payment_method_type: str,
        country: str,
        idempotency_key: str | None = None,
    ) -> PaymentMethod:
        body = {"payment_method_type": payment_method_type, "country": country}
        path = f"/customers/sessions/{_segment(customer_session)}/payment-methods"
        return await self._post(
            path, self._account(body), PaymentMethod, keyed=True, idempotency_key=idempotency_key
        )

    async def enroll_payment_method_directly(
        self, customer_id: str, enrollment: DirectEnrollment, idempotency_key: str | None = None
    ) -> PaymentMethod:
        """The direct (PCI) flow: card data in the request, the outcome in the answer."""
        path = f"/customers/{_segment(customer_id)}/payment-methods"
        return await self._post(
            path,
            self._account(enrollment.body()),
            PaymentMethod,
            keyed=True,
            idempotency_key=idempotency_key,
        )

    async def get_enrolled_payment_method(
        self, customer_id: str, payment_method_id: str
    ) -> PaymentMethod:
        path = f"/customers/{_segment(customer_id)}/payment-methods/{_segment(payment_method_id)}"
        return await self._get(path, PaymentMethod)

    async def list_enrolled_payment_methods(self, customer_id: str) -> list[PaymentMethod]:
        path = f"/customers/{_segment(customer_id)}/payment-methods"
        return _parse_list(_METHODS, await self.transport.send(Call("GET", path)))

    async def unenroll_payment_method(
        self, customer_id: str, vaulted_token: str, idempotency_key: str | None = None
    ) -> PaymentMethod:
        path = (
            f"/customers/{_segment(customer_id)}/payment-methods/{_segment(vaulted_token)}/unenroll"
        )
        return await self._post(
            path, {}, PaymentMethod, keyed=True, idempotency_key=idempotency_key
        )

    # -- checkout sessions ---------------------------------------------------------------

    async def create_checkout_session(self, session: CheckoutSessionCreate) -> CheckoutSession:
        return await self._post(
            "/checkout/sessions", self._account(session.body()), CheckoutSession
        )

    async def update_checkout_session(
        self, session_id: str, session: CheckoutSessionCreate
    ) -> CheckoutSession:
        """Yuno's PATCH takes the create body again, required fields included."""
        call = Call(
            "PATCH",
            f"/checkout/sessions/{_segment(session_id)}",
            body=wire.dumps(self._account(session.body())),
        )
        return _parse(CheckoutSession, await self.transport.send(call))

    async def get_checkout_session(self, session_id: str) -> CheckoutSession:
        return await self._get(f"/checkout/sessions/{_segment(session_id)}", CheckoutSession)

    async def list_checkout_payment_methods(self, session_id: str) -> list[PaymentMethod]:
        path = f"/checkout/sessions/{_segment(session_id)}/payment-methods"
        return _parse_list(_METHODS, await self.transport.send(Call("GET", path)))

    async def create_one_time_token(self, session_id: str, card: TestCard) -> OneTimeToken:
        """Mint a one-time token the way Yuno's SDK does in the shopper's app."""
        body = {"payment_method": {"type": "CARD", "card": card.body()}}
        path = f"/checkout/sessions/{_segment(session_id)}/token"
        return await self._post(path, body, OneTimeToken)

    # -- payments ------------------------------------------------------------------------

    async def create_payment(
        self, payment: PaymentCreate, idempotency_key: str | None = None
    ) -> Payment:
        body = self._account(payment.body())
        return await self._post(
            "/payments", body, Payment, keyed=True, idempotency_key=idempotency_key
        )

    async def get_payment(self, payment_id: str) -> Payment:
        raw = await self.transport.send(Call("GET", f"/payments/{_segment(payment_id)}"))
        return _parse(Payment, raw, unwrap="payment")

    async def list_payments_by_merchant_order_id(self, merchant_order_id: str) -> list[Payment]:
        call = Call("GET", "/payments", params={"merchant_order_id": merchant_order_id})
        return _parse_list(_PAYMENTS, await self.transport.send(call), unwrap="payments")

    async def move_payment(
        self,
        payment_id: str,
        transaction_id: str,
        move: PaymentMove,
        idempotency_key: str | None = None,
    ) -> Payment:
        """Capture, cancel or refund (``move.action``) one of a payment's transactions.
        Yuno answers a capture or cancel with the new transaction, its payment embedded,
        and a refund with the payment itself: both read as the payment."""
        path = _transaction_path(payment_id, transaction_id, move.action)
        return await self._move(path, move, idempotency_key)

    async def cancel_or_refund(
        self, payment_id: str, request: PaymentMove, idempotency_key: str | None = None
    ) -> Payment:
        """Yuno cancels an authorization or refunds a charge, whichever the status allows."""
        path = f"/payments/{_segment(payment_id)}/{request.action}"
        return await self._move(path, request, idempotency_key)

    async def _move(self, path: str, move: PaymentMove, idempotency_key: str | None) -> Payment:
        return await self._post(
            path,
            move.body(),
            Payment,
            keyed=True,
            idempotency_key=idempotency_key,
            unwrap="payment",
        )

    # -- plumbing --------------------------------------------------------------------------

    def _account(self, body: Mapping[str, Any]) -> dict[str, Any]:
        return {"account_id": self.account_id, **{k: v for k, v in body.items() if v is not None}}

    async def _get(
        self, path: str, model: type[Model], params: Mapping[str, str] | None = None
    ) -> Model:
        return _parse(model, await self.transport.send(Call("GET", path, params=params)))

    async def _post(
        self,
        path: str,
        body: Mapping[str, Any],
        model: type[Model],
        *,
        keyed: bool = False,
        idempotency_key: str | None = None,
        unwrap: str | None = None,
    ) -> Model:
        """POST a body; ``keyed`` endpoints get the caller's idempotency key or a new one."""
        key = (idempotency_key or new_idempotency_key()) if keyed else None
        call = Call("POST", path, body=wire.dumps(body), idempotency_key=key)
        return _parse(model, await self.transport.send(call), unwrap=unwrap)


#: What a Yuno id or token looks like (uuid4 strings, in practice): nothing that could
#: change a path once aiohttp and yarl have normalized it ("%2e%2e", "/", "?", "#", "..").
_YUNO_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,127}")


def _segment(value: str) -> str:
    """Ids go into paths only when they have Yuno's shape; anything else is answered as
    Yuno answers an unknown id, without asking it."""
    if not _YUNO_ID.fullmatch(value):
        raise YunoNotFound("not a Yuno id", status=404, code="NOT_FOUND")
    return value


def _transaction_path(payment_id: str, transaction_id: str, action: str) -> str:
    return f"/payments/{_segment(payment_id)}/transactions/{_segment(transaction_id)}/{action}"


def _decode(raw: bytes, unwrap: str | None) -> Any:
    try:
        data = wire.loads(raw)
    except ValueError as exc:
        raise YunoProtocolError("Yuno answered with a body that is not JSON") from exc
    if unwrap and isinstance(data, dict) and isinstance(data.get(unwrap), dict | list):
        return data[unwrap]
    return data


def _parse(model: type[Model], raw: bytes, unwrap: str | None = None) -> Model:
    try:
        return model.model_validate(_decode(raw, unwrap))
    except ValidationError as exc:
        raise YunoProtocolError(f"unexpected {model.__name__} from Yuno: {_where(exc)}") from exc


def _parse_list(
    adapter: TypeAdapter[list[Model]], raw: bytes, unwrap: str = "payment_methods"
) -> list[Model]:
    try:
        return adapter.validate_python(_decode(raw, unwrap))
    except ValidationError as exc:
        raise YunoProtocolError(f"unexpected list from Yuno: {_where(exc)}") from exc


def _where(exc: ValidationError) -> str:
    """Which fields were wrong, without their values (they may hold tokens)."""
    return ", ".join(".".join(map(str, e["loc"])) for e in exc.errors()[:5])
