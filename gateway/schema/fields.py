"""Fields that call Yuno: what each costs, and what their failures look like.

Cost: each such field declares the Yuno calls it can cause (``@cost``), and a list the
assumed length of its answer (``@listSize``), as the IBM cost spec that Apollo Router and
Hive Gateway implement reads them; ``schema.cost`` adds them up before execution.

Failures: ``ErrorCodes`` makes a failed operation's errors public when the operation ends,
but a ``@defer``red fragment resolves after that, and its errors reach the client as
raised. So a field that can fail (every one that calls Yuno) makes its error public where
it is raised: a ``GraphQLError`` with the public message, ``extensions.code`` and the
request id, the original failure logged once.

``io_field`` declares such a field; ``yuno_calls`` gives a mutation its cost.
"""

import functools
from collections.abc import Awaitable, Callable
from typing import Any

import strawberry
from graphql import GraphQLError
from opentelemetry.trace import Status, StatusCode
from strawberry import UNSET
from strawberry.federation.schema_directives import Cost, ListSize
from strawberry.types import Info

from gateway.correlation import active_tracer
from gateway.schema.errors import public_error

Resolver = Callable[..., Awaitable[Any]]


def public_errors(resolver: Resolver) -> Resolver:
    """The resolver, raising its failures as public errors (see the module docstring), in
    a span when the operation is traced (``tracing``). A plain wrapper rather than a
    strawberry field extension: it costs one call, not a layer of extension plumbing."""
    if getattr(resolver, "public_errors", False):
        return resolver

    @functools.wraps(resolver)
    async def resolve(*args: Any, **kwargs: Any) -> Any:
        info: Info = kwargs["info"]
        tracer = active_tracer.get()
        if tracer is None:
            return await _public(resolver, info, args, kwargs)
        parent, field = info.path.typename or "", info.field_name
        attributes = {"graphql.field.parent_type": parent, "graphql.field.name": field}
        # Exceptions are named, never recorded: their messages may quote Yuno's answers.
        with tracer.start_as_current_span(
            f"resolve {parent}.{field}",
            attributes=attributes,
            record_exception=False,
            set_status_on_exception=False,
        ) as span:
            try:
                return await _public(resolver, info, args, kwargs)
            except Exception as exc:
                span.set_status(Status(StatusCode.ERROR))
                span.set_attribute("error.type", _error_type(exc))
                raise

    resolve.public_errors = True  # type: ignore[attr-defined]
    return resolve


async def _public(resolver: Resolver, info: Info, args: Any, kwargs: dict[str, Any]) -> Any:
    try:
        return await resolver(*args, **kwargs)
    except GraphQLError:
        raise
    except Exception as exc:
        request_id = getattr(info.context, "request_id", None)
        raise public_error(exc, info.path.as_list(), request_id) from exc


def _error_type(raised: Exception) -> str:
    original = raised.original_error if isinstance(raised, GraphQLError) else None
    return type(original or raised).__name__


def yuno_calls(calls: int, assumed_size: int | None = None) -> list[object]:
    """The directives of a field that makes at most ``calls`` Yuno calls (and answers a
    list of about ``assumed_size`` items, each costing what its own fields cost)."""
    if assumed_size is None:
        return [Cost(weight=calls)]
    # No slicing arguments (nothing here pages), so none can be required.
    size = ListSize(
        assumed_size=assumed_size,
        slicing_arguments=UNSET,  # unset, not null: composition reads a null as a list
        sized_fields=UNSET,
        require_one_slicing_argument=False,
    )
    return [Cost(weight=calls), size]


def io_field(
    calls: int | None = 1,
    assumed_size: int | None = None,
    *,
    resolver: Resolver | None = None,
    **options: Any,
) -> Any:
    """``strawberry.field`` for a resolver that calls Yuno (see the module docstring), as
    a decorator or with ``resolver``. An interface's field takes ``calls=None``:
    composition refuses ``@cost`` on interfaces, so each implementation declares it
    (``costed`` copies the field with it)."""
    directives = [] if calls is None else yuno_calls(calls, assumed_size)

    def declare(function: Resolver) -> Any:
        return strawberry.field(resolver=public_errors(function), directives=directives, **options)

    return declare if resolver is None else declare(resolver)


def costed(resolver: Resolver, calls: int = 1) -> Any:
    """An interface's ``io_field`` as an implementation declares it: the same resolver
    (the interface's method), with its cost."""
    return io_field(calls, resolver=resolver)
