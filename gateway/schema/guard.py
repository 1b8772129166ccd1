"""What an anonymous caller may run: ``sdkConfig`` and introspection, nothing else.

GraphiQL (a user too) introspects without a token; anything that touches Yuno needs
credentials. Introspection itself can be switched off by settings.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

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


@dataclass(frozen=True)
class Shape:
    """What the guard needs of a document, worked out once per document text."""

    fields: frozenset[str]
    literal_list_sizes: tuple[int, ...]
    list_variables: tuple[str, ...]

    def largest_list(self, variables: dict[str, Any] | None) -> int:
        given = [(variables or {}).get(name) for name in self.list_variables]
        sizes = [len(v) for v in given if isinstance(v, list)]
        return max((*self.literal_list_sizes, *sizes, 0))


class _Arguments(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[ArgumentNode] = []

    def enter_argument(self, node: ArgumentNode, *_: object) -> None:
        self.found.append(node)


def shape_of(document: DocumentNode, operation_name: str | None) -> Shape:
    arguments = _Arguments()
    visit(document, arguments)
    values = [a.value for a in arguments.found]
    return Shape(
        frozenset(root_fields(document, operation_name)),
        tuple(len(v.values) for v in values if isinstance(v, ListValueNode)),
        tuple(v.name.value for v in values if isinstance(v, VariableNode)),
    )


#: Shapes kept per schema, bounded like strawberry's parser cache.
SHAPES_LIMIT = 1024

ShapeCache = dict[tuple[str, str | None], Shape]


def cached_shape(
    shapes: ShapeCache, text: str | None, document: DocumentNode, operation_name: str | None
) -> Shape:
    if text is None:
        return shape_of(document, operation_name)
    key = (text, operation_name)
    shape = shapes.get(key)
    if shape is None:
        if len(shapes) >= SHAPES_LIMIT:
            shapes.clear()
        shape = shapes[key] = shape_of(document, operation_name)
    return shape


class Guard(SchemaExtension):
    """Refuses, before execution, what the caller may not run at all."""

    introspection = True
    max_list_size = 200
    #: Each schema's guard class gets its own (see ``guard``): no state shared across apps.
    shapes: ClassVar[ShapeCache] = {}

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None:
            shape = cached_shape(self.shapes, context.query, document, context.operation_name)
            principal = getattr(context.context, "principal", None)
            context.result = self._refusal(set(shape.fields), principal)
            if (
                context.result is None
                and shape.largest_list(context.variables) > self.max_list_size
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
    settings = {"introspection": introspection, "max_list_size": max_list_size, "shapes": {}}
    return type("Guard", (Guard,), settings)
