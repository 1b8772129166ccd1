"""What a document asks for (a query, a mutation, a subscription; deferred parts), read
from its AST.

The edge decides five things by it before strawberry runs the document: a mutation over
GET is a 405, a batch holding a mutation runs in order, a subscription over plain HTTP is
refused, ``@defer`` runs only where incremental delivery can (see the view), and how long
an answer may be reused (``policy``: the schema's ``@cacheControl``). Text
matching gets these wrong ("mutation" inside a string, a subscription after a fragment),
so each document is parsed by graphql-core, with the schema's token limit,
and its operation taken with ``get_operation_ast``. Answers are kept by the document's
digest (a few bytes each, whatever the document's size), so a known document is parsed
here once; a document that does not parse has no kind and strawberry reports why.
"""

import hashlib
from collections import OrderedDict
from collections.abc import Callable
from typing import NamedTuple

from graphql import (
    DirectiveNode,
    DocumentNode,
    GraphQLError,
    OperationType,
    Visitor,
    get_operation_ast,
    parse,
    visit,
)

#: Documents whose kind is remembered (digest and name: under a hundred bytes each).
KINDS_KEPT = 4096


class Shape(NamedTuple):
    kind: OperationType | None
    defers: bool
    #: Seconds an answer may be reused; None: not at all.
    max_age: int | None = None


_UNREADABLE = Shape(None, False)
INCREMENTAL_DIRECTIVES = frozenset({"defer", "stream"})

#: How long an answer to an operation may be reused (None: not at all).
Policy = Callable[[DocumentNode, str | None], int | None]


class Operations:
    def __init__(self, max_tokens: int, policy: Policy | None = None) -> None:
        self.max_tokens = max_tokens
        self.policy = policy
        self._shapes: OrderedDict[tuple[bytes, str | None], Shape] = OrderedDict()

    def kind(self, document: str | None, operation_name: str | None) -> OperationType | None:
        return self.shape(document, operation_name).kind

    def shape(self, document: str | None, operation_name: str | None) -> Shape:
        if not document:
            return _UNREADABLE
        key = (hashlib.sha256(document.encode()).digest(), operation_name)
        if key in self._shapes:
            self._shapes.move_to_end(key)
            return self._shapes[key]
        shape = self._parse_shape(document, operation_name)
        self._shapes[key] = shape
        if len(self._shapes) > KINDS_KEPT:
            self._shapes.popitem(last=False)
        return shape

    def is_mutation(self, document: str | None, operation_name: str | None) -> bool:
        return self.kind(document, operation_name) is OperationType.MUTATION

    def defers(self, document: str | None, operation_name: str | None) -> bool:
        """The document asks for incremental delivery (``@defer``, ``@stream``)."""
        return self.shape(document, operation_name).defers

    def _parse_shape(self, document: str, operation_name: str | None) -> Shape:
        try:
            parsed = parse(document, max_tokens=self.max_tokens)
        except GraphQLError:
            return _UNREADABLE
        operation = get_operation_ast(parsed, operation_name)
        kind = None if operation is None else operation.operation
        max_age = None if self.policy is None else self.policy(parsed, operation_name)
        return Shape(kind, _uses_incremental_delivery(parsed), max_age)


class _Directives(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.incremental = False

    def enter_directive(self, node: DirectiveNode, *_: object) -> None:
        if node.name.value in INCREMENTAL_DIRECTIVES:
            self.incremental = True


def _uses_incremental_delivery(document: DocumentNode) -> bool:
    found = _Directives()
    visit(document, found)
    return found.incremental
