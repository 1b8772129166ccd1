"""Runs one measurement: a load generator in its own process against one server (``bench.load``,
or ``wrk`` where asked), while the CPU time of the processes under test is read from
``/proc`` before and after."""

import asyncio
import enum
import itertools
import json
import resource
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench import wrk
from bench.load import LoadReport
from bench.processes import ROOT, Service, clean_environment


class Generator(enum.Enum):
    """Which load generator measures: both are closed loops on keep-alive connections."""

    PYTHON = "python -m bench.load"
    WRK = "wrk (C, one thread, bench/wrk.lua)"


@dataclass(frozen=True)
class Load:
    """What one measurement sends: the same bodies, in turn, from ``concurrency`` clients."""

    url: str
    bodies: Sequence[Mapping[str, object]] | None
    concurrency: int
    duration: float
    requests: int | None = None
    unique: bool = False
    #: Texts a successful answer's body contains (none: it has no ``"errors"`` key).
    expect: Sequence[str] = ()
    method: str = "POST"
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Sample:
    """What one measurement saw: the generator's report and the servers' CPU time."""

    report: LoadReport
    #: The service the load was sent to.
    target: str
    #: CPU seconds each watched process used during the measurement, by service name.
    cpu_s: Mapping[str, float]

    def cpu_ms_per_request(self, service: str | None = None) -> float:
        """CPU time per answered request of the target (or of another watched service)."""
        count = self.report.count
        return 1000 * self.cpu_s[service or self.target] / count if count else 0.0


class Driver:
    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self._files = itertools.count()

    async def measure(
        self,
        load: Load,
        target: Service,
        others: Sequence[Service],
        generator: Generator = Generator.PYTHON,
    ) -> Sample:
        """Load ``target``, watching its CPU time and that of ``others``."""
        watch = [target, *others]
        before = {s.name: s.cpu_seconds() for s in watch}
        if generator is Generator.WRK:
            report = await self._wrk(load)
        else:
            report = await self._python(load)
        used = {s.name: s.cpu_seconds() - before[s.name] for s in watch}
        return Sample(report, target.name, used)

    async def _python(self, load: Load) -> LoadReport:
        output = await _run(sys.executable, "-m", "bench.load", *self._arguments(load))
        return LoadReport.model_validate_json(output)

    async def _wrk(self, load: Load) -> LoadReport:
        """wrk's own CPU time comes from this process's reaped children (it is the only one
        that ends during a measurement)."""
        if load.requests is not None or load.unique:
            raise ValueError("wrk measures for a duration: a fixed request count needs bench.load")
        bodies = None if load.bodies is None else self._body_file(load.bodies)
        expects = wrk.expects_file(self._file("expects", "txt"), load.expect)
        line = wrk.arguments(
            load.url, load.concurrency, load.duration, load.method, load.headers, bodies, expects
        )
        cpu = _children_cpu()
        output = await _run("wrk", *line)
        return wrk.report(output.decode(errors="replace"), _children_cpu() - cpu)

    def _arguments(self, load: Load) -> list[str]:
        arguments = ["--url", load.url, "--method", load.method]
        arguments += ["--concurrency", str(load.concurrency), "--duration", str(load.duration)]
        if load.bodies is not None:
            arguments += ["--body-file", str(self._body_file(load.bodies))]
        if load.requests is not None:
            arguments += ["--requests", str(load.requests)]
        if load.unique:
            arguments.append("--unique")
        for text in load.expect:
            arguments += ["--expect", text]
        for name, value in load.headers.items():
            arguments += ["--header", f"{name}: {value}"]
        return arguments

    def _body_file(self, bodies: Sequence[Mapping[str, object]]) -> Path:
        path = self._file("bodies", "jsonl")
        path.write_text("".join(json.dumps(body, separators=(",", ":")) + "\n" for body in bodies))
        return path

    def _file(self, name: str, suffix: str) -> Path:
        return self.workdir / f"{name}-{next(self._files)}.{suffix}"


async def _run(program: str, *arguments: str) -> bytes:
    """Run a generator to its end; its standard output."""
    process = await asyncio.create_subprocess_exec(
        program,
        *arguments,
        env=clean_environment({}),
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
    )
    output, _ = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"{program} {' '.join(arguments)} failed ({process.returncode})")
    return output


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
