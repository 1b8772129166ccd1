"""What a document asks for (a query, a mutation, a subscription), read from its AST.

The edge decides three things by it before strawberry runs the document: a mutation over
GET is a 405, a batch holding a mutation runs in order, and a subscription over plain HTTP
is refused. Text matching gets these wrong ("mutation" inside a string, a subscription after
a fragment), so each document is parsed by graphql-core, with the schema's token limit,
and its operation taken with ``get_operation_ast``. Answers are kept by the document's
digest (a few bytes each, whatever the document's size), so a known document is parsed
here once; a document that does not parse has no kind and strawberry reports why.
"""

import hashlib
from collections import OrderedDict

from graphql import GraphQLError, OperationType, get_operation_ast, parse

#: Documents whose kind is remembered (digest and name: under a hundred bytes each).
KINDS_KEPT = 4096


class Operations:
    def __init__(self, max_tokens: int) -> None:
        self.max_tokens = max_tokens
        self._kinds: OrderedDict[tuple[bytes, str | None], OperationType | None] = OrderedDict()

    def kind(self, document: str | None, operation_name: str | None) -> OperationType | None:
        if not document:
            return None
        key = (hashlib.sha256(document.encode()).digest(), operation_name)
        if key in self._kinds:
            self._kinds.move_to_end(key)
            return self._kinds[key]
        kind = self._parse_kind(document, operation_name)
        self._kinds[key] = kind
        if len(self._kinds) > KINDS_KEPT:
            self._kinds.popitem(last=False)
        return kind

    def is_mutation(self, document: str | None, operation_name: str | None) -> bool:
        return self.kind(document, operation_name) is OperationType.MUTATION

    def is_subscription(self, document: str | None, operation_name: str | None) -> bool:
        return self.kind(document, operation_name) is OperationType.SUBSCRIPTION

    def _parse_kind(self, document: str, operation_name: str | None) -> OperationType | None:
        try:
            parsed = parse(document, max_tokens=self.max_tokens)
        except GraphQLError:
            return None
        operation = get_operation_ast(parsed, operation_name)
        return None if operation is None else operation.operation
