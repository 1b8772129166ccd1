"""``python -m bench.run [--quick] [--only SECTION…] [--out bench/results/latest.json]``: the
whole benchmark.

It starts the Yuno emulator with a fixed per-request latency, ``gateway serve`` against it
(twice: default settings, and every cache TTL at 0 for cold reads), and the baseline; seeds
data through the gateway's GraphQL API; runs each scenario with ``bench.load`` in its own
process (the peers section: with wrk when it is installed, against Hive Gateway and the
aiohttp ceiling it starts itself); prints a markdown table and writes the same figures as
JSON. Every figure is the median of repeated runs with its spread, and every ratio pairs
runs of the same repeat.
"""

import argparse
import asyncio
import dataclasses
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import aiohttp

from bench import machine
from bench.clients import Emulator, GraphQL
from bench.dataset import Dataset, seed
from bench.driver import Driver
from bench.lab import FULL, QUICK, Budget, Lab
from bench.processes import (
    COLD_CACHE,
    WARM_CACHE,
    Service,
    gateway_supports_workers,
    start_baseline,
    start_emulator,
    start_gateway,
)
from bench.report import Section, document, markdown, write_json
from bench.scenarios.executed import executed
from bench.scenarios.fanout import fan_out, federation
from bench.scenarios.peers import peers
from bench.scenarios.reads import cached_read, critical_path
from bench.scenarios.startup import start_and_memory, start_times, start_workers, workers
from bench.scenarios.writes import payment_write
from bench.stats import Json

DEFAULT_OUT = Path(__file__).resolve().parent / "results" / "latest.json"
LATENCY_MS = 20.0
LOAD_GENERATOR = (
    "python -m bench.load: closed loop, keep-alive HTTP/1.1, its own process on the same "
    "machine; it competes with the servers for the cores, so compare ratios within this run "
    "(the peers section says which generator it used)"
)
#: Run between the cached read (scenario 1) and the start, memory and workers sections.
SCENARIOS: dict[str, Callable[[Lab], Awaitable[Section]]] = {
    "critical_path": critical_path,
    "fan_out": fan_out,
    "federation": federation,
    "payment_write": payment_write,
    "peers": peers,
    "executed": executed,
}
SECTIONS = ("cached_read", *SCENARIOS, "start_and_memory", "workers")


class Clock:
    """Wall time of each phase of the run, for the report."""

    def __init__(self) -> None:
        self.phases: dict[str, float] = {}
        self._began = self._last = time.perf_counter()

    def lap(self, phase: str) -> None:
        now = time.perf_counter()
        self.phases[phase] = round(now - self._last, 2)
        self._last = now

    def total(self) -> float:
        return round(time.perf_counter() - self._began, 1)


async def main(
    budget: Budget,
    out: Path,
    latency_ms: float,
    only: frozenset[str] = frozenset(SECTIONS),
    versus: str | None = None,
) -> None:
    clock = Clock()
    about = machine.description()
    with tempfile.TemporaryDirectory(prefix="bench-") as scratch:
        sections, failures = await _run(budget, latency_ms, Path(scratch), clock, only, versus)
    config: dict[str, Json] = {
        "mode": "quick" if budget is QUICK else "full",
        "sections": "all" if only == frozenset(SECTIONS) else sorted(only),
        "versus": versus or "none",
        "repeats": budget.repeats,
        "seconds per measurement": budget.duration,
        "upstream latency ms": latency_ms,
        "load generator": LOAD_GENERATOR,
        "load average at end": machine.load_average(),
        "wall time s": clock.total(),
        "phases s": clock.phases,
        "failed requests": failures or "none",
    }
    write_json(out, document(about, config, sections))
    sys.stdout.write(markdown(about, config, sections))
    sys.stdout.write(f"\nJSON: {out}\n")


@dataclass(frozen=True)
class Processes:
    emulator: Service
    gateway: Service
    cold_gateway: Service
    baseline: Service
    #: ``gateway serve --workers <cores>``, when the gateway has ``--workers``.
    workers: Service | None
    #: The gateway's memory once it answered its first query.
    at_rest: dict[str, int]
    #: Seconds from spawn to first answered query, one per gateway start.
    starts: list[float]


async def _run(
    budget: Budget,
    latency_ms: float,
    scratch: Path,
    clock: Clock,
    only: frozenset[str],
    versus: str | None = None,
) -> tuple[list[Section], list[str]]:
    started: list[Service] = []
    try:
        processes = await _start(budget, latency_ms, scratch, started)
        clock.lap("start processes")
        async with aiohttp.ClientSession() as http:
            lab = dataclasses.replace(
                await _lab(budget, latency_ms, processes, http, scratch), versus=versus
            )
            clock.lap("seed")
            sections = await _scenarios(lab, processes, clock, only)
            return sections, lab.failures
    finally:
        await asyncio.gather(*(service.stop() for service in started))


async def _start(
    budget: Budget, latency_ms: float, scratch: Path, started: list[Service]
) -> Processes:
    """The measured gateway starts alone, after the emulator; the others start together."""
    workers_available, emulator = await asyncio.gather(
        gateway_supports_workers(), start_emulator(scratch, latency_ms)
    )
    started.append(emulator)
    gateway = await start_gateway(scratch, emulator.url, env=WARM_CACHE)
    started.append(gateway)
    at_rest = gateway.memory_kb()
    starts = [gateway.started_in]
    starts += await start_times(scratch, emulator.url, budget.start_samples - 1)
    cold, baseline, pool = await asyncio.gather(
        start_gateway(scratch, emulator.url, name="cold-gateway", env=COLD_CACHE),
        start_baseline(scratch, emulator.url),
        start_workers(scratch, emulator.url) if workers_available else _nothing(),
    )
    started += [cold, baseline, *([pool] if pool else [])]
    return Processes(emulator, gateway, cold, baseline, pool, at_rest, starts)


async def _nothing() -> None:
    return None


async def _lab(
    budget: Budget, latency_ms: float, ps: Processes, http: aiohttp.ClientSession, scratch: Path
) -> Lab:
    yuno = Emulator(http, ps.emulator.url)
    gateway = GraphQL(http, ps.gateway.url, ps.gateway.headers)
    data = await _seed(budget, latency_ms, gateway, yuno)
    return Lab(
        budget,
        latency_ms,
        ps.emulator,
        ps.gateway,
        ps.cold_gateway,
        ps.baseline,
        yuno,
        http,
        Driver(scratch),
        data,
    )


async def _scenarios(lab: Lab, ps: Processes, clock: Clock, only: frozenset[str]) -> list[Section]:
    """Scenario 1 first, with the gateway's peak memory measured over it alone (the start
    and memory section needs it, so it runs only when scenario 1 does)."""
    sections: list[Section] = []
    under_load: dict[str, int] = {}
    if "cached_read" in only:
        lab.gateway.reset_peak()
        sections.append(await cached_read(lab))
        under_load = lab.gateway.memory_kb()
        clock.lap("cached_read")
    for key, scenario in SCENARIOS.items():
        if key in only:
            sections.append(await scenario(lab))
            clock.lap(key)
    if {"cached_read", "start_and_memory"} <= only:
        sections.append(start_and_memory(ps.starts, ps.at_rest, under_load))
    if "workers" in only:
        sections.append(await workers(lab, ps.workers))
        clock.lap("workers")
    return sections


async def _seed(budget: Budget, latency_ms: float, gateway: GraphQL, yuno: Emulator) -> Dataset:
    """Seeding runs with no upstream latency; the measurements with ``latency_ms``."""
    await yuno.set_latency(0)
    try:
        return await seed(gateway, yuno, budget.sizes)
    finally:
        await yuno.set_latency(latency_ms)
        await yuno.clear_requests()


def cli(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="one short run of everything")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="the JSON report")
    parser.add_argument("--latency-ms", type=float, default=LATENCY_MS, help="per Yuno call")
    parser.add_argument(
        "--versus",
        metavar="COMMIT",
        help="also measure the gateway at this commit (the executed section)",
    )
    parser.add_argument(
        "--only",
        action="append",
        choices=SECTIONS,
        help="run just this section (repeatable; start_and_memory needs cached_read)",
    )
    args = parser.parse_args(argv)
    budget = QUICK if args.quick else FULL
    only = frozenset(args.only or SECTIONS)
    asyncio.run(main(budget, args.out, args.latency_ms, only, args.versus))


if __name__ == "__main__":
    cli()
