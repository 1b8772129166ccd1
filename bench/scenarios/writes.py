"""Scenario 5: ``createPayment``, each on a fresh checkout session with its own one-time token."""

from collections.abc import Sequence

from bench import documents
from bench.dataset import payment_variables
from bench.driver import Load, Sample
from bench.lab import (
    Lab,
    clients,
    compare,
    graphql_body,
    p50,
    p99,
    paired_row,
    rps,
    server_cpu,
    summary,
)
from bench.processes import Service
from bench.report import Row, Section


async def payment_write(lab: Lab) -> Section:
    section = Section("payment_write", "5. Payment write: createPayment on a fresh session")
    pool = iter(lab.data.payment_pool)
    ours: list[Sample] = []
    theirs: list[Sample] = []
    calls: dict[str, list[float]] = {"gateway": [], "baseline": []}
    for _ in range(lab.budget.repeats):
        for target, samples in ((lab.gateway, ours), (lab.baseline, theirs)):
            chunk = [next(pool) for _ in range(lab.budget.write_requests)]
            sample, per_write = await _writes(lab, target, chunk)
            samples.append(sample)
            calls[target.name].append(per_write)
    c = lab.budget.write_concurrency
    section.rows += [
        paired_row(f"rps, {clients(c)}", ours, theirs, rps, 0),
        paired_row(f"p50 ms, {clients(c)}", ours, theirs, p50),
        paired_row(f"p99 ms, {clients(c)}", ours, theirs, p99),
        paired_row("server CPU ms per payment", ours, theirs, server_cpu, 3),
        Row("Yuno calls per payment", f"{max(calls['gateway']):g}", f"{max(calls['baseline']):g}"),
    ]
    section.data.update(
        writes_per_run=lab.budget.write_requests,
        concurrency=lab.budget.write_concurrency,
        gateway=summary(ours),
        baseline=summary(theirs),
        rps_ratio=compare(ours, theirs, rps).to_json(),
        yuno_calls_per_payment={name: max(values) for name, values in calls.items()},
    )
    section.notes.append(
        f"Floor: {2 * lab.latency_ms:g} ms, the session read then the payment; every write "
        "uses its own session and one-time token, minted before the run."
    )
    return section


async def _writes(
    lab: Lab, target: Service, pool: Sequence[tuple[str, str]]
) -> tuple[Sample, float]:
    bodies = [graphql_body(documents.CREATE_PAYMENT, payment_variables(*p)) for p in pool]
    load = Load(
        target.url,
        bodies,
        lab.budget.write_concurrency,
        duration=3600,
        requests=len(bodies),
        unique=True,
        expect=("SUCCEEDED",),
    )
    sample = await lab.measure(target, load)
    log = await lab.yuno.requests()
    return sample, len(log) / max(1, sample.report.count + sample.report.errors)
