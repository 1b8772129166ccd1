"""Demand control: what an operation may cost in Yuno calls, worked out before it runs.

Depth, alias and token limits bound a document's size, not the Yuno calls it causes:
twenty aliases of ``paymentsByMerchantOrderId { customer { paymentMethods } }`` are a small
document and hundreds of calls. Each field that calls Yuno declares its calls (``@cost``)
and a list its assumed length (``@listSize``), as the IBM cost spec that Apollo Router and
Hive Gateway implement reads them (``fields.io_field``). The estimate adds them up over the
operation as it would execute: a list multiplies what is selected inside it, ``@skip`` and
``@include`` are honoured, an abstract type costs its most expensive member, and
``_entities`` costs one lookup per representation (the router's batch). An operation above
the budget (a setting) is refused with ``COST_LIMIT_EXCEEDED`` before any resolver runs.

The estimate is an upper bound: DataLoaders and the lookup cache make many calls into one
or none, so the actual count (the calls the operation made, counted by the Yuno client) is
lower. A request that sends ``"extensions": {"cost": true}`` gets both back, with the
budget, in the response's ``extensions.cost``.
"""

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLCompositeType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLSchema,
    InlineFragmentNode,
    ListValueNode,
    OperationDefinitionNode,
    SelectionNode,
    SelectionSetNode,
    ValueNode,
    VariableNode,
    get_named_type,
    get_operation_ast,
    is_composite_type,
)
from graphql.language import BooleanValueNode
from strawberry.extensions import SchemaExtension
from strawberry.federation.schema_directives import Cost, ListSize
from strawberry.types import ExecutionContext

from gateway.correlation import CallCount, yuno_calls
from gateway.schema.documents import graphql_schema
from gateway.schema.guard import refusal
from gateway.schema.selections import applies

#: Items a list field is assumed to hold when it declares no ``@listSize``.
DEFAULT_LIST_SIZE = 10
#: Yuno calls to resolve one ``_entities`` representation (a lookup by key).
REFERENCE_COST = 1
#: Estimates kept per schema (a few dozen bytes each); past it the store starts over.
ESTIMATES_KEPT = 1024


@dataclass(frozen=True)
class FieldCost:
    weight: int = 0
    assumed_size: int | None = None


def field_costs(schema: GraphQLSchema) -> dict[tuple[str, str], FieldCost]:
    """Each field's declared ``@cost`` and ``@listSize``, read once from strawberry's
    definitions (the same directives the SDL prints for routers)."""
    costs: dict[tuple[str, str], FieldCost] = {}
    for type_ in schema.type_map.values():
        if not isinstance(type_, GraphQLObjectType):
            continue
        for name, field in type_.fields.items():
            definition = (field.extensions or {}).get("strawberry-definition")
            directives = getattr(definition, "directives", None) or []
            weight = sum(d.weight for d in directives if isinstance(d, Cost))
            sizes = [d.assumed_size for d in directives if isinstance(d, ListSize)]
            size = sizes[0] if sizes and isinstance(sizes[0], int) else None
            if weight or size is not None:
                costs[(type_.name, name)] = FieldCost(weight, size)
    return costs


class Estimate:
    """The cost of one operation of a validated document, for its variables."""

    def __init__(
        self,
        schema: GraphQLSchema,
        costs: Mapping[tuple[str, str], FieldCost],
        fragments: Mapping[str, FragmentDefinitionNode],
        variables: Mapping[str, Any],
    ) -> None:
        self.schema = schema
        self.costs = costs
        self.fragments = fragments
        self.variables = variables
        self.spreads: dict[tuple[str, str], int] = {}
        #: Whether a variable's value went into the figure (else it holds for the document).
        self.read_variables = False

    def operation(self, operation: OperationDefinitionNode) -> int:
        root = self.schema.get_root_type(operation.operation)
        return 0 if root is None else self.selections(operation.selection_set, root)

    def selections(self, selections: SelectionSetNode, parent: GraphQLCompositeType) -> int:
        """An abstract type costs its most expensive possible type."""
        if isinstance(parent, GraphQLObjectType):
            return self._on_object(selections, parent)
        members = self.schema.get_possible_types(parent)
        return max((self._on_object(selections, member) for member in members), default=0)

    def _on_object(self, selections: SelectionSetNode, parent: GraphQLObjectType) -> int:
        total = 0
        for selection in selections.selections:
            if self._skipped(selection):
                continue
            if isinstance(selection, FieldNode):
                total += self._field(selection, parent)
            elif isinstance(selection, InlineFragmentNode):
                if applies(self.schema, selection.type_condition, parent):
                    total += self._on_object(selection.selection_set, parent)
            elif isinstance(selection, FragmentSpreadNode):
                total += self._spread(selection.name.value, parent)
        return total

    def _spread(self, name: str, parent: GraphQLObjectType) -> int:
        key = (name, parent.name)
        if key not in self.spreads:
            fragment = self.fragments.get(name)
            self.spreads[key] = 0  # a cycle (validation refuses those) adds nothing
            if fragment is not None and applies(self.schema, fragment.type_condition, parent):
                self.spreads[key] = self._on_object(fragment.selection_set, parent)
        return self.spreads[key]

    def _field(self, node: FieldNode, parent: GraphQLObjectType) -> int:
        name = node.name.value
        field = parent.fields.get(name)
        if field is None or name.startswith("__"):
            return 0
        declared = self.costs.get((parent.name, name), FieldCost())
        inner = 0
        named = get_named_type(field.type)
        if node.selection_set is not None and is_composite_type(named):
            inner = self.selections(node.selection_set, named)
        if name == "_entities" and parent is self.schema.query_type:
            return self._representations(node) * (REFERENCE_COST + inner)
        if _is_list(field.type):
            return declared.weight + (declared.assumed_size or DEFAULT_LIST_SIZE) * inner
        return declared.weight + inner

    def _representations(self, node: FieldNode) -> int:
        for argument in node.arguments or ():
            if argument.name.value == "representations":
                value = self._value(argument.value)
                if isinstance(value, ListValueNode):
                    return len(value.values)
                return len(value) if isinstance(value, list) else 0
        return 0

    def _value(self, node: ValueNode) -> Any:
        if isinstance(node, VariableNode):
            self.read_variables = True
            return self.variables.get(node.name.value)
        return node

    def _skipped(self, node: SelectionNode) -> bool:
        for directive in node.directives or ():
            name = directive.name.value
            if name not in ("skip", "include") or not directive.arguments:
                continue
            value = self._value(directive.arguments[0].value)
            flag = value.value if isinstance(value, BooleanValueNode) else value
            if (name == "skip" and flag is True) or (name == "include" and flag is False):
                return True
        return False


def _is_list(type_: GraphQLOutputType) -> bool:
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    return isinstance(type_, GraphQLList)


@dataclass
class OperationCost:
    """What a request that asked (``"extensions": {"cost": true}``) gets back."""

    estimated: int
    calls: CallCount

    def report(self, budget: int) -> dict[str, int]:
        return {"estimated": self.estimated, "actual": self.calls.count, "max": budget}


class DemandControl(SchemaExtension):
    """Refuses an operation whose estimate is above the budget, after validation (the
    estimate walks a valid document) and before any resolver."""

    budget: ClassVar[int] = 0
    costs: ClassVar[dict[tuple[str, str], FieldCost] | None] = None
    #: Estimates that no variable changes, by document text and operation name.
    estimates: ClassVar[dict[tuple[str, str | None], int]] = {}

    def __init__(self, *, execution_context: Any = None) -> None:
        if execution_context is not None:
            self.execution_context = execution_context
        self.cost: OperationCost | None = None

    def on_operation(self) -> Iterator[None]:
        """Yuno's calls are counted only for a request that asked for its cost."""
        if not self._asked():
            yield
            return
        token = yuno_calls.set(CallCount())
        try:
            yield
        finally:
            yuno_calls.reset(token)

    def _asked(self) -> bool:
        return (self.execution_context.operation_extensions or {}).get("cost") is True

    def on_validate(self) -> Iterator[None]:
        """After the document cache, which validated the document (the estimate walks
        only a valid one), and before strawberry looks at the errors."""
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.pre_execution_errors == []:
            self._refuse_above_budget(document, context)
        yield

    def _refuse_above_budget(self, document: DocumentNode, context: ExecutionContext) -> None:
        operation = get_operation_ast(document, context.operation_name)
        if operation is None:
            return
        key = (context.query or "", context.operation_name)
        estimated = self.estimates.get(key) if context.query else None
        if estimated is None:
            estimate = self._estimate(document.definitions, context.variables or {})
            estimated = estimate.operation(operation)
            if context.query and not estimate.read_variables:
                if len(self.estimates) >= ESTIMATES_KEPT:
                    self.estimates.clear()
                self.estimates[key] = estimated
        self.cost = OperationCost(estimated, yuno_calls.get() or CallCount())
        if estimated > self.budget:
            context.pre_execution_errors = [
                refusal(
                    f"This operation may cost {estimated} Yuno calls; the limit is "
                    f"{self.budget}. Select less, or fewer list items.",
                    "COST_LIMIT_EXCEEDED",
                )
            ]

    def get_results(self) -> dict[str, Any]:
        if not self._asked() or self.cost is None:
            return {}
        return {"cost": self.cost.report(self.budget)}

    def _estimate(self, definitions: Any, variables: dict[str, Any]) -> Estimate:
        schema = graphql_schema(self.execution_context.schema)
        if self.costs is None:
            type(self).costs = field_costs(schema)
        fragments = {d.name.value: d for d in definitions if isinstance(d, FragmentDefinitionNode)}
        return Estimate(schema, self.costs or {}, fragments, variables)


def demand_control(budget: int) -> type[DemandControl]:
    """The extension class for this budget, made once per schema (never per request)."""
    return type(
        "DemandControl", (DemandControl,), {"budget": budget, "costs": None, "estimates": {}}
    )
