"""What the figures were measured on: cores, CPU model, Python, and how busy the machine was."""

import os
import platform
from collections.abc import Mapping
from pathlib import Path

from bench.stats import Json


def description() -> dict[str, Json]:
    return {
        "cores": os.cpu_count() or 0,
        "cores usable": len(os.sched_getaffinity(0)),
        "cpu": _cpu_model(),
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "kernel": platform.release(),
        "load average at start": load_average(),
    }


def load_average() -> str:
    """The 1, 5 and 15 minute load averages: other work on the machine skews every figure."""
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def _cpu_model() -> str:
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return platform.processor() or "unknown"
    names: Mapping[str, str] = dict(_field(line) for line in lines if ":" in line)
    return names.get("model name") or names.get("Hardware") or "unknown"


def _field(line: str) -> tuple[str, str]:
    name, _, value = line.partition(":")
    return name.strip(), value.strip()
