"""What the static walks over a document (demand control's estimate, the cache policy)
share: whether a fragment's type condition applies to an object type."""

from graphql import GraphQLObjectType, GraphQLSchema, NamedTypeNode, is_abstract_type


def applies(
    schema: GraphQLSchema, condition: NamedTypeNode | None, parent: GraphQLObjectType
) -> bool:
    """No condition, the type itself, or an interface or union it belongs to."""
    if condition is None or condition.name.value == parent.name:
        return True
    named = schema.get_type(condition.name.value)
    return named is not None and is_abstract_type(named) and schema.is_sub_type(named, parent)
