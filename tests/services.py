"""Real components the tests start themselves: a ``redis-server`` on a free port.

A component that is missing skips its tests on a developer's machine; under ``CI=true`` it
fails them instead, so CI can never pass by skipping.
"""

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def require(executable: str) -> str:
    found = shutil.which(executable)
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{executable} is not installed; .ci/run should have installed it")
        pytest.skip(f"{executable} is not installed")
    return found


def wait_for_port(port: int, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.02)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


class RedisServer:
    """One ``redis-server`` that keeps nothing on disk; it can be stopped and started again
    on the same port, to play an outage."""

    def __init__(self, directory: Path) -> None:
        self.executable = require("redis-server")
        self.directory = directory
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                self.executable,
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--dir", str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


class GatewayProcess:
    """``gateway serve`` as a real process, as production runs it."""

    def __init__(self, env: dict[str, str], log_path: Path) -> None:
        self.port = free_port()
        inherited = {k: v for k, v in os.environ.items() if not k.startswith(("YUNO_", "GATEWAY_"))}
        self.env = {
            **inherited,
            **env,
            "GATEWAY_HOST": "127.0.0.1",
            "GATEWAY_PORT": str(self.port),
        }
        self.log_path = log_path
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        gateway = Path(sys.executable).parent / "gateway"
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [str(gateway), "serve"], env=self.env, stdout=log, stderr=subprocess.STDOUT
            )
        wait_for_port(self.port, timeout=30)

    def terminate(self) -> int:
        """SIGTERM, then the exit code (killed after 30 s)."""
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


async def eventually(condition: Callable[[], bool], polls: int = 1000) -> None:
    """Wait, bounded (``polls`` x 10 ms), for something another process or task makes true."""
    for _ in range(polls):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise TimeoutError(f"still false after {polls} polls")
