"""Fields that call Yuno, and what their failures look like wherever they surface.

``ErrorCodes`` makes a failed operation's errors public when the operation ends, but a
``@defer``red fragment resolves after that, and its errors reach the client as raised. So a
field that can fail (every one that calls Yuno) makes its error public where it is raised:
a ``GraphQLError`` with the public message, ``extensions.code`` and the request id, the
original failure logged once. ``io_field`` declares such a field.
"""

from collections.abc import Awaitable, Callable
from typing import Any

import strawberry
from graphql import GraphQLError
from strawberry.extensions import FieldExtension
from strawberry.types import Info

from gateway.schema.errors import public_error


class PublicErrors(FieldExtension):
    async def resolve_async(
        self, next_: Callable[..., Awaitable[Any]], source: Any, info: Info, **kwargs: Any
    ) -> Any:
        try:
            return await next_(source, info, **kwargs)
        except GraphQLError:
            raise
        except Exception as exc:
            request_id = getattr(info.context, "request_id", None)
            raise public_error(exc, info.path.as_list(), request_id) from exc


def io_field(**options: Any) -> Any:
    """``strawberry.field`` for a resolver that calls Yuno (see the module docstring)."""
    return strawberry.field(extensions=[PublicErrors()], **options)
