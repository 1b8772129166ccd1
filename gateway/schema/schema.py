"""The federated schema, built once per process with its extensions.

Depth and alias limits are validation rules made once here, not per request: strawberry's
validation cache keys on the rule classes, and a rule class made per request never hits.
The limits' values are settings (``Settings`` declares each once, with its default); the
composition root hands them over as ``SchemaLimits``.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, cast

import strawberry
from graphql import ASTValidationRule, GraphQLError, GraphQLSchema
from strawberry.extensions import SchemaExtension
from strawberry.extensions.max_aliases import create_validator as aliases_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule
from strawberry.federation.schema import FederationAny
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext, Info

from gateway.schema.cost import demand_control
from gateway.schema.documents import document_cache
from gateway.schema.errors import ErrorCodes, make_public
from gateway.schema.guard import Limits, guard
from gateway.schema.mutation import Mutation
from gateway.schema.query import Query
from gateway.schema.scalars import SCALARS
from gateway.schema.subscription import Subscription


@dataclass(frozen=True)
class SchemaLimits:
    """What the schema's extensions bound (see ``Settings`` for each one's meaning)."""

    max_depth: int
    max_aliases: int
    max_tokens: int
    max_batch_operations: int
    introspection: bool
    max_list_size: int
    max_fields: int
    max_field_repeats: int
    max_operation_cost: int
    document_cache_bytes: int


class GatewaySchema(strawberry.federation.Schema):
    @property
    def graphql_schema(self) -> GraphQLSchema:
        """graphql-core's schema, which strawberry keeps with no public name: the one place
        that reads it (validation, cost estimates and the cache policy walk it)."""
        return self._schema

    def process_errors(
        self, errors: Iterable[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """Errors get their public code here as strawberry reports them, a subscription's
        events included, which never pass through ``ErrorCodes``' operation hook; making
        an error public twice changes nothing (and logs it once)."""
        context = None if execution_context is None else execution_context.context
        request_id = getattr(context, "request_id", None)
        for error in errors:
            make_public(error, request_id)

    def entities_resolver(
        self, info: Info[Any, Any], representations: list[FederationAny]
    ) -> list[FederationAny]:
        """strawberry pops ``__typename`` off each representation, and one variable used by
        two aliased ``_entities`` fields is one list: the second found it gone. Copies."""
        copies = [dict(r) if isinstance(r, dict) else r for r in representations]
        return super().entities_resolver(info, cast("list[FederationAny]", copies))


def build_schema(
    limits: SchemaLimits, observers: Sequence[type[SchemaExtension]] = ()
) -> GatewaySchema:
    rules: list[type[ASTValidationRule]] = [
        depth_rule(limits.max_depth, None, None),
        aliases_rule(limits.max_aliases),
    ]
    return GatewaySchema(
        # The lowest version that has what the schema uses (@key, @shareable; @cost and
        # @listSize need 2.9): composers that do not know the newest version (Guild's
        # refused v2.11) accept it. tests/schema/test_federation_version.py keeps it lowest.
        federation_version="2.9",
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        extensions=[
            # The guard decides before the cache answers "validated" for a kept document.
            guard(
                Limits(
                    limits.introspection,
                    limits.max_list_size,
                    limits.max_fields,
                    limits.max_field_repeats,
                )
            ),
            document_cache(limits.document_cache_bytes, limits.max_tokens, rules),
            demand_control(limits.max_operation_cost),
            ErrorCodes,
            *observers,
        ],
        config=StrawberryConfig(
            scalar_map=SCALARS,
            batching_config={"max_operations": limits.max_batch_operations},
            # @defer over incremental delivery (multipart/mixed); graphql-core 3.3 runs it.
            enable_experimental_incremental_execution=True,
        ),
    )
