"""What a caller may run at all, decided before validation and before any resolver.

An anonymous caller may run ``sdkConfig`` and introspection, nothing else: GraphiQL (a user
too) introspects without a token; anything that touches Yuno needs credentials.
Introspection itself can be switched off by settings. Every caller's document is bounded
in fields (so validation's cost is), and list arguments (``_entities`` representations
above all, one Yuno call each) are bounded per argument and per HTTP request, batches
included.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from graphql import (
    ArgumentNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    ListValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
    Visitor,
    get_operation_ast,
    visit,
)
from strawberry.extensions import SchemaExtension

from gateway.resolvers.context import ItemBudget
from gateway.schema.card_numbers import literal_card_paths, variable_card_paths
from gateway.schema.complexity import Complexity, complexity_of

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


@dataclass(frozen=True)
class Shape:
    """What the guard needs of a document, worked out once per document text."""

    fields: frozenset[str]
    literal_list_sizes: tuple[int, ...]
    list_variables: tuple[str, ...]
    complexity: Complexity
    mutation: bool
    card_paths: tuple[str, ...]

    def list_sizes(self, variables: dict[str, Any] | None) -> list[int]:
        given = [(variables or {}).get(name) for name in self.list_variables]
        return [*self.literal_list_sizes, *(len(v) for v in given if isinstance(v, list))]


class _Arguments(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[ArgumentNode] = []

    def enter_argument(self, node: ArgumentNode, *_: object) -> None:
        self.found.append(node)


def shape_of(document: DocumentNode, operation_name: str | None, max_fields: int) -> Shape:
    arguments = _Arguments()
    visit(document, arguments)
    values = [a.value for a in arguments.found]
    return Shape(
        frozenset(root_fields(document, operation_name)),
        tuple(len(v.values) for v in values if isinstance(v, ListValueNode)),
        tuple(v.name.value for v in values if isinstance(v, VariableNode)),
        complexity_of(document, max_fields),
        _is_mutation(document, operation_name),
        literal_card_paths(document),
    )


def _is_mutation(document: DocumentNode, operation_name: str | None) -> bool:
    operation = get_operation_ast(document, operation_name)
    return operation is not None and operation.operation is OperationType.MUTATION


#: Shapes kept per schema; each is a few hundred bytes, whatever its document's size.
SHAPES_LIMIT = 1024

ShapeCache = dict[tuple[str, str | None], Shape]


@dataclass(frozen=True)
class Limits:
    introspection: bool = True
    max_list_size: int = 200
    max_fields: int = 1_000
    max_field_repeats: int = 8


class Guard(SchemaExtension):
    """Refuses, before validation (whose cost it bounds) and before any resolver runs,
    what the caller may not run at all: queries, mutations and subscriptions alike."""

    limits: ClassVar[Limits] = Limits()
    #: Each schema's guard class gets its own (see ``guard``): no state shared across apps.
    shapes: ClassVar[ShapeCache] = {}

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.pre_execution_errors is None:
            shape = self._shape(context.query, document, context.operation_name)
            refused = self._refusal(shape, context.context, context.variables)
            if refused is not None:
                context.pre_execution_errors = [refused]
        yield

    def _shape(self, text: str | None, document: DocumentNode, operation: str | None) -> Shape:
        if text is None:
            return shape_of(document, operation, self.limits.max_fields)
        key = (text, operation)
        shape = self.shapes.get(key)
        if shape is None:
            if len(self.shapes) >= SHAPES_LIMIT:
                self.shapes.clear()
            shape = self.shapes[key] = shape_of(document, operation, self.limits.max_fields)
        return shape

    def _refusal(
        self, shape: Shape, request: object, variables: dict[str, Any] | None
    ) -> GraphQLError | None:
        limits, fields = self.limits, shape.fields
        if not limits.introspection and fields & INTROSPECTION_FIELDS:
            return refusal("Introspection is disabled.", "INTROSPECTION_DISABLED")
        principal = getattr(request, "principal", None)
        if not getattr(principal, "authenticated", False) and (
            fields - PUBLIC_FIELDS - INTROSPECTION_FIELDS
        ):
            return refusal("Authentication required: send a bearer token.", "UNAUTHENTICATED")
        if shape.complexity.fields > limits.max_fields:
            return refusal(
                f"A document may select at most {limits.max_fields} fields, "
                "each fragment counted where it is spread.",
                "QUERY_TOO_COMPLEX",
            )
        if shape.complexity.repeats > limits.max_field_repeats:
            return refusal(
                f"One selection set may repeat a field at most {limits.max_field_repeats} "
                "times; use aliases or fewer fragments.",
                "QUERY_TOO_COMPLEX",
            )
        if not shape.mutation and (shape.card_paths or variable_card_paths(variables)):
            # Mutation inputs are checked field by field, and answered as userErrors.
            return refusal(
                "Card numbers must not be sent to the gateway; use a token from Yuno's SDK.",
                "CARD_NUMBER_NOT_ALLOWED",
            )
        return self._list_refusal(shape.list_sizes(variables), getattr(request, "budget", None))

    def _list_refusal(self, sizes: list[int], budget: ItemBudget | None) -> GraphQLError | None:
        limit = self.limits.max_list_size
        if max(sizes, default=0) > limit:
            return refusal(f"A list argument may hold at most {limit} items.", "LIST_TOO_LONG")
        if budget is not None and not budget.spend(sum(sizes)):
            return refusal(
                f"One request may carry at most {budget.limit} list items in all "
                "(batched operations and _entities representations together).",
                "REQUEST_BUDGET_EXCEEDED",
            )
        return None


def refusal(message: str, code: str) -> GraphQLError:
    return GraphQLError(message, extensions={"code": code})


def guard(limits: Limits) -> type[Guard]:
    """The guard class for these limits, made once per schema (never per request)."""
    return type("Guard", (Guard,), {"limits": limits, "shapes": {}})
