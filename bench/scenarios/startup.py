"""Scenario 6 (start time and memory) and the workers scenario (cached read served by
``gateway serve --workers N`` next to one process), when the gateway has ``--workers``."""

import os
from collections.abc import Mapping
from pathlib import Path

from bench.driver import Load
from bench.lab import Lab, compare, figure, p99, rps
from bench.processes import WARM_CACHE, Service, start_gateway
from bench.report import Row, Section, Target
from bench.scenarios.reads import checkout_session_bodies
from bench.stats import Figure

START_LIMIT_S = 1.5
WORKERS = os.cpu_count() or 1
RSS_LIMIT_MB = 120.0


async def start_times(logs: Path, emulator_url: str, count: int) -> list[float]:
    """Seconds from spawning ``gateway serve`` to its first answered query, ``count`` times."""
    times = []
    for i in range(count):
        gateway = await start_gateway(logs, emulator_url, name=f"start-{i}")
        times.append(gateway.started_in)
        await gateway.stop()
    return times


def start_and_memory(
    starts: list[float], at_rest: Mapping[str, int], under_load: Mapping[str, int]
) -> Section:
    section = Section("start_and_memory", "6. Start and memory (one gateway process)")
    start = Figure.of(starts)
    rest_mb, peak_mb = at_rest["VmHWM"] / 1024, under_load["VmHWM"] / 1024
    section.rows += [
        Row(
            "start: spawn to first answered query, s",
            start.text(2),
            target=section.check(Target("start", start.median, START_LIMIT_S, " s")),
        ),
        Row(
            "peak RSS at rest, MB",
            f"{rest_mb:.1f}",
            target=section.check(Target("peak RSS at rest", rest_mb, RSS_LIMIT_MB, " MB")),
        ),
        Row(
            "peak RSS under scenario 1, MB",
            f"{peak_mb:.1f}",
            target=section.check(Target("peak RSS under load", peak_mb, RSS_LIMIT_MB, " MB")),
        ),
        Row("RSS after scenario 1, MB", f"{under_load['VmRSS'] / 1024:.1f}"),
    ]
    section.data.update(
        start_s=start.to_json(),
        at_rest_kb=dict(at_rest),
        under_cached_read_kb=dict(under_load),
    )
    section.notes.append(
        "At rest: after the first answered query. Under load: VmHWM over scenario 1 only "
        "(reset through /proc/<pid>/clear_refs before it)."
    )
    return section


async def start_workers(logs: Path, emulator_url: str) -> Service:
    """``gateway serve --workers <cores>``, warm caches like the one-process gateway."""
    return await start_gateway(logs, emulator_url, "workers", WARM_CACHE, workers=WORKERS)


async def workers(lab: Lab, pool: Service | None) -> Section:
    section = Section("workers", "Workers: cached read, `gateway serve --workers N`")
    if pool is None:
        section.rows.append(Row("rps", "not available: `gateway serve --help` has no --workers"))
        section.data["available"] = False
        return section
    bodies = checkout_session_bodies(lab)
    c, duration = lab.budget.concurrencies[-1], lab.budget.duration
    # Each worker has its own cache: warm them all through many connections at once.
    await lab.measure(pool, Load(pool.url, bodies, c, duration))
    single, many = await lab.series(
        [
            (lab.gateway, Load(lab.gateway.url, bodies, c, duration)),
            (pool, Load(pool.url, bodies, c, duration)),
        ]
    )
    ratio = compare(many, single, rps)
    section.rows += [
        Row(
            f"rps, {c} clients, {WORKERS} workers",
            figure(many, rps).text(0),
            f"1 process: {figure(single, rps).text(0)}",
            ratio.text(2, "x"),
        ),
        Row(
            f"p99 ms, {c} clients",
            figure(many, p99).text(2),
            f"1 process: {figure(single, p99).text(2)}",
        ),
    ]
    section.data.update(available=True, workers=WORKERS, rps_ratio_to_one_process=ratio.to_json())
    return section
