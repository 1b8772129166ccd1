"""Builds the aiohttp application: routes, middlewares, and what lives for the whole process
(the Yuno client and its one ``ClientSession``, the cache, the embedded emulator in sandbox
mode), started at startup and closed at cleanup.
"""

import json
import logging
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from aiohttp import web
from aiohttp.typedefs import Handler
from pydantic import SecretStr
from strawberry.extensions import SchemaExtension

from gateway.auth import Principal
from gateway.auth.authenticator import Authenticator
from gateway.correlation import current_request_id
from gateway.events import EventBus, bus_for
from gateway.loaders import LookupCache, Upstream, backend_from_settings
from gateway.metrics import METRICS, Metrics, metrics_endpoint, operation_metrics
from gateway.resolvers.context import Context, ItemBudget, SdkConfig
from gateway.resolvers.webhooks import WebhookReceiver
from gateway.schema.cache_control import reusable_for
from gateway.schema.card_numbers import contains_card_number
from gateway.schema.documents import SizedLRU
from gateway.schema.schema import SchemaLimits, build_schema
from gateway.settings import Settings
from gateway.tracing import Tracing, traced_operations, traced_requests
from gateway.web.auth import authentication, principal_of
from gateway.web.browsers import cors
from gateway.web.documents import Admission as DocumentAdmission
from gateway.web.documents import Documents, load_manifest
from gateway.web.graphiql import add_graphiql_routes
from gateway.web.health import READY, add_health_routes
from gateway.web.middlewares import REQUEST_ID, request_id
from gateway.web.operations import Operations
from gateway.web.ratelimit import RateLimiter, rate_limiting
from gateway.web.response_cache import ResponseCache
from gateway.web.response_store import MemoryResponses, store_for
from gateway.web.sockets import Admission
from gateway.web.view import GraphQLView
from gateway.web.webhooks import RECEIVER, Receiver
from gateway.web.webhooks import receive as receive_webhook
from gateway.yuno.client import YunoClient

if TYPE_CHECKING:
    from gateway.sandbox import Sandbox

log = logging.getLogger("gateway")

#: Sandbox-only credentials: they open the gateway in front of the in-memory emulator only.
DEV_API_KEY = "sandbox-dev-api-key"
DEV_JWT_SECRET = "sandbox-dev-jwt-secret-not-for-production"


@dataclass(frozen=True)
class Runtime:
    """What the process holds between startup and cleanup."""

    upstream: Upstream
    sdk: SdkConfig
    bus: EventBus
    limiter: RateLimiter
    emulator: "Sandbox | None" = None
    registrations: RateLimiter | None = None


SETTINGS = web.AppKey("settings", Settings)
RESPONSES: web.AppKey["ResponseCache | None"] = web.AppKey("responses")
TRACING: web.AppKey["Tracing | None"] = web.AppKey("tracing")
VIEW = web.AppKey("view", GraphQLView)
RUNTIME = web.AppKey("runtime", Runtime)


class ConfigurationError(Exception):
    """The settings cannot run safely; the message says which setting to fix."""


def create_app(settings: Settings) -> web.Application:
    development = settings.sandbox_mode and not has_client_auth(settings)
    settings = with_auth(settings)
    authenticator = Authenticator(settings, refuse_subject=contains_card_number)
    tracing = Tracing.from_settings(settings)
    traced = [] if tracing is None else [traced_requests(tracing.tracer)]
    app = web.Application(
        middlewares=[
            request_id,
            *traced,
            _request_context,
            cors(settings.cors_origins),
            authentication(
                authenticator, lambda: app[RUNTIME].limiter, settings.auth_failures_per_minute
            ),
            rate_limiting(lambda: app[RUNTIME].limiter),
        ],
        client_max_size=settings.max_body_bytes,
    )
    app[SETTINGS] = settings
    app[TRACING] = tracing
    app[METRICS] = metrics = Metrics()
    observers: list[type[SchemaExtension]] = [operation_metrics(metrics)]
    if tracing is not None:
        observers.append(traced_operations(tracing.tracer))
    add_health_routes(app)
    if settings.metrics_open or settings.metrics_token is not None:
        app.router.add_get("/metrics", metrics_endpoint(settings.metrics_token))
    schema = build_schema(schema_limits(settings), observers=observers)
    responses = (
        ResponseCache(MemoryResponses(settings.response_cache_bytes))
        if settings.response_cache
        else None
    )
    app[RESPONSES] = responses
    view = GraphQLView(
        schema=schema,
        graphql_ide=None,  # GraphiQL comes from the package (web/graphiql.py), no CDN
        context_factory=_context_factory(app),
        authenticate=authenticator.authenticate,
        operations=Operations(
            settings.max_tokens,
            policy=lambda document, name: reusable_for(schema.graphql_schema, document, name),
        ),
        responses=responses,
        documents=Documents(
            _PersistedQueries(app),
            load_manifest(settings.trusted_documents_file),
            settings.trusted_documents_only,
            max_bytes=settings.persisted_query_max_bytes,
            admit=_registrations(app),
        ),
        allowed_origins=tuple(settings.cors_origins),
        admission=_admission(app),
        anonymous_max_document_bytes=settings.anonymous_max_document_bytes,
    )
    app.router.add_route("*", "/graphql", view)
    if settings.graphiql_enabled:
        add_graphiql_routes(app)
    if development:
        _add_sandbox_page(app, settings)
    app.router.add_post("/webhooks/yuno", receive_webhook)
    app.cleanup_ctx.append(_runtime)
    app.on_shutdown.append(_close_subscriptions)
    app[VIEW] = view
    return app


def schema_limits(settings: Settings) -> SchemaLimits:
    return SchemaLimits(
        max_depth=settings.max_depth,
        max_aliases=settings.max_aliases,
        max_tokens=settings.max_tokens,
        max_batch_operations=settings.max_batch_operations,
        introspection=settings.introspection_enabled,
        max_list_size=settings.max_list_size,
        max_fields=settings.max_fields,
        max_field_repeats=settings.max_field_repeats,
        max_operation_cost=settings.max_operation_cost,
        document_cache_bytes=settings.document_cache_bytes,
    )


#: Text of the persisted queries one process keeps when the cache is in-process.
PERSISTED_QUERIES_BYTES = 2 * 1024**2


class _PersistedQueries:
    """Persisted queries: in Redis beside the lookups (shared by replicas), or, with the
    in-process cache, in a store of their own bounded by bytes, so that registrations and
    lookups never evict each other."""

    def __init__(self, app: web.Application) -> None:
        self.app = app
        self.local: SizedLRU[str, str] = SizedLRU(
            PERSISTED_QUERIES_BYTES, lambda _, text: len(text)
        )

    async def get_text(self, key: str) -> str | None:
        cache = self.app[RUNTIME].upstream.cache
        return self.local.get(key) if cache.in_process else await cache.get_text(key)

    async def set_text(self, key: str, value: str, ttl: float) -> None:
        cache = self.app[RUNTIME].upstream.cache
        if cache.in_process:
            self.local.put(key, value)
        else:
            await cache.set_text(key, value, ttl)


def _registrations(app: web.Application) -> DocumentAdmission:
    async def admit(principal: Principal) -> bool:
        limiter = app[RUNTIME].registrations
        return limiter is None or await limiter.retry_after(principal.identity) is None

    return admit


def _admission(app: web.Application) -> Admission:
    """Each operation over a socket counts against its caller's rate limit, as a request."""

    async def admit(principal: Principal) -> float | None:
        return await app[RUNTIME].limiter.retry_after(principal.identity)

    return admit


def mark_unready(app: web.Application) -> None:
    """Shutting down: tell the load balancer first, while requests are still served."""
    app[READY]["ready"] = False
    app[METRICS].ready.set(0)


async def _close_subscriptions(app: web.Application) -> None:
    mark_unready(app)
    await app[VIEW].close_websockets()


def _context_factory(app: web.Application):  # type: ignore[no-untyped-def]
    async def new_context(request: web.Request) -> Context:
        runtime = app[RUNTIME]
        return Context(
            upstream=runtime.upstream,
            sdk=runtime.sdk,
            bus=runtime.bus,
            request_id=request[REQUEST_ID],
            principal=principal_of(request),
            budget=None if _upgrading(request) else ItemBudget(app[SETTINGS].max_list_size),
        )

    return new_context


@web.middleware
async def _request_context(request: web.Request, handler: Handler) -> web.StreamResponse:
    """From here on, every log line and every Yuno call made for this request carries its
    id (a context variable: tasks the request starts inherit it)."""
    current_request_id.set(request[REQUEST_ID])
    return await handler(request)


def _upgrading(request: web.Request) -> bool:
    """A WebSocket's context lives as long as the socket: its operations are bounded one
    by one (and rate limited), not against one request's budget."""
    return request.headers.get("Upgrade", "").lower() == "websocket"


def has_client_auth(settings: Settings) -> bool:
    return bool(
        settings.api_keys
        or settings.jwt_secret
        or settings.jwt_public_key_file
        or settings.jwks_file
    )


def _add_sandbox_page(app: web.Application, settings: Settings) -> None:
    """The sandbox checkout page, with the development credentials it may hand out."""
    from gateway.auth.tokens import sign_shopper_token
    from gateway.sandbox.cards import SHOWCASE
    from gateway.web.sandbox_page import TOKEN_SECONDS, SandboxPage, add_sandbox_page

    def sdk() -> tuple[str, str]:
        config = app[RUNTIME].sdk
        return config.public_api_key, config.api_base_url

    page = SandboxPage(
        api_key=DEV_API_KEY,
        mint=lambda sub: sign_shopper_token(settings, sub, TOKEN_SECONDS),
        sdk=sdk,
        test_cards=SHOWCASE,
    )
    add_sandbox_page(app, page)


def with_auth(settings: Settings, *, announce: bool = True) -> Settings:
    """Sandbox mode without auth settings gets development credentials (logged, so the quick
    start works); production without any refuses to start."""
    if has_client_auth(settings):
        return settings
    if not settings.sandbox_mode:
        raise ConfigurationError(
            "Yuno keys are configured but no client authentication is: set GATEWAY_API_KEYS "
            "and/or GATEWAY_JWT_SECRET / GATEWAY_JWT_PUBLIC_KEY_FILE / GATEWAY_JWKS_FILE"
        )
    if announce:
        _announce_development_credentials()
    return settings.model_copy(
        update={
            "api_keys": SecretStr(json.dumps({DEV_API_KEY: ["*"]})),
            "jwt_secret": SecretStr(DEV_JWT_SECRET),
        }
    )


def _announce_development_credentials() -> None:
    log.warning(
        "sandbox mode: no Yuno keys configured, so the gateway runs against its embedded Yuno "
        "emulator; development credentials: API key %r (all scopes), customer JWT HS256 "
        "secret %r",
        DEV_API_KEY,
        DEV_JWT_SECRET,
    )


async def _runtime(app: web.Application) -> AsyncIterator[None]:
    settings = app[SETTINGS]
    emulator: web.AppRunner | None = None
    if settings.sandbox_mode:
        emulator, settings = await _start_emulator(settings)
    metrics = app[METRICS]
    client = YunoClient.from_settings(settings)
    client.transport.observer = metrics.observe_yuno_call
    tracing = app[TRACING]
    client.transport.tracer = None if tracing is None else tracing.tracer
    client.transport.breaker.on_change = metrics.observe_breaker
    await client.transport.start()
    cache = LookupCache(backend_from_settings(settings))
    upstream = Upstream(client, cache, settings, on_batch=metrics.observe_batch)
    bus = bus_for(settings.cache_url, settings.cache_namespace)
    metrics.watch(cache, client.transport.breaker, bus.subscriber_count, app[RESPONSES])
    responses = app[RESPONSES]
    if responses is not None:
        # Beside the lookup cache (in Redis when it is), and told of what it invalidates.
        shared_client = None if cache.in_process else getattr(cache.backend, "client", None)
        responses.store = store_for(
            shared_client, settings.cache_namespace, settings.response_cache_bytes
        )
        cache.listeners.append(responses.invalidate)
    receiver: Receiver = WebhookReceiver.for_upstream(upstream, bus)
    app[RECEIVER] = receiver
    shared = None if upstream.cache.in_process else upstream.cache.backend
    app[RUNTIME] = Runtime(
        upstream,
        _sdk_config(settings, embedded=emulator is not None),
        bus,
        RateLimiter(shared, settings.rate_limit_per_minute),
        _emulator_state(emulator),
        registrations=RateLimiter(
            shared, settings.persisted_queries_per_minute, prefix="apq-registrations"
        ),
    )
    app[READY]["ready"] = True
    metrics.ready.set(1)
    try:
        yield
    finally:
        app[READY]["ready"] = False
        await client.transport.close()
        await upstream.cache.close()
        await bus.close()
        if emulator is not None:
            await emulator.cleanup()
        if tracing is not None:
            await tracing.shutdown()


async def _start_emulator(settings: Settings) -> tuple[web.AppRunner, Settings]:
    """No Yuno keys: run the emulator in this process on a free loopback port, and point
    the client at it with the emulator's development keys."""
    from gateway.sandbox import SandboxConfig, create_sandbox_app  # only in sandbox mode

    own = {f"http://{name}:{settings.port}" for name in (settings.host, "localhost", "127.0.0.1")}
    config = SandboxConfig(
        latency_ms=settings.sandbox_latency_ms,
        cors_origins=(*settings.cors_origins, *sorted(own)),
        public_url=settings.sandbox_public_url,
        webhook_time_scale=settings.sandbox_webhook_time_scale,
    )
    runner = web.AppRunner(create_sandbox_app(config), access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, settings.sandbox_host, settings.sandbox_port)
    await site.start()
    port = runner.addresses[0][1]
    host = "127.0.0.1" if settings.sandbox_host in ("0.0.0.0", "::") else settings.sandbox_host
    base_url = f"http://{host}:{port}/v1"
    log.info("sandbox mode: the embedded Yuno emulator serves %s", base_url)
    effective = settings.model_copy(
        update={
            "yuno_public_api_key": config.public_api_key,
            "yuno_private_secret_key": SecretStr(config.private_secret_key),
            "yuno_account_id": config.account_id,
            "yuno_api_url": base_url,
            "yuno_webhook_secret": SecretStr(secrets.token_urlsafe(32)),
        }
    )
    return runner, effective


def _emulator_state(emulator: web.AppRunner | None) -> "Sandbox | None":
    if emulator is None:
        return None
    from gateway.sandbox import SANDBOX

    return emulator.app[SANDBOX]


def _sdk_config(settings: Settings, *, embedded: bool) -> SdkConfig:
    key = settings.yuno_public_api_key or ""
    sandbox = embedded or not key.startswith("prod_")
    return SdkConfig(
        public_api_key=key,
        environment="SANDBOX" if sandbox else "PRODUCTION",
        api_base_url=settings.yuno_base_url,
    )
