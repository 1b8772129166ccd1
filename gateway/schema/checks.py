"""Input checks at the edge, before any Yuno call: lengths, amounts, list sizes.

Each check adds a ``Problem`` pointing at the input field at fault; a mutation with any
problem answers with them as ``userErrors`` and makes no Yuno call at all.
"""

from collections.abc import Sequence
from decimal import Decimal

from gateway.resolvers.outcomes import Field, Problem


class Checks:
    """Collects the problems of one input."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def length(self, field: Field, value: str | None, low: int, high: int) -> None:
        if value is not None and not low <= len(value.strip()) <= high:
            self._add("INVALID_LENGTH", f"Must be {low} to {high} characters long.", field)

    def positive(self, field: Field, value: Decimal | None) -> None:
        if value is not None and value <= 0:
            self._add("INVALID_AMOUNT", "The amount must be greater than zero.", field)

    def at_most(self, field: Field, items: Sequence[object] | None, high: int) -> None:
        if items is not None and len(items) > high:
            self._add("TOO_MANY_ITEMS", f"At most {high} items.", field)

    def require(self, ok: bool, code: str, message: str, field: Field | None) -> None:
        if not ok:
            self._add(code, message, field)

    def _add(self, code: str, message: str, field: Field | None) -> None:
        self.problems.append(Problem(code, message, ("input", *field) if field else None))
