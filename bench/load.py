"""A closed-loop HTTP load generator, run as its own process so it never shares an event
loop with the server it measures::

    python -m bench.load --url http://127.0.0.1:8080/graphql --body-file q.jsonl \\
        --concurrency 16 --duration 5

Each of ``--concurrency`` clients holds one keep-alive connection and sends its next request
as soon as the previous answer arrives. Bodies come from a JSON-lines file, taken in turn
(``--unique``: each at most once, the run ends when they run out). An answer counts as an
error unless it is a 200 whose body contains every ``--expect`` (default: no ``"errors"``
key). It prints one JSON object: ``count``, ``errors``, ``elapsed_s``, ``rps``, ``latency_ms``
(p50, p90, p99, max, mean of the successful requests), ``cpu_s`` (this process's CPU time,
to see how much of the machine the generator itself took) and ``first_error``.
"""

import argparse
import asyncio
import itertools
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from pydantic import BaseModel

from bench.connection import Connection, ConnectionLost, prepare
from bench.stats import percentile


class Latency(BaseModel):
    p50: float
    p90: float
    p99: float
    max: float
    mean: float


class LoadReport(BaseModel):
    """What one run of the generator prints."""

    count: int
    errors: int
    elapsed_s: float
    rps: float
    latency_ms: Latency
    cpu_s: float
    first_error: str | None


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    first_error: str | None = None

    def failed(self, reason: str) -> None:
        self.errors += 1
        if self.first_error is None:
            self.first_error = reason[:500]


@dataclass
class Plan:
    requests: Iterator[bytes]
    deadline: float
    remaining: int
    expect: tuple[bytes, ...]

    def next_request(self) -> bytes | None:
        if self.remaining <= 0 or time.perf_counter() >= self.deadline:
            return None
        self.remaining -= 1
        return next(self.requests, None)

    def accepts(self, status: int, body: bytes) -> bool:
        if status != 200:
            return False
        if not self.expect:
            return b'"errors"' not in body
        return all(text in body for text in self.expect)


async def client(connection: Connection, plan: Plan, tally: Tally, reopen: "Opener") -> None:
    while (request := plan.next_request()) is not None:
        started = time.perf_counter()
        try:
            status, body = await connection.exchange(request)
        except (ConnectionLost, OSError) as exc:
            tally.failed(f"connection: {exc!r}")
            await connection.close()
            connection = await reopen()
            continue
        if plan.accepts(status, body):
            tally.latencies.append(time.perf_counter() - started)
        else:
            tally.failed(f"{status}: {body[:400]!r}")
    await connection.close()


class Opener:
    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80

    async def __call__(self) -> Connection:
        return await Connection.open(self.host, self.port)


async def run(args: argparse.Namespace) -> LoadReport:
    requests = _requests(args)
    open_connection = Opener(args.url)
    connections = [await open_connection() for _ in range(args.concurrency)]
    cpu, started = time.process_time(), time.perf_counter()
    plan = Plan(requests, started + args.duration, args.requests or sys.maxsize, _expect(args))
    tally = Tally()
    await asyncio.gather(*(client(c, plan, tally, open_connection) for c in connections))
    elapsed = time.perf_counter() - started
    return summary(tally, elapsed, time.process_time() - cpu)


def summary(tally: Tally, elapsed: float, cpu: float) -> LoadReport:
    in_ms = sorted(value * 1000 for value in tally.latencies)
    latency = Latency(
        p50=percentile(in_ms, 0.50),
        p90=percentile(in_ms, 0.90),
        p99=percentile(in_ms, 0.99),
        max=in_ms[-1] if in_ms else 0.0,
        mean=sum(in_ms) / len(in_ms) if in_ms else 0.0,
    )
    return LoadReport(
        count=len(in_ms),
        errors=tally.errors,
        elapsed_s=elapsed,
        rps=len(in_ms) / elapsed if elapsed > 0 else 0.0,
        latency_ms=latency,
        cpu_s=cpu,
        first_error=tally.first_error,
    )


def _requests(args: argparse.Namespace) -> Iterator[bytes]:
    headers = dict(_header(h) for h in args.header)
    bodies: Sequence[bytes | None] = [None]
    if args.body_file is not None:
        lines = Path(args.body_file).read_bytes().splitlines()
        bodies = [line for line in lines if line.strip()]
    prepared = [prepare(args.method, args.url, body, headers) for body in bodies]
    return iter(prepared) if args.unique else itertools.cycle(prepared)


def _header(text: str) -> tuple[str, str]:
    name, _, value = text.partition(":")
    return name.strip(), value.strip()


def _expect(args: argparse.Namespace) -> tuple[bytes, ...]:
    return tuple(text.encode() for text in args.expect)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__)
    parser.add_argument("--url", required=True)
    parser.add_argument("--method", default="POST")
    parser.add_argument("--body-file", help="JSON lines, one request body each")
    parser.add_argument("--header", action="append", default=[], help='"name: value"')
    parser.add_argument("--concurrency", type=int, default=1)
    parser.add_argument("--duration", type=float, default=5.0, help="seconds")
    parser.add_argument("--requests", type=int, help="stop after this many requests")
    parser.add_argument("--unique", action="store_true", help="send each body at most once")
    parser.add_argument(
        "--expect", action="append", default=[], help="a success's body contains this text"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> None:
    args = _parser().parse_args(argv)
    sys.stdout.write(asyncio.run(run(args)).model_dump_json() + "\n")


if __name__ == "__main__":
    main()
