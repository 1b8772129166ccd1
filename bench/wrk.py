"""wrk, the C load generator (Debian's ``wrk``), as the bench's second generator: near the
ceiling (~15k requests/s on two cores) ``python -m bench.load`` is itself the bottleneck.

``bench/wrk.lua`` sends the bodies in turn, judges each answer as ``bench.load`` does and
prints one ``WRK-REPORT`` line, which ``report`` turns into the same ``LoadReport``. wrk
measures whole seconds only, so a run lasts at least one second.
"""

import json
import shutil
from collections.abc import Mapping, Sequence
from pathlib import Path

from bench.load import Latency, LoadReport

SCRIPT = Path(__file__).with_name("wrk.lua")
REPORT = "WRK-REPORT "
FIRST_FAILURE = "WRK-FIRST-FAILURE "
#: One thread: on two cores the other one belongs to the server under test.
THREADS = 1
TIMEOUT_S = 10


class WrkFailed(RuntimeError):
    """wrk exited without its report line."""


def installed() -> bool:
    return shutil.which("wrk") is not None


def seconds(duration: float) -> int:
    """wrk's ``-d`` takes whole seconds."""
    return max(1, round(duration))


def arguments(
    url: str,
    concurrency: int,
    duration: float,
    method: str,
    headers: Mapping[str, str],
    bodies: Path | None,
    expects: Path | None,
) -> list[str]:
    """wrk's command line (after ``wrk``) for one closed-loop run."""
    line = [f"-t{min(THREADS, concurrency)}", f"-c{concurrency}", f"-d{seconds(duration)}s"]
    line += ["--timeout", f"{TIMEOUT_S}s", "-s", str(SCRIPT)]
    all_headers = {**headers, **({"Content-Type": "application/json"} if bodies else {})}
    for name, value in all_headers.items():
        line += ["-H", f"{name}: {value}"]
    return [*line, url, "--", method, str(bodies or "-"), str(expects or "-")]


def expects_file(path: Path, expects: Sequence[str]) -> Path | None:
    if not expects:
        return None
    path.write_text("".join(f"{text}\n" for text in expects))
    return path


def report(output: str, cpu_s: float) -> LoadReport:
    """The ``LoadReport`` of one wrk run, from what ``wrk.lua`` printed."""
    lines = output.splitlines()
    found = [line[len(REPORT) :] for line in lines if line.startswith(REPORT)]
    if not found:
        raise WrkFailed(f"wrk printed no report:\n{output[-2000:]}")
    figures = json.loads(found[-1])
    failed, socket_errors = int(figures["failed"]), int(figures["socket_errors"])
    count = int(figures["requests"]) - failed
    elapsed = figures["duration_us"] / 1e6
    first = next(
        (line[len(FIRST_FAILURE) :] for line in lines if line.startswith(FIRST_FAILURE)), None
    )
    if first is None and socket_errors:
        first = f"{socket_errors} socket errors (connect, read, write or timeout)"
    return LoadReport(
        count=count,
        errors=failed + socket_errors,
        elapsed_s=elapsed,
        rps=count / elapsed if elapsed > 0 else 0.0,
        latency_ms=Latency(
            p50=figures["p50_us"] / 1000,
            p90=figures["p90_us"] / 1000,
            p99=figures["p99_us"] / 1000,
            max=figures["max_us"] / 1000,
            mean=figures["mean_us"] / 1000,
        ),
        cpu_s=cpu_s,
        first_error=first,
    )
