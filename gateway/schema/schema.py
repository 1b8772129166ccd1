"""The federated schema, built once per process with its extensions.

Depth and alias limits are validation rules made once here, not per request: strawberry's
validation cache keys on the rule classes, and a rule class made per request never hits.
"""

from collections.abc import Iterable

import strawberry
from graphql import ASTValidationRule, GraphQLError
from strawberry.extensions import (
    AddValidationRules,
    MaxTokensLimiter,
    ParserCache,
    ValidationCache,
)
from strawberry.extensions.max_aliases import create_validator as aliases_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from gateway.schema.errors import ErrorCodes
from gateway.schema.guard import guard
from gateway.schema.mutation import Mutation
from gateway.schema.query import Query
from gateway.schema.scalars import SCALARS
from gateway.schema.subscription import Subscription

MAX_DEPTH = 12
MAX_ALIASES = 30
MAX_TOKENS = 5_000
MAX_BATCH = 10
MAX_LIST_SIZE = 200


class GatewaySchema(strawberry.federation.Schema):
    def process_errors(
        self, errors: Iterable[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Errors are logged once, by ``ErrorCodes``, without request data."""


def build_schema(
    *,
    max_depth: int = MAX_DEPTH,
    max_aliases: int = MAX_ALIASES,
    max_tokens: int = MAX_TOKENS,
    max_batch: int = MAX_BATCH,
    introspection: bool = True,
    max_list_size: int = MAX_LIST_SIZE,
) -> GatewaySchema:
    rules: list[type[ASTValidationRule]] = [
        depth_rule(max_depth, None, None),
        aliases_rule(max_aliases),
    ]
    return GatewaySchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=[
            lambda: MaxTokensLimiter(max_tokens),
            lambda: ParserCache(maxsize=512),
            lambda: AddValidationRules(rules),
            lambda: ValidationCache(maxsize=512),
            guard(introspection=introspection, max_list_size=max_list_size),
            ErrorCodes,
        ],
        config=StrawberryConfig(scalar_map=SCALARS, batching_config={"max_operations": max_batch}),
    )
