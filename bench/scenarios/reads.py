"""Scenarios 1 and 2: the checkout-session query warm (throughput, added latency) and cold
(latency against the two Yuno round trips it cannot avoid)."""

from bench import documents
from bench.driver import Load, Sample
from bench.lab import (
    Lab,
    clients,
    compare,
    figure,
    graphql_body,
    p50,
    p99,
    paired_row,
    rps,
    server_cpu,
    summary,
)
from bench.processes import PRIVATE_SECRET_KEY, PUBLIC_API_KEY
from bench.report import Row, Section, Target
from bench.stats import differences

#: Round trips a cold checkout-session query must make one after another: the session,
#: then its customer and its payment methods together.
CRITICAL_PATH_ROUND_TRIPS = 2
RPS_RATIO_GOAL = 4.0
ADDED_LATENCY_GOAL_MS = 1.0
FLOOR_RATIO_GOAL = 1.15
WARM_METHOD = (
    "Warm = `gateway serve` with every `GATEWAY_CACHE_TTL_*` at 3600 s (nothing expires "
    "mid-run), each query sent twice before measuring."
)
COLD_METHOD = (
    "Cold = a second `gateway serve` with every `GATEWAY_CACHE_TTL_*` at 0, so no lookup is "
    "kept between requests (per-request DataLoaders still batch and deduplicate)."
)


def checkout_session_bodies(lab: Lab) -> list[dict[str, object]]:
    return [graphql_body(documents.CHECKOUT_SESSION, {"id": s}) for s in lab.data.read_sessions]


async def cached_read(lab: Lab) -> Section:
    section = Section("cached_read", "1. Cached read: checkoutSession, caches warm")
    bodies = checkout_session_bodies(lab)
    await lab.warm(lab.gateway, bodies)
    await lab.warm(lab.baseline, bodies)
    at_one: list[Sample] = []
    for c in lab.budget.concurrencies:
        ours, theirs = await lab.series(
            [
                (lab.gateway, Load(lab.gateway.url, bodies, c, lab.budget.duration)),
                (lab.baseline, Load(lab.baseline.url, bodies, c, lab.budget.duration)),
            ]
        )
        at_one = at_one or ours
        highest = c == lab.budget.concurrencies[-1]
        section.rows += _throughput_rows(section, c, ours, theirs, judged=highest)
        section.data[f"c{c}"] = {
            "gateway": summary(ours),
            "baseline": summary(theirs),
            "rps_ratio": compare(ours, theirs, rps).to_json(),
        }
    await _added_latency(lab, section, at_one)
    targets = {"gateway": lab.gateway, "baseline": lab.baseline}
    calls, routes = await lab.calls_by_target(targets, bodies[0])
    section.rows.append(
        Row("Yuno calls per query", f"{calls['gateway']:g}", f"{calls['baseline']:g}")
    )
    section.data.update(yuno_calls_per_query=calls, yuno_routes=routes)
    section.notes += [
        WARM_METHOD,
        "The rps target is judged at the highest concurrency, where both servers are bound by "
        "CPU; at lower concurrency the baseline waits on Yuno and the ratio is larger.",
    ]
    return section


def _throughput_rows(
    section: Section, c: int, ours: list[Sample], theirs: list[Sample], judged: bool
) -> list[Row]:
    ratio = compare(ours, theirs, rps).median
    goal = f"rps at {c} clients ÷ baseline"
    target = Target(goal, ratio, RPS_RATIO_GOAL, "x", at_least=True)
    verdict = section.check(target) if judged else ""
    return [
        paired_row(f"rps, {clients(c)}", ours, theirs, rps, 0, verdict),
        paired_row(f"p50 ms, {clients(c)}", ours, theirs, p50),
        paired_row(f"p99 ms, {clients(c)}", ours, theirs, p99),
        paired_row(f"server CPU ms per request, {clients(c)}", ours, theirs, server_cpu, 3),
    ]


async def _added_latency(lab: Lab, section: Section, ours: list[Sample]) -> None:
    """Gateway p50 at one client minus the p50 of one plain HTTP exchange with the emulator
    (a GET of the same checkout session, emulator latency 0 for the duration)."""
    session = lab.data.read_sessions[0]
    url = f"{lab.emulator.url}/v1/checkout/sessions/{session}"
    headers = {"public-api-key": PUBLIC_API_KEY, "private-secret-key": PRIVATE_SECRET_KEY}
    load = Load(url, None, 1, lab.budget.duration, method="GET", headers=headers, expect=(session,))
    await lab.yuno.set_latency(0)
    try:
        direct = [await lab.measure(lab.emulator, load) for _ in ours]
    finally:
        await lab.yuno.set_latency(lab.latency_ms)
    added = differences([p50(s) for s in ours], [p50(s) for s in direct])
    target = Target("added p50 latency at 1 client", added.median, ADDED_LATENCY_GOAL_MS, " ms")
    metric = "added p50 ms, 1 client (gateway minus one direct emulator GET)"
    section.rows.append(Row(metric, added.text(2), target=section.check(target)))
    section.data["emulator_direct_c1"] = summary(direct)
    section.data["added_latency_p50_ms"] = added.to_json()


async def critical_path(lab: Lab) -> Section:
    section = Section("critical_path", "2. Critical path: checkoutSession, caches empty")
    bodies = checkout_session_bodies(lab)
    floor = CRITICAL_PATH_ROUND_TRIPS * lab.latency_ms
    await lab.warm(lab.cold_gateway, bodies[:1])
    ours, theirs = await lab.series(
        [
            (lab.cold_gateway, Load(lab.cold_gateway.url, bodies, 1, lab.budget.duration)),
            (lab.baseline, Load(lab.baseline.url, bodies, 1, lab.budget.duration)),
        ]
    )
    over_floor = figure(ours, p50).median / floor
    target = Target("critical path p50 ÷ floor", over_floor, FLOOR_RATIO_GOAL, "x")
    targets = {"gateway": lab.cold_gateway, "baseline": lab.baseline}
    calls, routes = await lab.calls_by_target(targets, bodies[0])
    section.rows += [
        paired_row("p50 ms, 1 client", ours, theirs, p50),
        paired_row("p99 ms, 1 client", ours, theirs, p99),
        Row(
            f"p50 ÷ floor ({floor:g} ms = {CRITICAL_PATH_ROUND_TRIPS} x {lab.latency_ms:g} ms)",
            f"{over_floor:.2f}x",
            f"{figure(theirs, p50).median / floor:.2f}x",
            target=section.check(target),
        ),
        Row("Yuno calls per query", f"{calls['gateway']:g}", f"{calls['baseline']:g}"),
    ]
    section.data.update(
        floor_ms=floor,
        gateway=summary(ours),
        baseline=summary(theirs),
        yuno_calls_per_query=calls,
        yuno_routes=routes,
    )
    section.notes.append(COLD_METHOD)
    return section
