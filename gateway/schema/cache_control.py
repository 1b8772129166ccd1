"""How long an answer may be reused, declared on the types it holds (``@cacheControl``).

The directive is Apollo's (``maxAge``, ``scope``, ``inheritMaxAge``), so routers and
tools that read it understand ours. A type that carries it bounds every answer that holds
it: a payment's status changes with each webhook and lives seconds, a session's catalog a
minute. A type without it (``Money``, ``Address``) inherits from the field that holds it.
An answer may be reused for the least ``maxAge`` of the types and fields it selects, and
not at all when a root field reaches a type with no hint (what is not declared is not
cached) or when it introspects. Invalidation does the rest: the response cache drops an
answer the moment one of its entities changes; ``maxAge`` bounds what no webhook reports.

Every answer is private to its caller (``scope`` is PRIVATE throughout): the response
cache keys entries by principal, and HTTP answers say ``Cache-Control: private``.
"""

from collections.abc import Iterable
from enum import Enum

import strawberry
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLField,
    GraphQLNamedType,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationType,
    SelectionSetNode,
    get_named_type,
    get_operation_ast,
    is_abstract_type,
)
from strawberry import UNSET
from strawberry.schema_directive import Location

from gateway.schema.selections import applies

#: Seconds each type's answers may be reused (between the invalidations that end them
#: sooner): a payment's status moves with each webhook; a session and its catalog, and a
#: customer, change by the gateway's own writes (which invalidate) or rarely.
PAYMENT_SECONDS = 5
SESSION_SECONDS = 30
CUSTOMER_SECONDS = 60
PAYMENT_METHOD_SECONDS = 60
SDK_CONFIG_SECONDS = 300


@strawberry.enum(name="CacheControlScope")
class CacheControlScope(Enum):
    PUBLIC = "PUBLIC"
    PRIVATE = "PRIVATE"


@strawberry.schema_directive(
    locations=[
        Location.FIELD_DEFINITION,
        Location.OBJECT,
        Location.INTERFACE,
        Location.UNION,
    ],
    name="cacheControl",
)
class CacheControl:
    max_age: int | None = UNSET
    scope: CacheControlScope | None = UNSET
    inherit_max_age: bool | None = UNSET


def max_age(seconds: int) -> list[object]:
    """The directives of a type whose answers may be reused for ``seconds``."""
    return [CacheControl(max_age=seconds, scope=CacheControlScope.PRIVATE)]


def reusable_for(
    schema: GraphQLSchema, document: DocumentNode, operation_name: str | None
) -> int | None:
    """Seconds an answer to this query may be reused; None when it may not be at all."""
    operation = get_operation_ast(document, operation_name)
    if operation is None or operation.operation is not OperationType.QUERY:
        return None
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    return _Policy(schema, fragments).root(operation.selection_set)


class _Policy:
    def __init__(self, schema: GraphQLSchema, fragments: dict[str, FragmentDefinitionNode]) -> None:
        self.schema = schema
        self.fragments = fragments

    def root(self, selections: SelectionSetNode) -> int | None:
        query = self.schema.query_type
        if query is None:
            return None
        least: int | None = None
        for node, field in self._fields(selections, query, set()):
            if node.name.value == "__typename":
                continue
            if field is None or node.name.value.startswith("__"):
                return None  # introspection, or a field validation will refuse
            declared = _least(_hint(field), self._type_hint(get_named_type(field.type)))
            if declared is None:
                return None  # not declared, not cached
            inner = self._inner(node, field)
            least = _least(least, declared, inner)
        return least

    def _inner(self, node: FieldNode, field: GraphQLField) -> int | None:
        """The least hint below a field (None: nothing below constrains it)."""
        named = get_named_type(field.type)
        if node.selection_set is None:
            return None
        least: int | None = None
        for member in self._members(named):
            for child, child_field in self._fields(node.selection_set, member, set()):
                if child_field is None:
                    continue
                child_type = get_named_type(child_field.type)
                least = _least(
                    least,
                    _hint(child_field),
                    self._type_hint(child_type),
                    self._inner(child, child_field),
                )
        return least

    def _members(self, named: GraphQLNamedType) -> list[GraphQLObjectType]:
        if isinstance(named, GraphQLObjectType):
            return [named]
        if is_abstract_type(named):
            return list(self.schema.get_possible_types(named))
        return []

    def _type_hint(self, named: GraphQLNamedType) -> int | None:
        if is_abstract_type(named):
            hints = [_hint(member) for member in self._members(named)]
            return _least(_hint(named), *hints)
        return _hint(named)

    def _fields(
        self, selections: SelectionSetNode, parent: GraphQLObjectType, seen: set[str]
    ) -> Iterable[tuple[FieldNode, GraphQLField | None]]:
        for selection in selections.selections:
            if isinstance(selection, FieldNode):
                yield selection, parent.fields.get(selection.name.value)
            elif isinstance(selection, InlineFragmentNode):
                if applies(self.schema, selection.type_condition, parent):
                    yield from self._fields(selection.selection_set, parent, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if (
                    fragment is not None
                    and name not in seen
                    and applies(self.schema, fragment.type_condition, parent)
                ):
                    yield from self._fields(fragment.selection_set, parent, seen | {name})


def _hint(element: object) -> int | None:
    """``maxAge`` of the ``@cacheControl`` strawberry attached to a type or field."""
    extensions = getattr(element, "extensions", None) or {}
    definition = extensions.get("strawberry-definition")
    for directive in getattr(definition, "directives", None) or ():
        if isinstance(directive, CacheControl) and isinstance(directive.max_age, int):
            return directive.max_age
    return None


def _least(*ages: int | None) -> int | None:
    given = [age for age in ages if age is not None]
    return min(given) if given else None
