"""The response cache: a repeated read is answered before anything executes.

Keyed by what decides the answer: the caller (its identity and scopes: a shopper never
gets another's answer, each service key its own), the document (its text, or its
persisted-query hash), the operation, the variables and the media type asked for. Kept
only for a single query that ran without an error and may be reused (``@cacheControl``
gives how long, ``schema.cache_control``), under the tags of what it read
(``loaders``), until one of them is invalidated by a write or a webhook or the time runs
out. Never a mutation, a subscription, an error, a partial answer, a batch, ``@defer``,
or a request that asks for something besides its answer (an extension other than a
persisted query, such as ``cost``).

HTTP caching rides on it: a cacheable answer carries ``ETag`` and ``Cache-Control:
private, max-age`` (the time it has left), and a GET whose ``If-None-Match`` names the
current answer gets ``304 Not Modified``, from the cache or after running.
"""

import hashlib
import time
from dataclasses import dataclass

import orjson
from aiohttp import web

from gateway.auth import Principal
from gateway.web.auth import principal_of
from gateway.web.response_store import Entry, ResponseStore, Since

#: Media types a client may ask for that the cache can answer (one JSON document).
GRAPHQL_RESPONSE = "application/graphql-response+json"


@dataclass(frozen=True)
class Ticket:
    """An answer the view found reusable: what it read, for how long, since when."""

    tags: frozenset[str]
    max_age: int
    since: Since


#: Set by the view on a request the cache missed: its key.
PENDING: web.RequestKey[str] = web.RequestKey("response_cache_pending")
#: Set by the view when the operation's answer may be stored.
TICKET: web.RequestKey[Ticket] = web.RequestKey("response_cache_ticket")


@dataclass
class ResponseCache:
    store: ResponseStore
    hits: int = 0
    #: Reusable answers that had to run.
    misses: int = 0
    stores: int = 0
    invalidated: int = 0
    #: Answers not kept: what they read changed while they ran.
    raced: int = 0

    async def lookup(self, request: web.Request) -> web.StreamResponse | str | None:
        """The cached answer, or the key to store one under (None: not for the cache)."""
        key = await self._key(request)
        if key is None:
            return None
        entry = await self.store.get(key)
        if entry is None:
            return key
        self.hits += 1
        return _answer(request, entry)

    async def begin(self) -> Since:
        """Before a reusable query runs (see ``response_store``)."""
        return await self.store.begin()

    async def keep(self, request: web.Request, response: web.StreamResponse) -> web.StreamResponse:
        """After running: store the answer if the view found it reusable, and answer a
        GET that already holds it with 304."""
        key, ticket = request.get(PENDING), request.get(TICKET)
        if key is None or ticket is None or response.status != 200:
            return response
        self.misses += 1
        body = getattr(response, "body", None)
        if not isinstance(body, bytes) or not isinstance(response, web.Response):
            return response
        entry = Entry(
            body,
            response.headers.get("Content-Type", "application/json"),
            _etag(body),
            time.time() + ticket.max_age,
        )
        if await self.store.put(key, entry, ticket.tags, ticket.since):
            self.stores += 1
        else:
            self.raced += 1
        _describe(response, entry)
        if _unchanged(request, entry):
            return _not_modified(entry)
        return response

    async def invalidate(self, tags: tuple[str, ...]) -> None:
        self.invalidated += await self.store.invalidate(tags)

    async def _key(self, request: web.Request) -> str | None:
        principal = principal_of(request)
        if not principal.authenticated or request.method not in ("GET", "POST"):
            return None
        accept = request.headers.get("Accept", "")
        if "multipart/mixed" in accept or "text/event-stream" in accept:
            return None
        fields = await _operation(request)
        if fields is None:
            return None
        media = b"graphql-response" if GRAPHQL_RESPONSE in accept else b"json"
        digest = hashlib.blake2b(digest_size=20)
        for part in (_caller(principal), media, *fields):
            digest.update(part)
            digest.update(b"\0")
        return digest.hexdigest()


async def _operation(request: web.Request) -> tuple[bytes, bytes, bytes] | None:
    """The document (text or persisted hash), operation name and canonical variables; None
    for what the cache does not take (a batch, another extension, a body it cannot read)."""
    if request.method == "GET":
        params = request.query
        query, name = params.get("query"), params.get("operationName")
        variables = _json(params.get("variables"))
        extensions = _json(params.get("extensions"))
    else:
        if request.content_type not in ("application/json", GRAPHQL_RESPONSE):
            return None
        body = _json(await request.read())
        if not isinstance(body, dict):
            return None  # a batch, or no operation at all
        query, name = body.get("query"), body.get("operationName")
        variables, extensions = body.get("variables"), body.get("extensions")
    document = _document(query, extensions)
    if document is None or not (name is None or isinstance(name, str)):
        return None
    if not (variables is None or isinstance(variables, dict)):
        return None
    canonical = orjson.dumps(variables or {}, option=orjson.OPT_SORT_KEYS)
    return document, (name or "").encode(), canonical


def _document(query: object, extensions: object) -> bytes | None:
    """The text when sent; else the persisted query's hash, a key of its own: an answer
    kept under it ran from the registered document, so the hash was known."""
    if extensions and (not isinstance(extensions, dict) or set(extensions) != {"persistedQuery"}):
        return None
    if isinstance(query, str):
        return query.encode()
    persisted = extensions.get("persistedQuery") if isinstance(extensions, dict) else None
    digest = persisted.get("sha256Hash") if isinstance(persisted, dict) else None
    return ("persisted:" + digest).encode() if isinstance(digest, str) else None


def _json(raw: str | bytes | None) -> object:
    if raw is None:
        return None
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return _UNREADABLE


_UNREADABLE = object()


def _caller(principal: Principal) -> bytes:
    scopes = ",".join(sorted(str(scope) for scope in getattr(principal, "scopes", ())))
    return f"{principal.identity}|{scopes}".encode()


def _etag(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=16).hexdigest() + '"'


def _describe(response: web.StreamResponse, entry: Entry) -> None:
    remaining = max(0, int(entry.expires_at - time.time()))
    response.headers["ETag"] = entry.etag
    response.headers["Cache-Control"] = f"private, max-age={remaining}"
    response.headers["Vary"] = "Authorization"


def _unchanged(request: web.Request, entry: Entry) -> bool:
    if request.method != "GET":
        return False
    given = request.headers.get("If-None-Match", "")
    return entry.etag in (tag.strip().removeprefix("W/") for tag in given.split(","))


def _not_modified(entry: Entry) -> web.Response:
    response = web.Response(status=304)
    _describe(response, entry)
    return response


def _answer(request: web.Request, entry: Entry) -> web.Response:
    if _unchanged(request, entry):
        return _not_modified(entry)
    response = web.Response(body=entry.body, headers={"Content-Type": entry.content_type})
    _describe(response, entry)
    return response
