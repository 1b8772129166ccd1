"""Check emulator traffic against Yuno's own OpenAPI files, leniently.

Yuno's per-endpoint schemas are generated from examples and contradict themselves (45 of
their own examples fail them), so validation here is deliberately forgiving:

- ``oneOf`` is read as ``anyOf``: the alternatives are overlapping example shapes, so a
  body often matches several of them and strict ``oneOf`` would reject it;
- ``null`` is allowed everywhere: responses mix ``null``, ``""`` and omission for the same
  unset field (yuno-api.md §10 #13);
- ``integer`` also accepts any number: e.g. the checkout-session 200 schema types
  ``amount.value`` as integer while every amount is a decimal with 0.0001 precision (§8);
- additional properties are always allowed, and enums accept ``null``.

What is still enforced: the JSON types of every documented field, array-vs-object shapes
(``transactions`` object vs array, top-level array lists) and any ``required`` lists.
"""

import copy
import os
from functools import cache
from pathlib import Path
from typing import Any

# jsonschema ships no type information and the project does not install its stubs.
import jsonschema
import orjson
import pytest

OPENAPI_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "yuno-openapi"
_METHODS = ("get", "post", "put", "patch", "delete")


def _require_dir() -> None:
    if OPENAPI_DIR.is_dir():
        return
    reason = f"Yuno OpenAPI files not found at {OPENAPI_DIR}"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (required when CI=true)")
    pytest.skip(reason)


@cache
def _document(spec: str) -> dict[str, Any]:
    path = OPENAPI_DIR / f"{spec}.json"
    if not path.is_file():
        raise AssertionError(f"no OpenAPI file {path}")
    loaded: dict[str, Any] = orjson.loads(path.read_bytes())
    return loaded


def _operation(spec: str, method: str | None) -> dict[str, Any]:
    for operations in _document(spec).get("paths", {}).values():
        for name in _METHODS:
            if name in operations and (method is None or method.lower() == name):
                found: dict[str, Any] = operations[name]
                return found
    raise AssertionError(f"{spec}: no operation {method or ''}")


def _resolve(node: Any, root: dict[str, Any], seen: frozenset[str] = frozenset()) -> Any:
    """Inline local ``$ref``s (cycles end in an unconstrained schema)."""
    if isinstance(node, list):
        return [_resolve(item, root, seen) for item in node]
    if not isinstance(node, dict):
        return node
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        if ref in seen:
            return {}
        target: Any = root
        for part in ref[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        return _resolve(target, root, seen | {ref})
    return {key: _resolve(value, root, seen) for key, value in node.items()}


_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions")
_SCHEMA_LISTS = ("anyOf", "allOf", "oneOf", "prefixItems")
_SCHEMA_ONE = ("items", "not", "contains", "if", "then", "else")


def _loosen(schema: Any) -> Any:
    """Apply the leniencies listed in the module docstring to one (sub)schema."""
    if isinstance(schema, bool):
        return schema
    if not isinstance(schema, dict):
        return {}  # a few generated schemas hold examples where a schema belongs
    loose: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "additionalProperties":
            continue
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            loose[key] = {name: _loosen(sub) for name, sub in value.items()}
        elif key in _SCHEMA_LISTS and isinstance(value, list):
            loose["anyOf" if key == "oneOf" else key] = [_loosen(sub) for sub in value]
        elif key in _SCHEMA_ONE:
            loose[key] = _loosen(value)
        else:
            loose[key] = value
    kind = loose.get("type")
    if isinstance(kind, str | list):
        kinds = set(kind if isinstance(kind, list) else [kind]) | {"null"}
        if "integer" in kinds:
            kinds.add("number")
        loose["type"] = sorted(kinds)
    if isinstance(loose.get("enum"), list) and None not in loose["enum"]:
        loose["enum"] = [*loose["enum"], None]
    return loose


def _schema(spec: str, section: dict[str, Any]) -> dict[str, Any] | None:
    media = section.get("content", {}).get("application/json")
    if media is None or "schema" not in media:
        return None
    loosened: dict[str, Any] = _loosen(_resolve(copy.deepcopy(media["schema"]), _document(spec)))
    return loosened


def _check(spec: str, what: str, schema: dict[str, Any] | None, body: object) -> None:
    if schema is None:
        raise AssertionError(f"{spec}: no JSON schema for {what}")
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
    if errors:
        best = jsonschema.exceptions.best_match(errors)
        assert best is not None
        where = "/".join(str(p) for p in best.absolute_path) or "<root>"
        raise AssertionError(f"{spec} {what}: at {where}: {best.message}")


def validate_response(spec: str, status: int, body: object, method: str | None = None) -> None:
    """Assert ``body`` fits the schema Yuno documents for ``spec``'s ``status`` response."""
    _require_dir()
    responses = _operation(spec, method).get("responses", {})
    section = responses.get(str(status))
    if section is None:
        raise AssertionError(f"{spec}: status {status} is not documented ({sorted(responses)})")
    _check(spec, f"response {status}", _schema(spec, section), body)


def validate_request(spec: str, body: object, method: str | None = None) -> None:
    """Assert ``body`` fits the request schema Yuno documents for ``spec``."""
    _require_dir()
    section = _operation(spec, method).get("requestBody")
    if section is None:
        raise AssertionError(f"{spec}: no request body documented")
    _check(spec, "request", _schema(spec, section), body)


def documented_statuses(spec: str, method: str | None = None) -> set[int]:
    """The response statuses Yuno documents for ``spec`` (e.g. a 202 with no body)."""
    _require_dir()
    return {int(status) for status in _operation(spec, method).get("responses", {})}
