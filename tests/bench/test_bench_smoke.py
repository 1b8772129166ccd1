"""``python -m bench.run --quick`` end to end: every scenario reports figures.

It starts the emulator, two gateways and the baseline as real processes and drives them with
the real load generator, so CI proves the benchmark still runs. No timing is judged here.
"""

import json
import math
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from bench.lab import QUICK

ROOT = Path(__file__).resolve().parents[2]
UNDER_LOAD = ["cached_read", "critical_path", "fan_out", "federation", "payment_write", "peers"]
SCENARIOS = [*UNDER_LOAD, "start_and_memory", "workers"]
CONTENDERS = {"gateway", "hive_cached", "hive", "ceiling"}


@dataclass(frozen=True)
class Run:
    report: dict[str, Any]
    table: str


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    out = tmp_path_factory.mktemp("bench") / "quick.json"
    done = subprocess.run(
        [sys.executable, "-m", "bench.run", "--quick", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return Run(json.loads(out.read_text()), done.stdout)


def nodes(node: object) -> Iterator[dict[str, Any]]:
    """Every JSON object anywhere under ``node``, itself included."""
    if isinstance(node, dict):
        yield node
        node = list(node.values())
    if isinstance(node, list):
        for value in node:
            yield from nodes(value)


def test_bench_quick_run_reports_every_scenario(quick_run: Run) -> None:
    assert set(SCENARIOS) <= set(quick_run.report["scenarios"])


@pytest.mark.parametrize("scenario", [*UNDER_LOAD, "start_and_memory"])
def test_bench_scenario_reports_figures_as_numbers(quick_run: Run, scenario: str) -> None:
    section = quick_run.report["scenarios"][scenario]

    found = [node for node in nodes(section) if "median" in node]

    assert found
    for figure in found:
        assert all(math.isfinite(figure[key]) for key in ("median", "min", "max"))
        assert figure["min"] <= figure["median"] <= figure["max"]


@pytest.mark.parametrize("scenario", UNDER_LOAD)
def test_bench_scenario_load_is_answered_without_errors(quick_run: Run, scenario: str) -> None:
    section = quick_run.report["scenarios"][scenario]

    series = [node for node in nodes(section) if {"requests", "errors"} <= set(node)]

    assert series
    assert all(s["requests"] > 0 and s["errors"] == 0 for s in series), series


def test_bench_fan_out_reports_yuno_calls_per_query(quick_run: Run) -> None:
    fan_out = quick_run.report["scenarios"]["fan_out"]

    calls = fan_out["yuno_calls_per_query"]

    assert {"cold", "warm", "baseline"} <= set(calls)
    assert all(isinstance(count, int | float) for count in calls.values())
    assert calls["cold"] > 0
    assert calls["baseline"] > 0
    assert fan_out["expected_yuno_calls"] == 1 + fan_out["distinct_customers"]


def test_bench_peers_measures_the_ceiling_and_each_hive_or_says_why_not(quick_run: Run) -> None:
    peers = quick_run.report["scenarios"]["peers"]

    measured = set(peers[f"c{QUICK.peer_concurrencies[0]}"]) & CONTENDERS

    assert {"gateway", "ceiling"} <= measured
    assert measured | set(peers["absent"]) == CONTENDERS
    assert all(peers["absent"].values())


def test_bench_peers_counts_the_gateway_stale_answers(quick_run: Run) -> None:
    peers = quick_run.report["scenarios"]["peers"]

    rounds = peers[f"c{QUICK.peer_concurrencies[0]}"]["stale_answers"]

    assert len(rounds) == QUICK.repeats
    assert all(isinstance(r["gateway"], int) for r in rounds)


def test_bench_targets_carry_a_value_and_a_verdict(quick_run: Run) -> None:
    targets = quick_run.report["targets"]

    assert targets
    assert all(math.isfinite(t["value"]) and isinstance(t["met"], bool) for t in targets)


def test_bench_table_describes_the_machine(quick_run: Run) -> None:
    assert "| metric | gateway | baseline |" in quick_run.table
    assert "**cores**" in quick_run.table
    assert "**cpu**" in quick_run.table
