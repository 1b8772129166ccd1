"""The served schema keeps every name of the public contract, and ``schema.graphql`` is it."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLType,
    GraphQLUnionType,
    build_schema,
)

from gateway.app import schema_limits
from gateway.schema.schema import build_schema as build_gateway_schema
from gateway.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
CONTRACT = ROOT.parent / "shared" / "schema-contract.graphql"
#: The names the issues add (every way Yuno takes a payment: done), checked with it.
CONTRACT_NEXT = ROOT.parent / "shared" / "schema-contract-next.graphql"
FEDERATION_PRELUDE = "directive @key(fields: String!) repeatable on OBJECT | INTERFACE\n"


@pytest.fixture(scope="module")
def served() -> GraphQLSchema:
    return build_gateway_schema(schema_limits(Settings()))._schema


@pytest.fixture(scope="module")
def contract() -> GraphQLSchema:
    if not (CONTRACT.exists() and CONTRACT_NEXT.exists()):
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CONTRACT} is missing: the public contract cannot be checked")
        pytest.skip(f"{CONTRACT} is absent (no ../shared next to the project)")
    return build_schema(
        FEDERATION_PRELUDE + CONTRACT.read_text() + "\n" + CONTRACT_NEXT.read_text()
    )


def at_least_as_strict(served: GraphQLType, promised: GraphQLType) -> bool:
    """Same named type, and non-null wherever the contract says non-null."""
    if isinstance(promised, GraphQLNonNull):
        return isinstance(served, GraphQLNonNull) and at_least_as_strict(
            served.of_type, promised.of_type
        )
    if isinstance(served, GraphQLNonNull):
        served = served.of_type
    if hasattr(promised, "of_type"):
        return hasattr(served, "of_type") and at_least_as_strict(served.of_type, promised.of_type)
    return str(served) == str(promised)


KINDS = (
    GraphQLObjectType,
    GraphQLInterfaceType,
    GraphQLInputObjectType,
    GraphQLEnumType,
    GraphQLScalarType,
    GraphQLUnionType,
)


def kind(named: GraphQLNamedType) -> type:
    return next(k for k in KINDS if isinstance(named, k))


def contract_types(contract: GraphQLSchema) -> list[GraphQLNamedType]:
    return [t for name, t in contract.type_map.items() if not name.startswith("__")]


def test_every_contract_type_field_and_argument_is_served(
    served: GraphQLSchema, contract: GraphQLSchema
) -> None:
    missing: list[str] = []
    for promised in contract_types(contract):
        actual = served.type_map.get(promised.name)
        if actual is None or kind(actual) is not kind(promised):
            missing.append(f"type {promised.name}")
            continue
        if isinstance(promised, GraphQLObjectType | GraphQLInterfaceType):
            assert isinstance(actual, GraphQLObjectType | GraphQLInterfaceType)
            for name, field in promised.fields.items():
                got = actual.fields.get(name)
                if got is None or not at_least_as_strict(got.type, field.type):
                    missing.append(f"{promised.name}.{name}: {field.type}")
                    continue
                for arg_name, arg in field.args.items():
                    got_arg = got.args.get(arg_name)
                    if got_arg is None or str(got_arg.type) != str(arg.type):
                        missing.append(f"{promised.name}.{name}({arg_name}: {arg.type})")
            if isinstance(promised, GraphQLObjectType):
                promised_interfaces = {i.name for i in promised.interfaces}
                assert isinstance(actual, GraphQLObjectType)
                if not promised_interfaces <= {i.name for i in actual.interfaces}:
                    missing.append(f"{promised.name} implements {promised_interfaces}")
        if isinstance(promised, GraphQLInputObjectType):
            assert isinstance(actual, GraphQLInputObjectType)
            for name, field in promised.fields.items():
                got_input = actual.fields.get(name)
                if got_input is None or str(got_input.type) != str(field.type):
                    missing.append(f"{promised.name}.{name}: {field.type}")
        if isinstance(promised, GraphQLEnumType):
            assert isinstance(actual, GraphQLEnumType)
            absent = set(promised.values) - set(actual.values)
            missing.extend(f"{promised.name}.{value}" for value in sorted(absent))
    assert missing == [], "\n".join(missing)


def test_contract_entities_are_federation_keys() -> None:
    sdl = build_gateway_schema(schema_limits(Settings())).as_str()
    for entity in ("Customer", "CheckoutSession", "Payment"):
        assert f"type {entity} " in sdl
        assert any(
            line.startswith(f"type {entity} ") and '@key(fields: "id")' in line
            for line in sdl.splitlines()
        )


def test_schema_graphql_is_the_exported_schema() -> None:
    exported = subprocess.run(
        [sys.executable, "-m", "gateway", "export-schema"],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    assert (ROOT / "schema.graphql").read_text() == exported, (
        "schema.graphql is stale: run `gateway export-schema > schema.graphql`"
    )
