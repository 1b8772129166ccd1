"""The peers section: the gateway's cached read next to Hive Gateway, with and without its
response cache, over a supergraph GraphQL Mesh composed from Yuno's OpenAPI files, and next
to a bare aiohttp server sending the gateway's own answers (the ceiling).

Rounds interleave all four, in rotated order; every ratio pairs runs of the same round. After
each round the stale-read probe writes through the gateway and counts the stale answers.
"""

import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bench import wrk
from bench.clients import GraphQL
from bench.contenders import CEILING, GATEWAY, HIVE, HIVE_CACHED, LABELS, Contender, start
from bench.driver import Generator, Load, Sample
from bench.lab import Lab, compare, figure, p50, p99, paired_row, rps, server_cpu, summary
from bench.report import Row, Section, Target
from bench.rounds import by_round, rotation
from bench.staleness import CHANGES, Probe, Reader
from bench.stats import Figure, Json

TITLE = "Peers: cached read vs Hive Gateway and the aiohttp ceiling"
HIVE_RATIO_GOAL = 1.5
CEILING_SHARE_GOAL = 40.0
#: Every answer shows the session's currency, its customer's email and a vaulted card.
EXPECT = ('"currency":"COP"', '"email":"bench-', '"vaultedToken":"')


@dataclass(frozen=True)
class Rounds:
    """What one concurrency's rounds measured."""

    concurrency: int
    runs: Mapping[str, list[Sample]]
    #: Stale answers by reader, one mapping per round.
    stale: list[dict[str, int]]
    orders: list[list[str]]


async def peers(lab: Lab) -> Section:
    section = Section("peers", TITLE, columns=("gateway", "peer", "gateway ÷ peer"))
    generator = Generator.WRK if wrk.installed() else Generator.PYTHON
    async with contextlib.AsyncExitStack() as stack:
        contenders = await start(lab, stack)
        writer = GraphQL(lab.http, lab.gateway.url, lab.gateway.headers)
        probe = Probe(writer, lab.data.probe_session, lab.data.probe_customer)
        stale: list[int] = []
        for c in lab.budget.peer_concurrencies:
            rounds = await _rounds(lab, contenders, c, generator, probe)
            section.rows += _rows(section, contenders, rounds)
            section.data[f"c{c}"] = _data(rounds)
            stale += [r[GATEWAY] for r in rounds.stale]
            if generator is Generator.WRK:
                section.rows.append(await _generator_check(lab, contenders, c))
        section.rows += await _yuno_calls(lab, section, contenders)
        section.data["memory_kb"] = {
            x.key: dict(x.service.memory_kb()) for x in contenders if x.service is not None
        }
    section.rows.append(_stale_total(section, stale))
    section.data.update(
        generator=generator.value,
        absent={x.key: x.absent for x in contenders if x.absent},
        queries={x.key: x.query for x in contenders},
    )
    section.notes += _notes(lab, generator)
    return section


# -- the rounds -----------------------------------------------------------------------------


async def _rounds(
    lab: Lab, contenders: Sequence[Contender], c: int, generator: Generator, probe: Probe
) -> Rounds:
    present = [x for x in contenders if x.service is not None]
    readers = [
        Reader(x.key, GraphQL(lab.http, x.service.url, x.service.headers), x.query)
        for x in present
        if x.service is not None and x.key != CEILING
    ]
    runs: dict[str, list[Sample]] = {x.key: [] for x in present}
    stale: list[dict[str, int]] = []
    orders: list[list[str]] = []
    for r in range(lab.budget.repeats):
        order = rotation(present, r)
        orders.append([x.key for x in order])
        for x in order:
            assert x.service is not None
            load = Load(x.service.url, x.bodies, c, lab.budget.duration, expect=EXPECT)
            runs[x.key].append(await lab.measure(x.service, load, generator))
            x.service.ensure_running()
        stale.append(await probe.stale_answers(readers))
    return Rounds(c, runs, stale, orders)


async def _generator_check(lab: Lab, contenders: Sequence[Contender], c: int) -> Row:
    """The gateway and the ceiling once more, measured by ``bench.load``: how far the Python
    generator is from what wrk measured."""
    measured: dict[str, Sample] = {}
    for x in contenders:
        if x.key in (GATEWAY, CEILING) and x.service is not None:
            load = Load(x.service.url, x.bodies, c, lab.budget.duration, expect=EXPECT)
            measured[x.key] = await lab.measure(x.service, load, Generator.PYTHON)
    ours, theirs = measured[GATEWAY], measured[CEILING]
    return Row(
        f"rps, {c} connections, vs {LABELS[CEILING]}, measured by python -m bench.load instead"
        " (one run)",
        f"{rps(ours):.0f}",
        f"{rps(theirs):.0f}",
        f"{100 * rps(ours) / rps(theirs):.0f}%" if rps(theirs) else "-",
    )


async def _yuno_calls(lab: Lab, section: Section, contenders: Sequence[Contender]) -> list[Row]:
    """Yuno calls per query of the gateway and each Hive (the emulator's request log)."""
    calls: dict[str, float] = {}
    routes: dict[str, Json] = {}
    for x in contenders:
        if x.service is not None and x.key != CEILING:
            calls[x.key], routes[x.key] = await lab.yuno_calls(x.service, x.bodies[0])
    section.data.update(yuno_calls_per_query=calls, yuno_routes=routes)
    return [
        Row(f"Yuno calls per query, vs {LABELS[key]}", f"{calls[GATEWAY]:g}", f"{count:g}")
        for key, count in calls.items()
        if key != GATEWAY
    ]


# -- the table ------------------------------------------------------------------------------


def hive_target(c: int, ratio: Figure) -> Target:
    """Issue 15: the cached read at least 1.5x Hive Gateway with its response cache."""
    name = f"cached read rps ÷ {LABELS[HIVE_CACHED]}, {c} connections"
    return Target(name, ratio.median, HIVE_RATIO_GOAL, "x", at_least=True)


def ceiling_target(c: int, ratio: Figure) -> Target:
    """Issue 15: the cached read at least 40% of the bare aiohttp ceiling."""
    name = f"cached read rps ÷ {LABELS[CEILING]}, {c} connections"
    return Target(name, 100 * ratio.median, CEILING_SHARE_GOAL, "%", at_least=True)


def _rows(section: Section, contenders: Sequence[Contender], rounds: Rounds) -> list[Row]:
    c, ours = rounds.concurrency, rounds.runs[GATEWAY]
    rows: list[Row] = []
    for x in contenders:
        if x.key == GATEWAY:
            continue
        if x.key not in rounds.runs:
            gateway_rps = figure(ours, rps).text(0)
            where = f"rps, {c} connections, vs {x.label}"
            goal = _unjudged(x.key, c)
            rows.append(Row(where, gateway_rps, f"not measured: {x.absent}", target=goal))
            continue
        rows += _peer_rows(section, x.key, c, ours, rounds.runs[x.key])
    rows += _stale_rows(contenders, rounds)
    return rows


def _unjudged(key: str, c: int) -> str:
    """The target column of a peer that was not measured."""
    goals = {HIVE_CACHED: hive_target, CEILING: ceiling_target}
    judge = goals.get(key)
    return "" if judge is None else f"{judge(c, Figure.of([0.0])).goal()} not measured"


def _peer_rows(
    section: Section, key: str, c: int, ours: list[Sample], theirs: list[Sample]
) -> list[Row]:
    where = f"{c} connections, vs {LABELS[key]}"
    ratio = compare(ours, theirs, rps)
    if key == CEILING:
        ratio_text, target = by_round(ratio, 0, "%", 100), ceiling_target(c, ratio)
    else:
        ratio_text, target = by_round(ratio), hive_target(c, ratio)
    verdict = section.check(target) if key != HIVE else ""
    return [
        Row(
            f"rps, {where}",
            figure(ours, rps).text(0),
            figure(theirs, rps).text(0),
            ratio_text,
            verdict,
        ),
        paired_row(f"p50 ms, {where}", ours, theirs, p50),
        paired_row(f"p99 ms, {where}", ours, theirs, p99),
        paired_row(f"server CPU ms per request, {where}", ours, theirs, server_cpu, 3),
    ]


def _stale_rows(contenders: Sequence[Contender], rounds: Rounds) -> list[Row]:
    """Stale answers (of ``CHANGES`` per round) by round, the gateway's next to each Hive's."""
    ours = _by_round(rounds.stale, GATEWAY)
    metric = f"stale answers of {CHANGES} per round, {rounds.concurrency} connections"
    rows = [
        Row(f"{metric}, vs {x.label}", ours, _by_round(rounds.stale, x.key))
        for x in contenders
        if x.key in (HIVE_CACHED, HIVE) and x.key in rounds.runs
    ]
    return rows or [Row(metric, ours)]


def _by_round(stale: Sequence[Mapping[str, int]], key: str) -> str:
    return " ".join(str(r[key]) for r in stale)


def _stale_total(section: Section, stale: Sequence[int]) -> Row:
    total = sum(stale)
    target = Target("stale answers the gateway served after a write", total, 0)
    return Row(
        "stale answers the gateway served after a write, all rounds",
        f"{total} of {CHANGES * len(stale)}",
        target=section.check(target),
    )


def _data(rounds: Rounds) -> dict[str, Json]:
    ours = rounds.runs[GATEWAY]
    data: dict[str, Json] = {key: summary(runs) for key, runs in rounds.runs.items()}
    data["rps_ratio"] = {
        key: compare(ours, runs, rps).to_json()
        for key, runs in rounds.runs.items()
        if key != GATEWAY
    }
    data["stale_answers"] = [dict(r) for r in rounds.stale]
    data["order_by_round"] = [list(order) for order in rounds.orders]
    return data


def _notes(lab: Lab, generator: Generator) -> list[str]:
    latency = f"{lab.latency_ms:g} ms"
    if generator is Generator.WRK:
        measured = (
            "Load: wrk (one thread, `bench/wrk.lua`), closed loop on keep-alive connections, "
            "its own process; the `measured by python -m bench.load instead` rows show what "
            "the Python generator reaches on the same servers in this run."
        )
    else:
        measured = (
            "Load: `python -m bench.load` (wrk is not installed: `apt-get install wrk`); "
            "near the ceiling the Python generator may itself be the bottleneck."
        )
    return [
        "Hive: Hive Gateway (`hive-gateway supergraph`, one process) serving a supergraph "
        "`mesh-compose` composes at the start of the run from Yuno's OpenAPI files in "
        "../shared/yuno-openapi (retrieve checkout session, retrieve customer, payment "
        "methods for checkout; `@omnigraph/openapi`), pointed at the emulator with Yuno's "
        "`public-api-key` and `private-secret-key`. `CheckoutSession.customer` and "
        "`.paymentMethods` are linked in `bench/peers/mesh.config.mjs` "
        "(`additionalTypeDefs` + `@resolveTo`), so Hive answers the same one-root-field "
        "query; its answers are checked equal to the gateway's before measuring.",
        "+ responseCaching: Hive Gateway's built-in response cache "
        "(@graphql-mesh/plugin-response-cache), TTL 1 h, one cache per Authorization "
        "header, each query sent twice before measuring. Without it every query reaches "
        f"Yuno ({latency} a call: the session, then its customer and methods; see `Yuno "
        "calls per query`).",
        "Ceiling: `bench/ceiling.py`, bare aiohttp sending the gateway's answer bytes "
        "(captured once per session); it still parses each body to pick the answer.",
        "Rounds: each contender once per round, the order rotated every round; a ratio "
        "divides the gateway's run by the peer's run of the same round; figures are the "
        "median (min..max) over rounds, `rounds` lists every round's ratio in order. An "
        "answer without the session's currency, the customer's email and a vaulted token "
        "counts as a failed request.",
        measured,
        "Stale answers: after each round, the probe session's amount and then its "
        "customer's email are changed through the gateway, with reads racing each write; "
        "the next read through each server is judged. The ceiling sends fixed bytes and is "
        "not probed.",
        "Server CPU: the process's CPU time (every thread, from /proc) during the run, per "
        "answered request; the emulator's is in the JSON report.",
    ]
