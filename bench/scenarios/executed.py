"""What a read costs when it runs: the checkout-session query with the response cache off
and every lookup warm, so each request parses nothing new, calls Yuno for nothing, and
executes. Issue 15 asked for ≥ 30% less CPU per executed request than when it was filed
(~1.1 ms); ``--versus <commit>`` measures the gateway at that commit in the same run,
interleaved, which is the fair comparison (the issue's figure was taken another day)."""

from bench.driver import Load, Sample
from bench.lab import Lab, compare, figure, paired_row, server_cpu, summary
from bench.processes import WARM_CACHE, Service, checkout, start_gateway
from bench.report import Row, Section, Target
from bench.scenarios.reads import checkout_session_bodies

#: The gateway with its lookups warm and no response cache: every read executes.
EXECUTING = {**WARM_CACHE, "GATEWAY_RESPONSE_CACHE": "false"}
#: Issue 15's figure when it was filed, and the share of it the issue aims for.
FILED_CPU_MS = 1.1
CPU_GOAL = 0.70
CONNECTIONS = 16


async def executed(lab: Lab) -> Section:
    section = Section(
        "executed",
        "Executed read: checkoutSession, response cache off, lookups warm",
        columns=("gateway", f"gateway at {lab.versus or '-'}", "gateway ÷ then"),
    )
    bodies = checkout_session_bodies(lab)
    workdir = lab.driver.workdir
    ours = await start_gateway(workdir, lab.emulator.url, name="executing-gateway", env=EXECUTING)
    then: Service | None = None
    try:
        if lab.versus:
            source = await checkout(lab.versus, workdir / f"versus-{lab.versus}")
            name = f"gateway-{lab.versus}"
            then = await start_gateway(
                workdir, lab.emulator.url, name=name, env=EXECUTING, source=source
            )
        await _measure(lab, section, bodies, ours, then)
    finally:
        await ours.stop()
        if then is not None:
            await then.stop()
    return section


async def _measure(
    lab: Lab, section: Section, bodies: list[dict[str, object]], ours: Service, then: Service | None
) -> None:
    contenders = [ours] if then is None else [ours, then]
    for service in contenders:
        await lab.warm(service, bodies)
    loads = [(s, Load(s.url, bodies, CONNECTIONS, lab.budget.duration)) for s in contenders]
    runs = await lab.series(loads)
    mine: list[Sample] = runs[0]
    cpu = figure(mine, server_cpu).median
    absolute = Target("CPU ms per executed request", cpu, FILED_CPU_MS * CPU_GOAL, " ms")
    metric = f"server CPU ms per request, {CONNECTIONS} connections"
    if then is None:
        section.rows.append(Row(metric, figure(mine, server_cpu).text(3)))
    else:
        section.rows.append(paired_row(metric, mine, runs[1], server_cpu, 3))
    section.rows.append(
        Row(
            f"issue 15's figure when filed: {FILED_CPU_MS} ms",
            f"{cpu:.3f} ms",
            target=section.check(absolute),
        )
    )
    section.data["gateway"] = summary(mine)
    if then is not None:
        ratio = compare(mine, runs[1], server_cpu).median
        relative = Target("CPU per executed request ÷ then", ratio, CPU_GOAL, "x")
        section.rows.append(
            Row(
                f"CPU ÷ the gateway at {lab.versus}",
                f"{ratio:.2f}x",
                target=section.check(relative),
            )
        )
        section.data["then"] = summary(runs[1])
    section.notes.append(
        "Each request executes (no response cache), its lookups warm; run with --versus "
        "<commit> to measure the gateway at that commit in the same run."
    )
