"""Scenarios 3 and 4: queries that fan out to many Yuno reads, where batching and
deduplication decide how many calls are made and how many round trips the answer waits for."""

import math

from bench import documents
from bench.driver import Load, Sample
from bench.lab import Lab, figure, graphql_body, p50, p99, paired_row, summary
from bench.processes import Service
from bench.report import Row, Section, Target
from bench.scenarios.reads import COLD_METHOD, FLOOR_RATIO_GOAL
from gateway.settings import Settings

#: The order's payments, then their (deduplicated) customers together.
FAN_OUT_ROUND_TRIPS = 2
#: ``GATEWAY_MAX_CONCURRENCY``'s default: Yuno calls one loader batch runs at once.
MAX_CONCURRENCY: int = Settings.model_fields["max_concurrency"].default


async def fan_out(lab: Lab) -> Section:
    payments, customers = lab.data.fanout_payments, len(lab.data.carded_customers)
    title = f"3. Fan-out: {payments} payments of one order and their {customers} customers"
    section = Section("fan_out", title)
    body = graphql_body(documents.PAYMENTS_BY_ORDER, {"order": lab.data.fanout_order})
    floor = FAN_OUT_ROUND_TRIPS * lab.latency_ms
    cold, warm, theirs = await _three_ways(lab, body)
    calls, routes = await lab.calls_by_target(_targets(lab), body)
    expected = 1 + customers
    calls_target = Target("fan-out Yuno calls per cold query", calls["cold"], expected)
    section.rows += _latency_rows(section, "fan-out", floor, cold, warm, theirs)
    section.rows.append(
        Row(
            "Yuno calls per query, cold (warm)",
            f"{calls['cold']:g} ({calls['warm']:g})",
            f"{calls['baseline']:g}",
            target=section.check(calls_target),
        )
    )
    section.data.update(
        payments=payments,
        distinct_customers=customers,
        floor_ms=floor,
        expected_yuno_calls=expected,
        yuno_calls_per_query=calls,
        yuno_routes=routes,
        gateway_cold=summary(cold),
        gateway_warm=summary(warm),
        baseline=summary(theirs),
    )
    section.notes.append(COLD_METHOD)
    return section


async def federation(lab: Lab) -> Section:
    references = [{"__typename": "Customer", "id": c} for c in lab.data.customers]
    title = f"4. Federation: one _entities request, {len(references)} Customer references"
    section = Section("federation", title)
    body = graphql_body(documents.ENTITIES, {"representations": references})
    floor = lab.latency_ms
    rounds = math.ceil(len(references) / MAX_CONCURRENCY)
    cold, warm, theirs = await _three_ways(lab, body)
    calls, routes = await lab.calls_by_target(_targets(lab), body)
    section.rows += _latency_rows(section, "federation", floor, cold, warm, theirs)
    section.rows += [
        Row(
            f"cold p50 ÷ bounded floor ({rounds} round trips of {MAX_CONCURRENCY} calls)",
            f"{figure(cold, p50).median / (rounds * floor):.2f}x",
        ),
        Row(
            "Yuno calls per query, cold (warm)",
            f"{calls['cold']:g} ({calls['warm']:g})",
            f"{calls['baseline']:g}",
        ),
    ]
    section.data.update(
        references=len(references),
        floor_ms=floor,
        bounded_floor_ms=rounds * floor,
        yuno_calls_per_query=calls,
        yuno_routes=routes,
        gateway_cold=summary(cold),
        gateway_warm=summary(warm),
        baseline=summary(theirs),
    )
    section.notes += [
        COLD_METHOD,
        f"The floor is one round trip: all {len(references)} lookups could run at once. The "
        "gateway runs at "
        f"most GATEWAY_MAX_CONCURRENCY ({MAX_CONCURRENCY}) Yuno calls per loader batch, so "
        f"a cold request takes {rounds} round trips; the bounded floor shows that cost.",
    ]
    return section


def _targets(lab: Lab) -> dict[str, Service]:
    return {"cold": lab.cold_gateway, "warm": lab.gateway, "baseline": lab.baseline}


async def _three_ways(
    lab: Lab, body: dict[str, object]
) -> tuple[list[Sample], list[Sample], list[Sample]]:
    """The query at one client: on the cold gateway, the warm gateway and the baseline."""
    await lab.warm(lab.gateway, [body])
    await lab.warm(lab.cold_gateway, [body])
    loads = [(t, Load(t.url, [body], 1, lab.budget.duration)) for t in _targets(lab).values()]
    cold, warm, theirs = await lab.series(loads)
    return cold, warm, theirs


def _latency_rows(
    section: Section,
    name: str,
    floor: float,
    cold: list[Sample],
    warm: list[Sample],
    theirs: list[Sample],
) -> list[Row]:
    over_floor = figure(cold, p50).median / floor
    target = Target(f"{name} cold p50 ÷ floor", over_floor, FLOOR_RATIO_GOAL, "x")
    return [
        paired_row("cold p50 ms, 1 client", cold, theirs, p50),
        paired_row("cold p99 ms, 1 client", cold, theirs, p99),
        paired_row("warm p50 ms, 1 client", warm, theirs, p50),
        Row(
            f"cold p50 ÷ floor ({floor:g} ms)",
            f"{over_floor:.2f}x",
            f"{figure(theirs, p50).median / floor:.2f}x",
            target=section.check(target),
        ),
    ]
