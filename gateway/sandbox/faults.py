"""Scripted failures, so clients can be tested against outages Yuno rarely shows on demand.

A rule matches /v1 requests by method and path prefix and fires for the next ``count``
matches, or for a ``ratio`` share of them drawn from a seedable random generator so a
benchmark can be replayed exactly.
"""

import random
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal, get_args

from gateway.sandbox.errors import invalid
from gateway.sandbox.wire import JsonObject

FaultKind = Literal[
    "error_500", "error_503", "error_429", "timeout", "timeout_after_processing", "drop"
]
FAULT_KINDS: frozenset[str] = frozenset(get_args(FaultKind))


@dataclass
class FaultRule:
    """One scripted failure; ``count`` counts down as the rule fires."""

    kind: FaultKind
    count: int | None = None
    ratio: float | None = None
    method: str | None = None
    path_prefix: str | None = None
    hold_seconds: float = 30.0

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method.upper() != method.upper():
            return False
        return self.path_prefix is None or path.startswith(self.path_prefix)

    def to_json(self) -> JsonObject:
        return {
            "kind": self.kind,
            "count": self.count,
            "ratio": self.ratio,
            "method": self.method,
            "path_prefix": self.path_prefix,
            "hold_seconds": self.hold_seconds,
        }


class Faults:
    """The active fault rules of one emulator, checked in the order they were added."""

    def __init__(self, seed: int | None = None) -> None:
        self.rules: list[FaultRule] = []
        self._random = random.Random(seed)

    def add(self, rule: FaultRule) -> FaultRule:
        self.rules.append(rule)
        return rule

    def seed(self, seed: int | None) -> None:
        """Reset the generator that decides ``ratio`` rules."""
        self._random.seed(seed)

    def clear(self) -> None:
        self.rules.clear()

    def pick(self, method: str, path: str) -> FaultRule | None:
        """The rule that fires for this request, consuming one of its uses."""
        for rule in self.rules:
            if not rule.matches(method, path):
                continue
            if rule.ratio is not None and self._random.random() >= rule.ratio:
                continue
            if rule.count is not None:
                rule.count -= 1
                if rule.count <= 0:
                    self.rules.remove(rule)
            return rule
        return None


def rule_from_json(body: JsonObject) -> FaultRule:
    """Build a rule from the admin API's body, rejecting nonsense early."""
    kind = body.get("kind")
    if kind not in FAULT_KINDS:
        raise invalid(f"kind must be one of {sorted(FAULT_KINDS)}")
    count, ratio, hold = body.get("count"), body.get("ratio"), body.get("hold_seconds", 30.0)
    if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 1):
        raise invalid("count must be a positive integer or null")
    if ratio is not None and not _is_number(ratio, 0.0, 1.0):
        raise invalid("ratio must be between 0 and 1 or null")
    if not _is_number(hold, 0.0, 3600.0):
        raise invalid("hold_seconds must be a number of seconds")
    method, prefix = body.get("method"), body.get("path_prefix")
    if not isinstance(method, str | None) or not isinstance(prefix, str | None):
        raise invalid("method and path_prefix must be strings")
    return FaultRule(
        kind=kind,  # type: ignore[arg-type]
        count=count,
        ratio=None if ratio is None else float(str(ratio)),
        method=method,
        path_prefix=prefix,
        hold_seconds=float(str(hold)),
    )


def _is_number(value: object, low: float, high: float) -> bool:
    """JSON numbers arrive as int or Decimal; booleans and strings are not numbers here."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return False
    return low <= float(value) <= high
