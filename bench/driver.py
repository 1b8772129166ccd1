"""Runs one measurement: ``bench.load`` in its own process against one server, while the
CPU time of the processes under test is read from ``/proc`` before and after."""

import asyncio
import itertools
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.load import LoadReport
from bench.processes import ROOT, Service, clean_environment


@dataclass(frozen=True)
class Load:
    """What one measurement sends: the same bodies, in turn, from ``concurrency`` clients."""

    url: str
    bodies: Sequence[Mapping[str, object]] | None
    concurrency: int
    duration: float
    requests: int | None = None
    unique: bool = False
    expect: str | None = None
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

    async def measure(self, load: Load, target: Service, others: Sequence[Service]) -> Sample:
        """Load ``target``, watching its CPU time and that of ``others``."""
        watch = [target, *others]
        arguments = self._arguments(load)
        before = {s.name: s.cpu_seconds() for s in watch}
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bench.load",
            *arguments,
            env=clean_environment({}),
            cwd=ROOT,
            stdout=asyncio.subprocess.PIPE,
        )
        output, _ = await process.communicate()
        used = {s.name: s.cpu_seconds() - before[s.name] for s in watch}
        if process.returncode != 0:
            raise RuntimeError(f"bench.load failed ({process.returncode}) for {load.url}")
        return Sample(LoadReport.model_validate_json(output), target.name, used)

    def _arguments(self, load: Load) -> list[str]:
        arguments = ["--url", load.url, "--method", load.method]
        arguments += ["--concurrency", str(load.concurrency), "--duration", str(load.duration)]
        if load.bodies is not None:
            arguments += ["--body-file", str(self._body_file(load.bodies))]
        if load.requests is not None:
            arguments += ["--requests", str(load.requests)]
        if load.unique:
            arguments.append("--unique")
        if load.expect is not None:
            arguments += ["--expect", load.expect]
        for name, value in load.headers.items():
            arguments += ["--header", f"{name}: {value}"]
        return arguments

    def _body_file(self, bodies: Sequence[Mapping[str, object]]) -> Path:
        path = self.workdir / f"bodies-{next(self._files)}.jsonl"
        path.write_text("".join(json.dumps(body, separators=(",", ":")) + "\n" for body in bodies))
        return path
