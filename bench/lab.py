"""Everything a scenario runs against: the processes, their clients, the seeded data, the
budget of time, and the helpers that turn repeated measurements into figures."""

import dataclasses
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import aiohttp

from bench.clients import Emulator, GraphQL
from bench.dataset import Dataset, Sizes
from bench.driver import Driver, Generator, Load, Sample
from bench.processes import Service
from bench.report import Row
from bench.stats import Figure, Json, ratios

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass(frozen=True)
class Budget:
    """How long and how often to measure."""

    repeats: int
    duration: float
    concurrencies: tuple[int, ...]
    write_requests: int
    write_concurrency: int
    #: Connections at which the peers section compares the cached read with its peers.
    peer_concurrencies: tuple[int, ...]
    #: Queries sent one by one to count the Yuno calls each makes.
    count_queries: int
    start_samples: int
    data: Sizes

    @property
    def sizes(self) -> Sizes:
        """The data to seed: a fresh session for every write, gateway's and baseline's."""
        pool = 2 * self.repeats * self.write_requests
        return dataclasses.replace(self.data, payment_pool=pool)


FULL = Budget(
    repeats=3,
    duration=5.0,
    concurrencies=(1, 16, 64),
    write_requests=500,
    write_concurrency=16,
    peer_concurrencies=(16, 64),
    count_queries=5,
    start_samples=3,
    data=Sizes(),
)
QUICK = Budget(
    repeats=1,
    duration=0.3,
    concurrencies=(1, 4),
    write_requests=10,
    write_concurrency=4,
    peer_concurrencies=(4,),
    count_queries=2,
    start_samples=1,
    data=Sizes(customers=20, read_sessions=5, fanout_payments=10),
)


@dataclass(frozen=True)
class Lab:
    budget: Budget
    latency_ms: float
    emulator: Service
    #: ``gateway serve`` with default settings but hour-long cache TTLs (warm once, stay warm).
    gateway: Service
    #: ``gateway serve`` with every cache TTL at 0: each read goes to Yuno.
    cold_gateway: Service
    baseline: Service
    yuno: Emulator
    http: aiohttp.ClientSession
    driver: Driver
    data: Dataset
    #: Load runs that had failed requests, one line each, for the top of the report.
    failures: list[str] = dataclasses.field(default_factory=list)
    #: A commit of the gateway to measure against in the executed section (``--versus``).
    versus: str | None = None

    async def measure(
        self, target: Service, load: Load, generator: Generator = Generator.PYTHON
    ) -> Sample:
        """One load run; the emulator's request log starts empty (it grows with every call)."""
        load = dataclasses.replace(load, headers={**target.headers, **load.headers})
        await self.yuno.clear_requests()
        others = [] if target is self.emulator else [self.emulator]
        sample = await self.driver.measure(load, target, others, generator)
        report = sample.report
        if report.errors:
            sent = report.errors + report.count
            failed = f"{target.name}: {report.errors} of {sent} requests failed"
            self.failures.append(f"{failed}; first: {report.first_error}")
        return sample

    async def series(self, loads: Sequence[tuple[Service, Load]]) -> list[list[Sample]]:
        """Every load once per repeat, interleaved, so drift hits them all alike."""
        runs: list[list[Sample]] = [[] for _ in loads]
        for _ in range(self.budget.repeats):
            for samples, (target, load) in zip(runs, loads, strict=True):
                samples.append(await self.measure(target, load))
        return runs

    async def warm(self, target: Service, bodies: Sequence[Mapping[str, object]]) -> None:
        """Send each body twice: caches and per-process parse/validation caches fill up."""
        client = GraphQL(self.http, target.url, target.headers)
        for body in [*bodies, *bodies]:
            await client.data(str(body["query"]), _variables(body))

    async def yuno_calls(
        self, target: Service, body: Mapping[str, object]
    ) -> tuple[float, dict[str, float]]:
        """Yuno calls per query (from the emulator's log) and their count by route."""
        client = GraphQL(self.http, target.url, target.headers)
        await self.yuno.clear_requests()
        for _ in range(self.budget.count_queries):
            await client.data(str(body["query"]), _variables(body))
        log = await self.yuno.requests()
        routes = Counter(f"{r['method']} {UUID.sub('{id}', r['path'])}" for r in log)
        queries = self.budget.count_queries
        return len(log) / queries, {route: n / queries for route, n in sorted(routes.items())}

    async def calls_by_target(
        self, targets: Mapping[str, Service], body: Mapping[str, object]
    ) -> tuple[dict[str, float], dict[str, Json]]:
        """Yuno calls per query of each target, and their routes (for the JSON report)."""
        counts: dict[str, float] = {}
        routes: dict[str, Json] = {}
        for name, target in targets.items():
            counts[name], routes[name] = await self.yuno_calls(target, body)
        return counts, routes


def _variables(body: Mapping[str, object]) -> Mapping[str, object]:
    variables = body.get("variables") or {}
    assert isinstance(variables, Mapping)
    return variables


def figure(samples: Sequence[Sample], read: Callable[[Sample], float]) -> Figure:
    return Figure.of(read(s) for s in samples)


def rps(sample: Sample) -> float:
    return sample.report.rps


def p50(sample: Sample) -> float:
    return sample.report.latency_ms.p50


def p99(sample: Sample) -> float:
    return sample.report.latency_ms.p99


def compare(
    ours: Sequence[Sample], theirs: Sequence[Sample], read: Callable[[Sample], float]
) -> Figure:
    """Run-by-run ratio of our figure to theirs (both measured in the same repeat)."""
    return ratios([read(s) for s in ours], [read(s) for s in theirs])


def server_cpu(sample: Sample) -> float:
    return sample.cpu_ms_per_request()


def summary(samples: Sequence[Sample]) -> Mapping[str, Json]:
    """A series' figures for the JSON report."""
    return {
        "rps": figure(samples, rps).to_json(),
        "p50_ms": figure(samples, p50).to_json(),
        "p90_ms": figure(samples, lambda s: s.report.latency_ms.p90).to_json(),
        "p99_ms": figure(samples, p99).to_json(),
        "requests": sum(s.report.count for s in samples),
        "errors": sum(s.report.errors for s in samples),
        "first_error": next((s.report.first_error for s in samples if s.report.errors), None),
        "server_cpu_ms_per_request": figure(samples, server_cpu).to_json(),
        "emulator_cpu_ms_per_request": figure(
            samples, lambda s: s.cpu_ms_per_request("emulator")
        ).to_json(),
        "generator_cpu_share": figure(
            samples, lambda s: s.report.cpu_s / s.report.elapsed_s
        ).to_json(),
    }


def clients(count: int) -> str:
    return f"{count} client{'' if count == 1 else 's'}"


def graphql_body(query: str, variables: Mapping[str, object]) -> dict[str, object]:
    return {"query": query, "variables": dict(variables)}


def paired_row(
    metric: str,
    ours: Sequence[Sample],
    theirs: Sequence[Sample],
    read: Callable[[Sample], float],
    digits: int = 2,
    target: str = "",
) -> Row:
    """A table row with our figure, theirs and their run-by-run ratio."""
    ours_figure, theirs_figure = figure(ours, read), figure(theirs, read)
    ratio = compare(ours, theirs, read).text(2, "x")
    return Row(metric, ours_figure.text(digits), theirs_figure.text(digits), ratio, target)
