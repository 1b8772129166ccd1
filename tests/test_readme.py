"""The README's tutorial runs: every shell block of it, in one shell, against a fresh
``gateway serve`` with no configuration, printing exactly what the README says it prints
(the ``# =>`` lines). Change the gateway or the README, and this says where they differ.
"""

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.services import GatewayProcess, require

ROOT = Path(__file__).resolve().parents[1]
TUTORIAL = "## Tutorial: take a payment with curl"
OUTPUT = "# => "


def tutorial_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text()
    start = text.index(TUTORIAL)
    end = text.index("\n## ", start + len(TUTORIAL))
    return re.findall(r"```sh\n(.*?)```", text[start:end], re.S)


def commands(block: str) -> str:
    return "\n".join(line for line in block.splitlines() if not line.startswith(OUTPUT))


def printed(block: str) -> list[str]:
    return [line.removeprefix(OUTPUT) for line in block.splitlines() if line.startswith(OUTPUT)]


@pytest.fixture
def served(tmp_path: Path) -> Iterator[GatewayProcess]:
    process = GatewayProcess({}, tmp_path / "serve.log")
    process.start()
    yield process
    process.terminate()


def test_the_tutorial_has_blocks_and_says_what_each_prints() -> None:
    blocks = tutorial_blocks()
    assert len(blocks) >= 8
    assert all(printed(block) for block in blocks)


def test_every_block_of_the_tutorial_runs_and_prints_what_it_says(
    served: GatewayProcess, tmp_path: Path
) -> None:
    for tool in ("curl", "jq", "bash"):
        require(tool)
    blocks = tutorial_blocks()
    script = "set -euo pipefail\n" + "".join(
        f'echo "@@ block {number}"\n{commands(block)}\n' for number, block in enumerate(blocks)
    )
    (tmp_path / "tutorial.sh").write_text(script)
    venv = str(Path(sys.executable).parent)
    env = {**os.environ, "GATEWAY": served.url, "PATH": f"{venv}:{os.environ['PATH']}"}
    run = subprocess.run(
        ["bash", str(tmp_path / "tutorial.sh")],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    outputs = re.split(r"^@@ block \d+\n", run.stdout, flags=re.M)[1:]
    assert len(outputs) == len(blocks)
    for number, (block, output) in enumerate(zip(blocks, outputs, strict=True)):
        assert output.splitlines() == printed(block), f"block {number}:\n{commands(block)}"
