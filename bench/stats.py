"""Percentiles of one run, and figures over repeated runs: the median with its spread."""

import statistics
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeAlias

#: What the JSON report is made of.
Json: TypeAlias = Mapping[str, "Json"] | Sequence["Json"] | str | float | bool | None


def percentile(ordered: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile of an already sorted sequence (0 when it is empty)."""
    if not ordered:
        return 0.0
    rank = max(1, round(fraction * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


@dataclass(frozen=True)
class Figure:
    """One figure of the report: the median of repeated runs, and the lowest and highest."""

    median: float
    low: float
    high: float
    runs: tuple[float, ...]

    @classmethod
    def of(cls, values: Iterable[float]) -> "Figure":
        runs = tuple(values)
        if not runs:
            raise ValueError("a figure needs at least one run")
        return cls(statistics.median(runs), min(runs), max(runs), runs)

    def to_json(self) -> Mapping[str, Json]:
        return {
            "median": round(self.median, 4),
            "min": round(self.low, 4),
            "max": round(self.high, 4),
            "runs": [round(value, 4) for value in self.runs],
        }

    def text(self, digits: int = 1, unit: str = "") -> str:
        """``12.3 ms (11.9..13.0)``; the spread is left out for a single run."""
        value = f"{self.median:.{digits}f}{unit}"
        if len(self.runs) == 1:
            return value
        return f"{value} ({self.low:.{digits}f}..{self.high:.{digits}f})"


def ratios(numerators: Sequence[float], denominators: Sequence[float]) -> Figure:
    """Run-by-run ratios (run i over run i, both measured in the same repeat)."""
    return Figure.of(
        n / d if d else float("inf") for n, d in zip(numerators, denominators, strict=True)
    )


def differences(minuends: Sequence[float], subtrahends: Sequence[float]) -> Figure:
    return Figure.of(a - b for a, b in zip(minuends, subtrahends, strict=True))
