"""Which GraphQL document a request runs: automatic persisted queries and trusted documents.

APQ (Apollo's protocol): a client may send only ``extensions.persistedQuery.sha256Hash``;
an unknown hash answers ``PersistedQueryNotFound`` and the client sends the query once with
its hash, which is checked and run; it is stored (in the cache backend, so Redis shares it
between replicas) only when it validated, fits ``max_bytes``, comes from a caller with
credentials and that caller is within its registrations per minute: registrations cannot
fill the shared cache with arbitrary text or flush what others keep there.

Trusted documents: with a manifest (hash → document) and ``trusted_only`` on, a
caller that is not a service may run only the manifest's documents.
"""

import dataclasses
import hashlib
import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from aiohttp import web
from strawberry.http import GraphQLRequestData
from strawberry.types import ExecutionResult

from gateway.auth import Principal, ServicePrincipal
from gateway.schema.guard import refusal as guard_refusal
from gateway.web.errors import error_response

log = logging.getLogger(__name__)

#: How long a registered persisted query is kept.
APQ_TTL = 7 * 24 * 3600.0


class TextStore(Protocol):
    async def get_text(self, key: str) -> str | None: ...

    async def set_text(self, key: str, value: str, ttl: float) -> None: ...


def sha256(document: str) -> str:
    return hashlib.sha256(document.encode()).hexdigest()


def refusal(message: str, code: str) -> ExecutionResult:
    """The answer to an operation refused before it runs (the guard's error, as a result)."""
    return ExecutionResult(data=None, errors=[guard_refusal(message, code)])


def load_manifest(path: Path | None) -> dict[str, str]:
    """``{"<sha256>": "<document>"}``; each hash is checked against its document."""
    if path is None:
        return {}
    manifest = json.loads(path.read_text())
    for digest, document in manifest.items():
        if sha256(document) != digest:
            raise ValueError(f"trusted document {digest[:12]}... does not match its hash")
    return dict(manifest)


#: May this caller register a document now? (A rate limit per principal.)
Admission = Callable[[Principal], Awaitable[bool]]


@dataclass(frozen=True)
class Registration:
    """A document to store under its hash once it has validated."""

    digest: str
    document: str


class Documents:
    def __init__(
        self,
        store: TextStore,
        manifest: dict[str, str],
        trusted_only: bool,
        *,
        max_bytes: int = 32 * 1024,
        admit: Admission | None = None,
    ) -> None:
        self.store = store
        self.manifest = manifest
        self.trusted_only = trusted_only
        self.max_bytes = max_bytes
        self.admit = admit

    def registration(self, data: GraphQLRequestData, principal: Principal) -> Registration | None:
        """What to store if this request's document validates: a hash sent with its
        document, by a caller with credentials, within the size limit."""
        digest = _persisted_hash(data)
        query = data.query
        if digest is None or query is None or not principal.authenticated:
            return None
        if len(query.encode()) > self.max_bytes or digest in self.manifest:
            return None
        return Registration(digest, query)

    async def register(self, registration: Registration, principal: Principal) -> None:
        if self.admit is not None and not await self.admit(principal):
            log.info("persisted query registration over the rate limit; not stored")
            return
        await self.store.set_text(f"apq:{registration.digest}", registration.document, APQ_TTL)

    async def resolve(
        self, data: GraphQLRequestData, principal: Principal
    ) -> GraphQLRequestData | ExecutionResult:
        """The request with its document filled in, or the error that answers it."""
        digest = _persisted_hash(data)
        if digest is None and not self.trusted_only:
            return data  # the common case, kept cheap
        query = data.query
        if digest is not None:
            if query is None:
                query = await self.lookup(digest)
                if query is None:
                    return refusal("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND")
            elif sha256(query) != digest:
                return refusal("provided sha does not match query", "PERSISTED_QUERY_HASH_MISMATCH")
        if self._untrusted(query, principal):
            return refusal("Only trusted documents may run here.", "PERSISTED_QUERY_NOT_TRUSTED")
        return dataclasses.replace(data, query=query)

    async def lookup(self, digest: str) -> str | None:
        return self.manifest.get(digest) or await self.store.get_text(f"apq:{digest}")

    async def expand_get(self, request: web.Request) -> web.Request | web.Response:
        """A GET carrying only a hash: the same request with its stored document as the
        query (strawberry needs one), or the ``PersistedQueryNotFound`` answer."""
        try:
            extensions = json.loads(request.query["extensions"])
        except ValueError:
            return request
        digest = _persisted_hash(GraphQLRequestData(None, None, None, extensions))
        if digest is None:
            return request
        document = await self.lookup(digest)
        if document is None:
            return error_response(
                request, 200, "PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND"
            )
        return request.clone(rel_url=request.rel_url.update_query(query=document))

    def _untrusted(self, query: str | None, principal: Principal) -> bool:
        if not self.trusted_only or isinstance(principal, ServicePrincipal):
            return False
        return query is None or sha256(query) not in self.manifest


def _persisted_hash(data: GraphQLRequestData) -> str | None:
    if not data.extensions:
        return None
    persisted = data.extensions.get("persistedQuery")
    if not isinstance(persisted, dict) or persisted.get("version", 1) != 1:
        return None
    digest = persisted.get("sha256Hash")
    return digest.lower() if isinstance(digest, str) else None
