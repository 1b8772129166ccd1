"""The request path is the import graph: each package imports only what lies below it
(DESIGN.md §1), and a test walks every import, relative ones included, to prove it."""

import ast
from pathlib import Path

import pytest

GATEWAY = Path(__file__).resolve().parents[1] / "gateway"

#: DESIGN.md §1's table: package -> the packages of ours it may import (itself always).
DESIGN: dict[str, set[str]] = {
    "settings": set(),
    "auth": {"settings"},
    "events": {"settings"},
    "yuno": set(),  # "nothing above it"
    "sandbox": {"yuno.models"},
    "loaders": {"yuno"},
    "resolvers": {"loaders", "yuno", "auth"},
    "schema": {"resolvers", "auth"},
    "web": {"auth", "schema", "events"},
}
#: Modules that import nothing of ours, so any layer may (``Settings`` is passed down as
#: an argument; the request id is a context variable the edge sets and the rest reads).
LEAVES = {"settings", "correlation"}
#: Where the code imports more than the table, and why that direction is the right one.
BEYOND_DESIGN: dict[str, set[str]] = {
    # One country table, one set of card rules, one wire format for Yuno's JSON: the
    # emulator and the client can never disagree about them. Never the client itself.
    "sandbox": {"yuno.countries", "yuno.cards", "yuno.wire", "yuno.webhooks", "yuno.documents"},
    # The resolvers return Yuno models (pure data) and schema/ maps them to GraphQL types;
    # it also maps Yuno's failure classes to public codes, and its scalars and card-number
    # detector use Yuno's country table and card rules. No I/O, never the client.
    "schema": {"yuno.models", "yuno.errors", "yuno.countries", "yuno.cards", "yuno.documents"},
    # Use cases publish payment changes (webhooks) and subscribe to them (subscriptions).
    "resolvers": {"events"},
    # Observability: counters of the lookup cache and the breaker, wired by app.py, with
    # Yuno's routes as the client names them (never an id).
    # and the response cache's counters.
    "metrics": {
        "loaders.cache",
        "yuno.breaker",
        "yuno.transport",
        "schema.errors",
        "web.response_cache",
    },
    # Tracing: a middleware and a schema extension, wired by app.py; the fields and the
    # Yuno client open their own spans with what ``correlation`` hands them.
    "tracing": set(),
    "logs": set(),
}
#: The composition root and the command line may import everything.
EVERYTHING = {"app", "cli", "__main__", "server", "__init__"}


def our_imports(path: Path) -> set[str]:
    """Every module of ours that ``path`` imports, relative imports resolved."""
    return imports_of(path.read_text(), ["gateway", *path.relative_to(GATEWAY).parent.parts])


def imports_of(source: str, package: list[str]) -> set[str]:
    """The modules of ours imported by ``source``, a module of ``package`` (its parts)."""
    tree = ast.parse(source)
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return {name.removeprefix("gateway.") for name in found if name.startswith("gateway.")}


def allowed(package: str, target: str) -> bool:
    rules = {package, *LEAVES, *DESIGN.get(package, set()), *BEYOND_DESIGN.get(package, set())}
    return any(target == ok or target.startswith(ok + ".") for ok in rules)


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
    assert packages | modules <= set(DESIGN) | LEAVES | set(BEYOND_DESIGN) | EVERYTHING


def test_relative_imports_are_resolved() -> None:
    """``from ..yuno.client import YunoClient`` in gateway/web/ is gateway.yuno.client."""
    found = imports_of(
        "from ..yuno.client import YunoClient\nfrom . import views\n", ["gateway", "web"]
    )
    assert found == {"yuno.client.YunoClient", "web.views"}
    assert not allowed("web", "yuno.client.YunoClient")
