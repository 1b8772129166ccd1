"""The Hive peer: GraphQL Mesh (``mesh-compose``, ``@omnigraph/openapi``) composes a
supergraph from Yuno's own OpenAPI files, and Hive Gateway serves it against the emulator.

``bench/peers/`` holds what it runs: the npm packages (exact versions, ``package-lock.json``;
``npm ci --prefix bench/peers`` installs them), ``mesh.config.mjs`` and
``gateway.config.mjs``. The OpenAPI files are read where the workspace keeps them,
``../shared/yuno-openapi`` beside the repository. ``missing()`` says why the peer cannot run
(no node, no packages, no OpenAPI files); the bench reports that and goes on without it.
"""

import asyncio
import shutil
from pathlib import Path

from bench.processes import (
    BENCH_API_KEY,
    HOST,
    PRIVATE_SECRET_KEY,
    PUBLIC_API_KEY,
    ROOT,
    Probe,
    Service,
    clean_environment,
    free_port,
    start_process,
)

PEERS = ROOT / "bench" / "peers"
BIN = PEERS / "node_modules" / ".bin"
OPENAPI = ROOT.parent / "shared" / "yuno-openapi"
#: The endpoints the read needs: the session, its customer, its payment methods.
SPECS = (
    "checkout-sessions/retrieve-checkout-session.json",
    "customers/retrieve-customer.json",
    "checkout-sessions/retrieve-payment-methods-for-checkout.json",
)
#: Every caller of the peer sends this; its response cache is kept per Authorization header.
AUTHORIZATION = {"Authorization": f"Bearer {BENCH_API_KEY}"}
READY_QUERY = {"query": "{ __typename }"}
COMPOSE_TIMEOUT = 120.0


class PeerFailed(RuntimeError):
    """The supergraph could not be composed."""


def missing() -> str | None:
    """Why the Hive peer cannot run here, or None when it can."""
    absent = [spec for spec in SPECS if not (OPENAPI / spec).is_file()]
    if absent:
        return f"Yuno's OpenAPI files are not in ../shared/yuno-openapi ({', '.join(absent)})"
    if shutil.which("node") is None:
        return "node is not installed"
    if not (BIN / "hive-gateway").exists() or not (BIN / "mesh-compose").exists():
        return "the npm packages are not installed: npm ci --prefix bench/peers"
    return None


async def compose(logs: Path, emulator_url: str) -> Path:
    """``mesh-compose`` with ``bench/peers/mesh.config.mjs``, Yuno at the emulator."""
    out = logs / "supergraph.graphql"
    log = logs / "mesh-compose.log"
    with log.open("ab") as output:
        process = await asyncio.create_subprocess_exec(
            _node(),
            str(BIN / "mesh-compose"),
            "-c",
            str(PEERS / "mesh.config.mjs"),
            "-o",
            str(out),
            env=clean_environment({"YUNO_API_URL": f"{emulator_url}/v1"}),
            cwd=PEERS,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=output,
            stderr=output,
        )
        try:
            await asyncio.wait_for(process.wait(), COMPOSE_TIMEOUT)
        except TimeoutError:
            process.kill()
            await process.wait()
    if process.returncode != 0 or not out.is_file():
        raise PeerFailed(f"mesh-compose failed ({process.returncode}): {_last_error(log)}")
    return out


async def start_hive(logs: Path, supergraph: Path, caching: bool) -> Service:
    """``hive-gateway supergraph`` (one process), with or without its response cache."""
    port = free_port()
    name = "hive-cached" if caching else "hive"
    command = [str(BIN / "hive-gateway"), "supergraph", str(supergraph)]
    command += ["-c", str(PEERS / "gateway.config.mjs"), "--host", HOST, "--port", str(port)]
    env = {
        "YUNO_PUBLIC_API_KEY": PUBLIC_API_KEY,
        "YUNO_PRIVATE_SECRET_KEY": PRIVATE_SECRET_KEY,
        "HIVE_RESPONSE_CACHE": "on" if caching else "off",
    }
    url = f"http://{HOST}:{port}/graphql"
    probe = Probe(url, READY_QUERY, AUTHORIZATION)
    return await start_process(name, command, env, logs, url, probe, program=_node())


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        raise PeerFailed("node is not installed")
    return node


def _last_error(log: Path) -> str:
    """The log's first line that names an error (mesh-compose prints a stack after it)."""
    lines = log.read_text(errors="replace").splitlines()
    errors = [line for line in lines if "error" in line.lower()]
    return (errors or lines or ["(no output)"])[0].strip()[:500]
