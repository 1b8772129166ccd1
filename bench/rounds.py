"""Interleaved rounds: every contender is measured once per round, in an order that rotates
from round to round, so drift and warm-up touch all of them alike and no one always goes
first; a ratio divides runs of the same round."""

from collections.abc import Sequence
from typing import TypeVar

from bench.stats import Figure

T = TypeVar("T")


def rotation(contenders: Sequence[T], round_: int) -> list[T]:
    """Round ``round_``'s order: the contenders shifted left by the round's number."""
    if not contenders:
        return []
    shift = round_ % len(contenders)
    return [*contenders[shift:], *contenders[:shift]]


def by_round(figure: Figure, digits: int = 2, unit: str = "x", scale: float = 1.0) -> str:
    """``3.77x (3.70..3.90); rounds 3.77 3.70 3.90``: the median, the spread and every round
    in the order it ran (one round: just its value)."""
    scaled = Figure.of(value * scale for value in figure.runs)
    text = scaled.text(digits, unit)
    if len(scaled.runs) == 1:
        return text
    return f"{text}; rounds {' '.join(f'{value:.{digits}f}' for value in scaled.runs)}"
