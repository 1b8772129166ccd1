"""What an anonymous caller may run: ``sdkConfig`` and introspection, nothing else.

GraphiQL (a user too) introspects without a token; anything that touches Yuno needs
credentials. Introspection itself can be switched off by settings.
"""

from collections.abc import Iterator
from typing import Any

from graphql import (
    ArgumentNode,
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    VariableNode,
    Visitor,
    visit,
)
from strawberry.extensions import SchemaExtension

PUBLIC_FIELDS = frozenset({"sdkConfig", "__typename"})
INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})


def root_fields(document: DocumentNode, operation_name: str | None) -> set[str]:
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [
        op
        for op in operations
        if operation_name is None or (op.name and op.name.value == operation_name)
    ]
    names: set[str] = set()
    for operation in chosen[:1]:
        _collect(operation.selection_set, fragments, names, set())
    return names


def _collect(
    selections: SelectionSetNode,
    fragments: dict[str, FragmentDefinitionNode],
    names: set[str],
    seen: set[str],
) -> None:
    for selection in selections.selections:
        if isinstance(selection, FieldNode):
            names.add(selection.name.value)
        elif isinstance(selection, InlineFragmentNode):
            _collect(selection.selection_set, fragments, names, seen)
        elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in seen:
            seen.add(selection.name.value)
            fragment = fragments.get(selection.name.value)
            if fragment is not None:
                _collect(fragment.selection_set, fragments, names, seen)


def refusal(message: str, code: str) -> ExecutionResult:
    return ExecutionResult(data=None, errors=[GraphQLError(message, extensions={"code": code})])


def list_argument_sizes(document: DocumentNode, variables: dict[str, Any] | None) -> Iterator[int]:
    """The length of every list given as an argument, literal or through a variable."""
    for node in _arguments(document):
        value = node.value
        if isinstance(value, ListValueNode):
            yield len(value.values)
        elif isinstance(value, VariableNode):
            given = (variables or {}).get(value.name.value)
            if isinstance(given, list):
                yield len(given)


def _arguments(document: DocumentNode) -> Iterator[ArgumentNode]:
    found: list[ArgumentNode] = []

    class Arguments(Visitor):
        def enter_argument(self, node: ArgumentNode, *_: object) -> None:
            found.append(node)

    visit(document, Arguments())
    yield from found


class Guard(SchemaExtension):
    """Refuses, before execution, what the caller may not run at all."""

    introspection = True
    max_list_size = 200

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None:
            fields = root_fields(document, context.operation_name)
            context.result = self._refusal(fields, getattr(context.context, "principal", None))
            if context.result is None and any(
                size > self.max_list_size
                for size in list_argument_sizes(document, context.variables)
            ):
                context.result = refusal(
                    f"A list argument may hold at most {self.max_list_size} items.",
                    "LIST_TOO_LONG",
                )
        yield

    def _refusal(self, fields: set[str], principal: object) -> ExecutionResult | None:
        if not self.introspection and fields & INTROSPECTION_FIELDS:
            return refusal("Introspection is disabled.", "INTROSPECTION_DISABLED")
        authenticated = bool(getattr(principal, "authenticated", False))
        if not authenticated and fields - PUBLIC_FIELDS - INTROSPECTION_FIELDS:
            return refusal("Authentication required: send a bearer token.", "UNAUTHENTICATED")
        return None


def guard(*, introspection: bool, max_list_size: int) -> type[Guard]:
    """The guard class for these settings, made once per schema (never per request)."""
    return type("Guard", (Guard,), {"introspection": introspection, "max_list_size": max_list_size})
