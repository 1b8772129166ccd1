"""A circuit breaker, so a Yuno outage fails fast instead of piling requests up behind it.

closed ──(threshold failures in a row)──▶ open ──(reset_after elapsed)──▶ half-open
   ▲                                                                       │
   └────────────────(the one probe succeeds)───────────(it fails: open)────┘
"""

import time
from collections.abc import Callable
from enum import Enum


class BreakerState(Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class CircuitBreaker:
    """Counts consecutive upstream failures: no usable answer (``YunoUnavailable``) or any
    exception while exchanging; a refusal by Yuno is an answer, not a failure."""

    def __init__(
        self,
        threshold: int,
        reset_after: float,
        clock: Callable[[], float] = time.monotonic,
        on_change: Callable[[BreakerState], None] | None = None,
    ) -> None:
        self.on_change = on_change
        self._threshold = threshold
        self._reset_after = reset_after
        self.clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._probing = False

    @property
    def state(self) -> BreakerState:
        if self._opened_at is None:
            return BreakerState.CLOSED
        if self._probing or self.clock() - self._opened_at >= self._reset_after:
            return BreakerState.HALF_OPEN
        return BreakerState.OPEN

    def allow(self) -> bool:
        """May a call go out now? In half-open state exactly one probe is let through."""
        state = self.state
        if state is BreakerState.CLOSED:
            return True
        if state is BreakerState.HALF_OPEN and not self._probing:
            self._probing = True
            self._changed(BreakerState.HALF_OPEN)
            return True
        return False

    def record_success(self) -> None:
        was_open = self._opened_at is not None
        self._failures = 0
        self._opened_at = None
        self._probing = False
        if was_open:
            self._changed(BreakerState.CLOSED)

    def release_probe(self) -> None:
        """The probe was abandoned (cancelled) before an outcome: let another one go."""
        self._probing = False

    def record_failure(self) -> None:
        self._failures += 1
        if self._probing or self._failures >= self._threshold:
            if self._probing or self._opened_at is None:
                self._changed(BreakerState.OPEN)
            self._opened_at = self.clock()
        self._probing = False

    def _changed(self, state: BreakerState) -> None:
        if self.on_change is not None:
            self.on_change(state)
