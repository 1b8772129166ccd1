"""The client against the emulator's scripted faults: what it retries, how often, with which key.

Assertions read the emulator's request log (attempts, statuses, idempotency keys), never the
clock. Held faults outlast the client's timeout; the emulator logs a held request only when
it lets go of it, so tests wait for the log before reading it. The breaker's timing is
unit-tested with a fake clock.
"""

import asyncio
from decimal import Decimal
from typing import get_args

import pytest
from pydantic import SecretStr

from gateway.sandbox import FaultKind, FaultRule, RequestRecord, Sandbox, SandboxConfig
from gateway.settings import Settings
from gateway.yuno.breaker import BreakerState, CircuitBreaker
from gateway.yuno.client import YunoClient
from gateway.yuno.errors import (
    YunoAuthError,
    YunoCircuitOpen,
    YunoConnectionError,
    YunoError,
    YunoNotFound,
    YunoRequestError,
    YunoRequestNotSent,
    YunoServerError,
    YunoTimeout,
    YunoUnavailable,
)
from gateway.yuno.models import CustomerUpdate, PaymentCreate
from gateway.yuno.models.common import MoneyRequest
from gateway.yuno.models.payments import CheckoutRequest, PaymentMethodRequest
from gateway.yuno.transport import Call
from tests.yuno.test_client_flows import new_customer, pay

#: The client's per-attempt timeout here, and how long held faults keep a request (longer).
TIMEOUT = 0.5
HOLD = 1.0
#: A breaker reset short enough to wait for, and one no test outlives.
SHORT_RESET = 0.2
LONG_RESET = 60.0

#: Faults a retry can get past; each is injected twice before the call under test.
TRANSIENT_FAULTS = ("error_500", "error_503", "error_429", "drop", "timeout")
#: Where each fault the emulator can produce lands in the client's error tree.
FAULT_ERRORS: dict[str, type[YunoError]] = {
    "error_500": YunoServerError,
    "error_503": YunoServerError,
    "error_429": YunoServerError,
    "timeout": YunoTimeout,
    "timeout_after_processing": YunoTimeout,
    "drop": YunoConnectionError,
}


def client_settings(
    sandbox_url: str,
    config: SandboxConfig,
    *,
    attempts: int = 3,
    threshold: int = 5,
    reset: float = LONG_RESET,
    deadline: float = 25.0,
    secret: str | None = None,
) -> Settings:
    return Settings(
        yuno_public_api_key=config.public_api_key,
        yuno_private_secret_key=SecretStr(secret or config.private_secret_key),
        yuno_account_id=config.account_id,
        yuno_api_url=sandbox_url,
        yuno_timeout=TIMEOUT,
        yuno_retry_attempts=attempts,
        yuno_retry_backoff=0.01,
        yuno_retry_max_backoff=0.05,
        yuno_retry_deadline=deadline,
        yuno_breaker_threshold=threshold,
        yuno_breaker_reset=reset,
    )


@pytest.fixture
def settings(sandbox_url: str, sandbox_config: SandboxConfig) -> Settings:
    """The shared ``yuno`` client, with a timeout the held faults outlast."""
    return client_settings(sandbox_url, sandbox_config)


async def logged(sandbox: Sandbox, method: str, path: str, count: int) -> list[RequestRecord]:
    """The ``method path`` requests in the order they arrived, once ``count`` are logged."""

    def matching() -> list[RequestRecord]:
        return [r for r in sandbox.requests if (r.method, r.path) == (method, path)]

    async with asyncio.timeout(HOLD * 5):
        # The log is a plain list with nothing to wait on; poll it until the held request lands.
        while len(matching()) < count:  # noqa: ASYNC110
            await asyncio.sleep(0.01)
    return sorted(matching(), key=lambda record: record.at)


def get_customer_fault(kind: FaultKind, count: int | None) -> FaultRule:
    return FaultRule(
        kind, count=count, method="GET", path_prefix="/v1/customers/", hold_seconds=HOLD
    )


def payment_fault(kind: FaultKind, count: int | None) -> FaultRule:
    return FaultRule(
        kind, count=count, method="POST", path_prefix="/v1/payments", hold_seconds=HOLD
    )


# -- what is retried ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", TRANSIENT_FAULTS)
async def test_get_is_retried_after_a_transient_fault(
    yuno: YunoClient, sandbox: Sandbox, kind: FaultKind
) -> None:
    customer = await new_customer(yuno)
    sandbox.add_fault(get_customer_fault(kind, count=2))

    fetched = await yuno.get_customer(customer.id)

    assert fetched.id == customer.id
    attempts = await logged(sandbox, "GET", f"/v1/customers/{customer.id}", 3)
    assert [r.fault for r in attempts] == [kind, kind, None]
    assert [r.status == 200 for r in attempts] == [False, False, True]


async def test_create_payment_retried_after_500s_creates_one_payment_under_one_key(
    yuno: YunoClient, sandbox: Sandbox
) -> None:
    customer = await new_customer(yuno)
    sandbox.add_fault(payment_fault("error_500", count=2))

    payment = await pay(yuno, customer)

    attempts = await logged(sandbox, "POST", "/v1/payments", 3)
    assert [r.status for r in attempts] == [500, 500, 201]
    [key] = {r.idempotency_key for r in attempts}
    assert key
    assert len({r.body for r in attempts}) == 1
    created = await yuno.list_payments_by_merchant_order_id(payment.merchant_order_id)
    assert [p.id for p in created] == [payment.id]


async def test_create_payment_timed_out_after_processing_is_recovered_by_its_key(
    yuno: YunoClient, sandbox: Sandbox
) -> None:
    customer = await new_customer(yuno)
    sandbox.add_fault(payment_fault("timeout_after_processing", count=1))

    payment = await pay(yuno, customer)

    created = await yuno.list_payments_by_merchant_order_id(payment.merchant_order_id)
    assert [p.id for p in created] == [payment.id]
    attempts = await logged(sandbox, "POST", "/v1/payments", 2)
    assert [r.fault for r in attempts] == ["timeout_after_processing", None]
    assert attempts[-1].status == 201
    [key] = {r.idempotency_key for r in attempts}
    assert key


async def test_create_customer_is_not_retried_after_a_500(
    yuno: YunoClient, sandbox: Sandbox
) -> None:
    sandbox.add_fault(FaultRule("error_500", count=1, method="POST", path_prefix="/v1/customers"))

    with pytest.raises(YunoServerError) as raised:
        await new_customer(yuno)

    assert raised.value.status == 500
    [attempt] = await logged(sandbox, "POST", "/v1/customers", 1)
    assert attempt.idempotency_key is None
    assert len(sandbox.requests) == 1


async def test_update_customer_is_not_retried_after_a_500(
    yuno: YunoClient, sandbox: Sandbox
) -> None:
    customer = await new_customer(yuno)
    sandbox.add_fault(FaultRule("error_500", count=1, method="PATCH"))

    with pytest.raises(YunoServerError):
        await yuno.update_customer(customer.id, CustomerUpdate(last_name="Doe"))

    assert len(await logged(sandbox, "PATCH", f"/v1/customers/{customer.id}", 1)) == 1
    assert (await yuno.get_customer(customer.id)).last_name is None


async def test_get_refusal_is_not_retried(yuno: YunoClient, sandbox: Sandbox) -> None:
    with pytest.raises(YunoNotFound) as raised:
        await yuno.get_customer("no-such-customer")

    assert raised.value.code == "CUSTOMER_NOT_FOUND"
    assert len(sandbox.requests) == 1


async def test_create_payment_refusal_is_not_retried(yuno: YunoClient, sandbox: Sandbox) -> None:
    refused = PaymentCreate(
        description="No session",
        country="CO",
        merchant_order_id="order-0001",
        amount=MoneyRequest(value=Decimal("1"), currency="COP"),
        checkout=CheckoutRequest(session="no-such-session"),
        payment_method=PaymentMethodRequest(token="no-such-token"),
    )

    with pytest.raises(YunoRequestError) as raised:
        await yuno.create_payment(refused)

    assert raised.value.status is not None
    assert 400 <= raised.value.status < 500
    assert len(sandbox.requests) == 1


# -- how often ---------------------------------------------------------------------------


@pytest.mark.parametrize("attempts", [1, 2, 4])
async def test_get_retries_are_bounded_by_the_attempts_setting(
    sandbox: Sandbox, sandbox_url: str, sandbox_config: SandboxConfig, attempts: int
) -> None:
    tuned = client_settings(sandbox_url, sandbox_config, attempts=attempts, threshold=10)
    async with YunoClient.from_settings(tuned) as client:
        customer = await new_customer(client)
        sandbox.add_fault(get_customer_fault("error_503", count=None))

        with pytest.raises(YunoServerError):
            await client.get_customer(customer.id)

    assert len(await logged(sandbox, "GET", f"/v1/customers/{customer.id}", attempts)) == attempts


async def test_get_retries_are_bounded_when_connections_drop(
    sandbox: Sandbox, sandbox_url: str, sandbox_config: SandboxConfig
) -> None:
    tuned = client_settings(sandbox_url, sandbox_config, attempts=2, threshold=10)
    async with YunoClient.from_settings(tuned) as client:
        customer = await new_customer(client)
        sandbox.add_fault(get_customer_fault("drop", count=None))

        with pytest.raises(YunoConnectionError):
            await client.get_customer(customer.id)

    assert len(await logged(sandbox, "GET", f"/v1/customers/{customer.id}", 2)) == 2


async def test_create_payment_retries_are_bounded_and_share_one_key(
    yuno: YunoClient, sandbox: Sandbox, settings: Settings
) -> None:
    customer = await new_customer(yuno)
    sandbox.add_fault(payment_fault("drop", count=None))

    with pytest.raises(YunoConnectionError):
        await pay(yuno, customer)

    attempts = await logged(sandbox, "POST", "/v1/payments", settings.yuno_retry_attempts)
    assert len(attempts) == settings.yuno_retry_attempts
    assert len({r.idempotency_key for r in attempts}) == 1
    assert [r.status for r in attempts] == [None] * settings.yuno_retry_attempts


async def test_retries_stop_at_the_deadline(
    sandbox: Sandbox, sandbox_url: str, sandbox_config: SandboxConfig
) -> None:
    # Given a deadline shorter than one attempt, which a held request always uses up
    tuned = client_settings(sandbox_url, sandbox_config, attempts=5, deadline=TIMEOUT / 2)
    async with YunoClient.from_settings(tuned) as client:
        customer = await new_customer(client)
        sandbox.add_fault(get_customer_fault("timeout", count=None))

        with pytest.raises(YunoTimeout):
            await client.get_customer(customer.id)

    assert len(await logged(sandbox, "GET", f"/v1/customers/{customer.id}", 1)) == 1


async def test_retries_stop_when_the_breaker_opens(
    sandbox: Sandbox, sandbox_url: str, sandbox_config: SandboxConfig
) -> None:
    tuned = client_settings(sandbox_url, sandbox_config, attempts=5, threshold=2)
    async with YunoClient.from_settings(tuned) as client:
        customer = await new_customer(client)
        sandbox.add_fault(get_customer_fault("error_500", count=None))

        with pytest.raises(YunoUnavailable):
            await client.get_customer(customer.id)

    assert len(await logged(sandbox, "GET", f"/v1/customers/{customer.id}", 2)) == 2


# -- the breaker, against the emulator ------------------------------------------------------


async def test_breaker_opens_after_threshold_failures_and_calls_stop_reaching_yuno(
    sandbox: Sandbox, sandbox_url: str, sandbox_config: SandboxConfig
) -> None:
    tuned = client_settings(sandbox_url, sandbox_config, attempts=1, threshold=3)
    async with YunoClient.from_settings(tuned) as client:
        customer = await new_customer(client)
        sandbox.add_fault(get_customer_fault("error_503", count=None))
        for _ in range(3):
            with pytest.raises(YunoServerError):
                await client.get_customer(customer.id)
        sent = len(sandbox.requests)

        with pytest.raises(YunoCircuitOpen):
            await client.get_customer(customer.id)
        with pytest.raises(YunoCircuitOpen):
            await new_customer(client, "shopper-2")

        assert len(sandbox.requests) == sent
        assert client.transport.breaker.state is BreakerState.OPEN


async def test_breaker_probe_after_reset_closes_it_on_success(
    sandbox: Sandbox, sandbox_url: str, sandbox_config: SandboxConfig
) -> None:
    tuned = client_settings(sandbox_url, sandbox_config, attempts=1, threshold=2, reset=SHORT_RESET)
    async with YunoClient.from_settings(tuned) as client:
        clock = FakeClock()
        client.transport.breaker.clock = clock  # time moves only when the test says so
        customer = await new_customer(client)
        sandbox.add_fault(get_customer_fault("error_503", count=2))
        for _ in range(2):
            with pytest.raises(YunoServerError):
                await client.get_customer(customer.id)
        with pytest.raises(YunoCircuitOpen):
            await client.get_customer(customer.id)
        clock.now += SHORT_RESET * 1.5

        probed = await client.get_customer(customer.id)
        assert client.transport.breaker.state is BreakerState.CLOSED
        await client.get_customer(customer.id)

    assert probed.id == customer.id
    attempts = await logged(sandbox, "GET", f"/v1/customers/{customer.id}", 4)
    assert [r.status for r in attempts] == [503, 503, 200, 200]


async def test_breaker_failed_probe_reopens_it(
    sandbox: Sandbox, sandbox_url: str, sandbox_config: SandboxConfig
) -> None:
    tuned = client_settings(sandbox_url, sandbox_config, attempts=1, threshold=2, reset=SHORT_RESET)
    async with YunoClient.from_settings(tuned) as client:
        clock = FakeClock()
        client.transport.breaker.clock = clock
        customer = await new_customer(client)
        sandbox.add_fault(get_customer_fault("error_503", count=None))
        for _ in range(2):
            with pytest.raises(YunoServerError):
                await client.get_customer(customer.id)
        clock.now += SHORT_RESET * 1.5

        with pytest.raises(YunoServerError):
            await client.get_customer(customer.id)
        sent = len(sandbox.requests)
        with pytest.raises(YunoCircuitOpen):
            await client.get_customer(customer.id)

        assert len(sandbox.requests) == sent
        assert client.transport.breaker.state is BreakerState.OPEN
    assert len(await logged(sandbox, "GET", f"/v1/customers/{customer.id}", 3)) == 3


# -- the breaker, on a fake clock -----------------------------------------------------------


class FakeClock:
    """A monotonic clock that moves only when a test says so."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def open_breaker(clock: FakeClock, threshold: int = 3, reset: float = 10.0) -> CircuitBreaker:
    breaker = CircuitBreaker(threshold, reset, clock=clock)
    for _ in range(threshold):
        breaker.record_failure()
    return breaker


def test_circuit_breaker_stays_closed_below_threshold() -> None:
    breaker = CircuitBreaker(3, 10.0, clock=FakeClock())

    breaker.record_failure()
    breaker.record_failure()

    assert breaker.state is BreakerState.CLOSED
    assert breaker.allow()


def test_circuit_breaker_counts_only_consecutive_failures() -> None:
    breaker = CircuitBreaker(3, 10.0, clock=FakeClock())

    for _ in range(2):
        breaker.record_failure()
    breaker.record_success()
    for _ in range(2):
        breaker.record_failure()

    assert breaker.state is BreakerState.CLOSED


def test_circuit_breaker_opens_at_threshold_and_refuses_until_reset() -> None:
    clock = FakeClock()
    breaker = open_breaker(clock, threshold=3, reset=10.0)

    assert breaker.state is BreakerState.OPEN
    assert not breaker.allow()
    clock.now += 9.9
    assert not breaker.allow()


def test_circuit_breaker_half_opens_after_reset_for_exactly_one_probe() -> None:
    clock = FakeClock()
    breaker = open_breaker(clock, reset=10.0)

    clock.now += 10.0

    assert breaker.state is BreakerState.HALF_OPEN
    assert breaker.allow()
    assert not breaker.allow()


def test_circuit_breaker_successful_probe_closes_it() -> None:
    clock = FakeClock()
    breaker = open_breaker(clock)
    clock.now += 10.0
    assert breaker.allow()

    breaker.record_success()

    assert breaker.state is BreakerState.CLOSED
    assert breaker.allow()
    assert breaker.allow()


def test_circuit_breaker_failed_probe_reopens_it_for_a_full_reset() -> None:
    clock = FakeClock()
    breaker = open_breaker(clock, reset=10.0)
    clock.now += 10.0
    assert breaker.allow()

    breaker.record_failure()

    assert breaker.state is BreakerState.OPEN
    clock.now += 9.9
    assert not breaker.allow()
    clock.now += 0.1
    assert breaker.allow()


def test_circuit_breaker_abandoned_probe_lets_another_through() -> None:
    clock = FakeClock()
    breaker = open_breaker(clock)
    clock.now += 10.0
    assert breaker.allow()

    breaker.release_probe()

    assert breaker.allow()
    assert not breaker.allow()


# -- the error tree --------------------------------------------------------------------------


def test_fault_errors_cover_every_fault_kind_of_the_emulator() -> None:
    assert set(FAULT_ERRORS) == set(get_args(FaultKind))


@pytest.mark.parametrize("kind", get_args(FaultKind))
async def test_fault_kind_maps_to_its_error_class(
    sandbox: Sandbox, sandbox_url: str, sandbox_config: SandboxConfig, kind: FaultKind
) -> None:
    # An unkeyed POST, which neither the client nor aiohttp sends twice (aiohttp resends a
    # dropped GET by itself: see test_get_retries_are_bounded_when_connections_drop).
    sandbox.add_fault(
        FaultRule(kind, count=1, method="POST", path_prefix="/v1/customers", hold_seconds=HOLD)
    )
    tuned = client_settings(sandbox_url, sandbox_config, attempts=1)
    async with YunoClient.from_settings(tuned) as client:
        with pytest.raises(YunoError) as raised:
            await new_customer(client)

    assert type(raised.value) is FAULT_ERRORS[kind]
    assert len(await logged(sandbox, "POST", "/v1/customers", 1)) == 1


@pytest.mark.parametrize(
    ("kind", "status", "code"),
    [
        ("error_500", 500, "INTERNAL_ERROR"),
        ("error_503", 503, "SERVICE_UNAVAILABLE"),
        ("error_429", 429, "RATE_LIMIT_EXCEEDED"),
    ],
)
async def test_server_error_carries_status_and_yuno_code(
    sandbox: Sandbox,
    sandbox_url: str,
    sandbox_config: SandboxConfig,
    kind: FaultKind,
    status: int,
    code: str,
) -> None:
    tuned = client_settings(sandbox_url, sandbox_config, attempts=1)
    async with YunoClient.from_settings(tuned) as client:
        customer = await new_customer(client)
        sandbox.add_fault(get_customer_fault(kind, count=1))

        with pytest.raises(YunoServerError) as raised:
            await client.get_customer(customer.id)

    assert (raised.value.status, raised.value.code) == (status, code)
    assert raised.value.messages


async def test_wrong_secret_key_is_an_auth_error_and_not_retried(
    sandbox: Sandbox, sandbox_url: str, sandbox_config: SandboxConfig
) -> None:
    secret = "wrong-secret-key-0000"
    tuned = client_settings(sandbox_url, sandbox_config, secret=secret)
    async with YunoClient.from_settings(tuned) as client:
        with pytest.raises(YunoAuthError) as raised:
            await client.get_customer("any-customer")

    assert (raised.value.status, raised.value.code) == (401, "INVALID_CREDENTIALS")
    assert secret not in f"{raised.value} {raised.value.messages}"
    assert len(sandbox.requests) == 1


async def test_a_request_that_cannot_be_built_never_keeps_the_half_open_probe(
    sandbox: Sandbox, sandbox_url: str, sandbox_config: SandboxConfig
) -> None:
    """A header value aiohttp refuses (a newline in a key) used to raise ``ValueError``
    past the breaker while it held its one probe slot: every later call was refused."""
    tuned = client_settings(sandbox_url, sandbox_config, attempts=1, threshold=2, reset=SHORT_RESET)
    async with YunoClient.from_settings(tuned) as client:
        clock = FakeClock()
        client.transport.breaker.clock = clock
        customer = await new_customer(client)
        sandbox.add_fault(get_customer_fault("error_503", count=2))
        for _ in range(2):
            with pytest.raises(YunoServerError):
                await client.get_customer(customer.id)
        clock.now += SHORT_RESET * 1.5

        with pytest.raises(YunoRequestNotSent):
            await client.unenroll_payment_method(customer.id, "token", idempotency_key="x\ny")
        probed = await client.get_customer(customer.id)

    assert probed.id == customer.id


async def test_any_exception_while_exchanging_counts_as_a_failure_and_frees_the_probe(
    sandbox: Sandbox, sandbox_url: str, sandbox_config: SandboxConfig
) -> None:
    tuned = client_settings(sandbox_url, sandbox_config, attempts=1, threshold=2, reset=SHORT_RESET)
    async with YunoClient.from_settings(tuned) as client:
        clock = FakeClock()
        breaker = client.transport.breaker
        breaker.clock = clock
        customer = await new_customer(client)
        sandbox.add_fault(get_customer_fault("error_503", count=2))
        for _ in range(2):
            with pytest.raises(YunoServerError):
                await client.get_customer(customer.id)
        clock.now += SHORT_RESET * 1.5
        unbuildable = Call("GET", f"/customers/{customer.id}", params={"q": None})  # type: ignore[dict-item]

        with pytest.raises(YunoConnectionError):
            await client.transport.send(unbuildable)
        assert breaker.state.name == "OPEN"  # the failed probe reopened it
        clock.now += SHORT_RESET * 1.5
        probed = await client.get_customer(customer.id)

    assert probed.id == customer.id
    assert breaker.state is BreakerState.CLOSED
