"""The processes under test: the Yuno emulator, ``gateway serve``, the baseline and the
ceiling (the Hive peer starts through ``start_process`` too, from ``bench.hive``).

Each runs as its own OS process on a free loopback port, with its output in a log file.
A ``Service`` knows its pid, so the bench reads its memory and CPU time from ``/proc``.
"""

import asyncio
import json
import os
import secrets
import shlex
import socket
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import aiohttp

#: The repository: every process runs from here, so ``python -m bench...`` finds the package.
ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
PUBLIC_API_KEY = "sandbox_dev_public_api_key"
PRIVATE_SECRET_KEY = "sandbox_dev_private_secret_key"
ACCOUNT_ID = "7c4b0b6e-2f3d-4f7a-9a51-3d1e5f0c8a21"
READY_QUERY = {"query": "{ sdkConfig { environment } }"}
BASELINE_READY_QUERY = {"query": "{ __typename }"}
#: Every cache TTL the gateway has: all zero makes a gateway whose every read goes to Yuno.
CACHE_TTLS = (
    "GATEWAY_CACHE_TTL_CUSTOMER",
    "GATEWAY_CACHE_TTL_CHECKOUT_SESSION",
    "GATEWAY_CACHE_TTL_PAYMENT_METHODS",
    "GATEWAY_CACHE_TTL_ENROLLMENT_CATALOG",
    "GATEWAY_CACHE_TTL_CUSTOMER_BY_MERCHANT_ID",
)
#: Nothing kept between requests: no lookup, and no answer (the response cache is off).
COLD_CACHE = {**dict.fromkeys(CACHE_TTLS, "0"), "GATEWAY_RESPONSE_CACHE": "false"}
#: An hour: no entry the warm scenarios filled can expire in the middle of a measurement.
WARM_CACHE = dict.fromkeys(CACHE_TTLS, "3600")
#: The bench calls the gateway as a service with every scope, under a key made for this run;
#: the rate limit stays on the request path but is set far above what the bench sends.
BENCH_API_KEY = f"bench-{secrets.token_urlsafe(16)}"
GATEWAY_AUTH = {
    "GATEWAY_API_KEYS": json.dumps({BENCH_API_KEY: ["*"]}),
    "GATEWAY_RATE_LIMIT_PER_MINUTE": str(10**9),
}
STARTUP_TIMEOUT = 60.0


class ServiceFailed(RuntimeError):
    """A process under test exited or never answered."""


@dataclass
class Service:
    name: str
    process: asyncio.subprocess.Process
    url: str
    log: Path
    #: Seconds from spawning the process to its first answered request.
    started_in: float
    #: What every request to it carries (the gateway's credentials).
    headers: Mapping[str, str]

    @property
    def pid(self) -> int:
        return self.process.pid

    def memory_kb(self) -> dict[str, int]:
        """``VmRSS`` (now) and ``VmHWM`` (peak since start or the last ``reset_peak``)."""
        fields: dict[str, int] = {}
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            name, _, value = line.partition(":")
            if name in ("VmRSS", "VmHWM"):
                fields[name] = int(value.split()[0])
        return fields

    def reset_peak(self) -> None:
        """Start ``VmHWM`` again from the current RSS (Linux: ``5`` to ``clear_refs``)."""
        Path(f"/proc/{self.pid}/clear_refs").write_text("5")

    def cpu_seconds(self) -> float:
        """CPU time all of the process's threads have used so far (``schedstat``, in ns)."""
        total = 0
        for task in Path(f"/proc/{self.pid}/task").iterdir():
            try:
                total += int((task / "schedstat").read_text().split()[0])
            except (OSError, IndexError, ValueError):
                continue  # a thread that ended meanwhile
        return total / 1e9

    def ensure_running(self) -> None:
        """Raise ``ServiceFailed``, with the end of its log, if the process has exited."""
        if self.process.returncode is not None:
            code = self.process.returncode
            raise ServiceFailed(f"{self.name} exited ({code}):\n{_tail(self.log)}")

    async def stop(self) -> None:
        if self.process.returncode is None:
            self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), 10)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()


@dataclass(frozen=True)
class Probe:
    """A request the service answers 200 once it is ready, and the headers it needs."""

    url: str
    body: Mapping[str, str] | None
    headers: Mapping[str, str]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


def clean_environment(extra: Mapping[str, str]) -> dict[str, str]:
    """This process's environment without Yuno or gateway settings, plus ``extra``."""
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("YUNO_", "GATEWAY_"))}
    return {**kept, "GATEWAY_LOG_LEVEL": "WARNING", **extra}


def yuno_environment(emulator_url: str) -> dict[str, str]:
    return {
        "YUNO_PUBLIC_API_KEY": PUBLIC_API_KEY,
        "YUNO_PRIVATE_SECRET_KEY": PRIVATE_SECRET_KEY,
        "YUNO_ACCOUNT_ID": ACCOUNT_ID,
        "YUNO_API_URL": f"{emulator_url}/v1",
    }


async def start_emulator(logs: Path, latency_ms: float) -> Service:
    port = free_port()
    command = ["-m", "gateway", "sandbox", "--host", HOST, "--port", str(port)]
    command += ["--latency-ms", str(latency_ms)]
    url = f"http://{HOST}:{port}"
    probe = Probe(f"{url}/_sandbox/requests", None, {})
    return await start_process("emulator", command, {}, logs, url, probe)


async def start_gateway(
    logs: Path,
    emulator_url: str,
    name: str = "gateway",
    env: Mapping[str, str] | None = None,
    workers: int | None = None,
    source: Path | None = None,
) -> Service:
    """``gateway serve`` against the emulator; ``started_in`` is the time to its first answer.
    ``source``: another checkout of the gateway to run instead (see ``checkout``)."""
    port = free_port()
    command = ["-m", "gateway", "serve", "--host", HOST, "--port", str(port)]
    command += [] if workers is None else ["--workers", str(workers)]
    url = f"http://{HOST}:{port}/graphql"
    settings = {**yuno_environment(emulator_url), **GATEWAY_AUTH, **(env or {})}
    if source is not None:
        settings["PYTHONPATH"] = str(source)
    probe = Probe(url, READY_QUERY, {"Authorization": f"Bearer {BENCH_API_KEY}"})
    return await start_process(name, command, settings, logs, url, probe, cwd=source or ROOT)


async def checkout(commit: str, into: Path) -> Path:
    """The gateway's code at ``commit`` (``git archive``), to measure against this one in
    the same run; it runs with this environment's packages."""
    target = shlex.quote(str(into))
    archive = await asyncio.create_subprocess_shell(
        f"mkdir -p {target} && git -C {shlex.quote(str(ROOT))} archive {shlex.quote(commit)}"
        f" gateway | tar -x -C {target}",
        stderr=asyncio.subprocess.PIPE,
    )
    _, errors = await archive.communicate()
    if archive.returncode != 0:
        raise ServiceFailed(f"cannot check out {commit}: {errors.decode().strip()}")
    return into


async def start_baseline(logs: Path, emulator_url: str) -> Service:
    port = free_port()
    command = ["-m", "bench.baseline", "--host", HOST, "--port", str(port)]
    command += ["--yuno-url", f"{emulator_url}/v1"]
    url = f"http://{HOST}:{port}/graphql"
    return await start_process(
        "baseline", command, {}, logs, url, Probe(url, BASELINE_READY_QUERY, {})
    )


async def start_ceiling(logs: Path, answers: Path) -> Service:
    """``bench.ceiling`` sending the answers in ``answers`` (session id to answer text)."""
    port = free_port()
    command = ["-m", "bench.ceiling", "--host", HOST, "--port", str(port)]
    command += ["--answers", str(answers)]
    url = f"http://{HOST}:{port}"
    probe = Probe(f"{url}/ready", None, {})
    return await start_process("ceiling", command, {}, logs, f"{url}/graphql", probe)


async def start_process(
    name: str,
    command: list[str],
    env: Mapping[str, str],
    logs: Path,
    url: str,
    probe: Probe,
    program: str = sys.executable,
    cwd: Path = ROOT,
) -> Service:
    """``program command…`` from the repository, its output in ``logs/<name>.log``; returns
    once ``probe`` is answered (``ServiceFailed`` if it exits or never answers)."""
    log = logs / f"{name}.log"
    began = time.perf_counter()
    with log.open("ab") as output:
        process = await asyncio.create_subprocess_exec(
            program,
            *command,
            env=clean_environment(env),
            cwd=cwd,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=output,
            stderr=output,
        )
    service = Service(name, process, url, log, 0.0, probe.headers)
    try:
        await _until_answered(service, probe)
    except BaseException:
        await service.stop()
        raise
    service.started_in = time.perf_counter() - began
    return service


async def _until_answered(service: Service, probe: Probe) -> None:
    """Poll every 5 ms until the service answers 200 (a GraphQL answer without errors)."""
    try:
        async with asyncio.timeout(STARTUP_TIMEOUT), aiohttp.ClientSession() as http:
            while not await _answers(http, probe):
                if service.process.returncode is not None:
                    raise ServiceFailed(f"{service.name} exited:\n{_tail(service.log)}")
                await asyncio.sleep(0.005)
    except TimeoutError:
        message = f"{service.name} did not answer in {STARTUP_TIMEOUT:.0f} s:\n"
        raise ServiceFailed(message + _tail(service.log)) from None


def _tail(log: Path, lines: int = 20) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


async def _answers(http: aiohttp.ClientSession, probe: Probe) -> bool:
    try:
        if probe.body is None:
            async with http.get(probe.url, headers=probe.headers) as response:
                return response.status == 200
        async with http.post(probe.url, json=probe.body, headers=probe.headers) as response:
            return response.status == 200 and b'"errors"' not in await response.read()
    except aiohttp.ClientError:
        return False


async def gateway_supports_workers() -> bool:
    """True once ``gateway serve --help`` lists ``--workers``."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "gateway",
        "serve",
        "--help",
        env=clean_environment({}),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    help_text, _ = await process.communicate()
    return b"--workers" in help_text
