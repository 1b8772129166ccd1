"""The request path is the import graph: each package imports only what lies below it
(DESIGN.md §1), and a test walks every import to prove it."""

import ast
from pathlib import Path

import pytest

GATEWAY = Path(__file__).resolve().parents[1] / "gateway"

#: package -> the packages of ours it may import (itself always allowed).
ALLOWED: dict[str, set[str]] = {
    "settings": set(),
    "auth": {"settings"},
    "events": {"settings"},
    "yuno": {"settings"},
    "sandbox": {"yuno"},  # the emulator shares Yuno's country table, never the client
    "loaders": {"yuno", "settings"},
    "resolvers": {"loaders", "yuno", "auth", "events", "settings"},
    # schema/ maps the resolvers' results (Yuno models, pure data) to GraphQL types and
    # Yuno's failure classes to public codes; it does no I/O of its own.
    "schema": {"resolvers", "auth", "yuno.models", "yuno.errors", "yuno.countries", "yuno.cards"},
    "web": {"auth", "schema", "events", "settings"},
}
#: The composition root and the command line may import everything.
EVERYTHING = {"app", "cli", "__main__", "server", "logs", "metrics", "__init__"}


def our_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return {name.removeprefix("gateway.") for name in found if name.startswith("gateway.")}


def allowed(package: str, target: str) -> bool:
    if target == package or target.startswith(package + "."):
        return True
    return any(target == ok or target.startswith(ok + ".") for ok in ALLOWED[package])


MODULES = sorted(GATEWAY.rglob("*.py"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(GATEWAY)))
def test_imports_flow_one_way(path: Path) -> None:
    package = path.relative_to(GATEWAY).parts[0].removesuffix(".py")
    if package in EVERYTHING:
        return
    wrong = sorted(t for t in our_imports(path) if not allowed(package, t))
    assert wrong == [], f"{package} must not import {wrong}"


def test_every_package_has_a_rule() -> None:
    packages = {p.name for p in GATEWAY.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    modules = {p.stem for p in GATEWAY.glob("*.py")}
    assert packages | modules <= set(ALLOWED) | EVERYTHING
