"""What the bench hands back: one ``Section`` per scenario (JSON data, table rows, targets),
rendered as a markdown table and a JSON document."""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.stats import Json


@dataclass(frozen=True)
class Target:
    """A figure next to its goal; ``at_least`` for throughput, else a ceiling."""

    name: str
    value: float
    limit: float
    unit: str = ""
    at_least: bool = False

    @property
    def met(self) -> bool:
        return self.value >= self.limit if self.at_least else self.value <= self.limit

    def goal(self) -> str:
        return f"{'≥' if self.at_least else '≤'} {self.limit:g}{self.unit}"

    def to_json(self) -> Mapping[str, Json]:
        return {
            "name": self.name,
            "value": round(self.value, 4),
            "limit": self.limit,
            "unit": self.unit.strip(),
            "at_least": self.at_least,
            "goal": self.goal(),
            "met": self.met,
        }


@dataclass(frozen=True)
class Row:
    """One line of a scenario's table: the gateway, the baseline, their ratio, the goal."""

    metric: str
    gateway: str
    baseline: str = "-"
    ratio: str = "-"
    target: str = ""


#: The middle columns of a scenario's table, unless it names its own.
COLUMNS = ("gateway", "baseline", "gateway ÷ baseline")


@dataclass
class Section:
    key: str
    title: str
    #: What the table's ``gateway``, ``baseline`` and ``ratio`` columns hold here.
    columns: tuple[str, str, str] = COLUMNS
    data: dict[str, Json] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def check(self, target: Target) -> str:
        """Keep a target and say, for the table, whether it is met."""
        self.targets.append(target)
        return f"{target.goal()} {'met' if target.met else 'MISSED'}"

    def to_json(self) -> Mapping[str, Json]:
        return {
            "title": self.title,
            **self.data,
            "targets": [t.to_json() for t in self.targets],
            "notes": self.notes,
        }


def document(
    machine: Mapping[str, Json], config: Mapping[str, Json], sections: Sequence[Section]
) -> Mapping[str, Json]:
    return {
        "machine": machine,
        "config": config,
        "scenarios": {s.key: s.to_json() for s in sections},
        "targets": [t.to_json() for s in sections for t in s.targets],
    }


def write_json(path: Path, report: Mapping[str, Json]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")


def markdown(
    machine: Mapping[str, Json], config: Mapping[str, Json], sections: Sequence[Section]
) -> str:
    lines = ["# Gateway benchmark", ""]
    about = {**machine, **config}
    lines += [f"- **{name}**: {_plain(value)}" for name, value in about.items()]
    for section in sections:
        lines += ["", f"## {section.title}", ""]
        lines += [f"| metric | {' | '.join(section.columns)} | target |"]
        lines += ["|---|---|---|---|---|"]
        lines += [
            f"| {r.metric} | {r.gateway} | {r.baseline} | {r.ratio} | {r.target} |"
            for r in section.rows
        ]
        lines += [""] + [f"- {note}" for note in section.notes] if section.notes else []
    targets = [t for s in sections for t in s.targets]
    lines += ["", "## Targets", "", "| target | value | goal | |", "|---|---|---|---|"]
    lines += [
        f"| {t.name} | {t.value:.2f}{t.unit} | {t.goal()} | {'met' if t.met else 'MISSED'} |"
        for t in targets
    ]
    met = sum(t.met for t in targets)
    lines += ["", f"**Targets met: {met} of {len(targets)}.**"]
    return "\n".join(lines) + "\n"


def _plain(value: Json) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
