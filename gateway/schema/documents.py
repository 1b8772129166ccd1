"""Parse and validate each document text once, and keep only what is worth keeping.

Every document is parsed within the token limit and validated with graphql-core's rules
and ours (depth, aliases), here, in one extension: strawberry would otherwise need one
extension for the parse option and one for the rules, each paid for on every request.

strawberry's ``ParserCache`` and ``ValidationCache`` keep a fixed number of entries,
whatever their size, and the parser's even for documents that never validated: 512
parsed 50 KB documents are over a gigabyte. This cache keeps only documents that
validated, and counts what it holds by the length of their text (a parsed document takes
some 70 times its text). ``SizedLRU`` is bounded by bytes, not a count: a count lets a few
large entries take gigabytes, and no entry may take more than an eighth of the budget, so
a handful of large ones cannot push out every common one (the persisted-query store of an
in-process gateway uses it too).
"""

from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from typing import ClassVar, Generic, TypeVar

from graphql import ASTValidationRule, DocumentNode, GraphQLSchema
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

K = TypeVar("K")
V = TypeVar("V")


class SizedLRU(Generic[K, V]):
    def __init__(self, budget: int, weight: Callable[[K, V], int]) -> None:
        self.budget = budget
        self.held = 0
        self._weight = weight
        self._entries: OrderedDict[K, tuple[V, int]] = OrderedDict()

    def get(self, key: K) -> V | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        self._entries.move_to_end(key)
        return entry[0]

    def put(self, key: K, value: V) -> bool:
        """Keep ``value``; False when it is too large to be kept at all."""
        weight = self._weight(key, value)
        if weight * 8 > self.budget:
            return False
        old = self._entries.pop(key, None)
        if old is not None:
            self.held -= old[1]
        self._entries[key] = (value, weight)
        self.held += weight
        while self.held > self.budget:
            _, (_, evicted) = self._entries.popitem(last=False)
            self.held -= evicted
        return True

    def __contains__(self, key: object) -> bool:
        return key in self._entries

    def __len__(self) -> int:
        return len(self._entries)


class DocumentStore(SizedLRU[str, DocumentNode]):
    """Validated documents by their text, within a budget of text bytes."""

    def __init__(self, budget_bytes: int) -> None:
        super().__init__(budget_bytes, lambda text, _: len(text))


class DocumentCache(SchemaExtension):
    """A validated document is parsed and validated once; everything else every time."""

    #: Each schema gets its own store, token limit and rules (see ``document_cache``).
    store: ClassVar[DocumentStore] = DocumentStore(0)
    max_tokens: ClassVar[int] = 0
    rules: ClassVar[tuple[type[ASTValidationRule], ...]] = ()
    _hit = False

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        self._hit = False
        if context.query is not None:
            cached = self.store.get(context.query)
            if cached is not None:
                context.graphql_document = cached
                self._hit = True
        context.parse_options["max_tokens"] = self.max_tokens
        yield  # a miss is parsed by strawberry, with the token limit

    def on_validate(self) -> Iterator[None]:
        """Extensions before this one (the guard) may have refused the document already;
        those after it (demand control) see it validated."""
        context = self.execution_context
        if self._hit and context.pre_execution_errors is None:
            context.pre_execution_errors = []  # validated when it was kept
        validating = context.pre_execution_errors is None
        document = context.graphql_document
        if validating and document is not None:
            rules = (*context.validation_rules, *self.rules)
            context.pre_execution_errors = validate_document(
                graphql_schema(context.schema), document, rules
            )
        yield
        if (
            validating
            and context.pre_execution_errors == []
            and context.query is not None
            and document is not None
        ):
            self.store.put(context.query, document)


def graphql_schema(schema: object) -> GraphQLSchema:
    """graphql-core's schema behind the running schema (``GatewaySchema.graphql_schema``;
    extensions see it typed as any strawberry schema)."""
    found = getattr(schema, "graphql_schema", None)
    if not isinstance(found, GraphQLSchema):
        raise TypeError("the gateway's extensions run on a GatewaySchema")
    return found


def document_cache(
    budget_bytes: int, max_tokens: int, rules: Sequence[type[ASTValidationRule]]
) -> type[DocumentCache]:
    """The cache extension of one schema (made once per schema, never per request): rule
    classes made once keep validation's caches hitting."""
    return type(
        "DocumentCache",
        (DocumentCache,),
        {"store": DocumentStore(budget_bytes), "max_tokens": max_tokens, "rules": tuple(rules)},
    )
