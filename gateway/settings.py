"""Every setting of the gateway and its emulator, read once at start-up and passed down.

Yuno's own settings keep Yuno's names (``YUNO_PUBLIC_API_KEY``, ``YUNO_PRIVATE_SECRET_KEY``,
``YUNO_ACCOUNT_ID``, ``YUNO_API_URL``) so a merchant's existing environment works as is;
the gateway's own settings use the prefix ``GATEWAY_``. This is the only module that reads
the environment: tests build ``Settings(...)`` directly.
"""

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

#: Hosts Yuno's own clients derive from the prefix of the public API key.
YUNO_HOSTS_BY_KEY_PREFIX = {
    "sandbox": "https://api-sandbox.y.uno/v1",
    "prod": "https://api.y.uno/v1",
    "staging": "https://api-staging.y.uno/v1",
    "dev": "https://api-dev.y.uno/v1",
}


def _yuno(name: str) -> AliasChoices:
    return AliasChoices(f"YUNO_{name}", f"yuno_{name.lower()}")


def _otel(name: str) -> AliasChoices:
    """OpenTelemetry's standard variables, as every SDK and collector document them."""
    return AliasChoices(f"OTEL_{name}", f"otel_{name.lower()}")


#: ``OTEL_TRACES_SAMPLER`` values the gateway understands (the SDK's built-in samplers).
TraceSampler = Literal[
    "always_on",
    "always_off",
    "traceidratio",
    "parentbased_always_on",
    "parentbased_always_off",
    "parentbased_traceidratio",
]


class Settings(BaseSettings):
    """The gateway's configuration; see the README's operations section for each field."""

    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore", frozen=True)

    # Yuno credentials and endpoint. With no keys, `gateway serve` embeds the emulator.
    yuno_public_api_key: str | None = Field(None, validation_alias=_yuno("PUBLIC_API_KEY"))
    yuno_private_secret_key: SecretStr | None = Field(
        None, validation_alias=_yuno("PRIVATE_SECRET_KEY")
    )
    yuno_account_id: str | None = Field(None, validation_alias=_yuno("ACCOUNT_ID"))
    yuno_api_url: str | None = Field(None, validation_alias=_yuno("API_URL"))

    yuno_webhook_secret: SecretStr | None = Field(
        None, description="HMAC secret of Yuno's webhooks (made up in sandbox mode)."
    )
    yuno_webhook_api_key: SecretStr | None = Field(
        None, description="The x-api-key Yuno's webhooks carry, if configured at Yuno."
    )
    yuno_webhook_header_secret: SecretStr | None = Field(
        None, description="The x-secret Yuno's webhooks carry, with the x-api-key."
    )

    # How the client talks to Yuno.
    yuno_connect_timeout: float = Field(3.0, gt=0)
    yuno_timeout: float = Field(10.0, gt=0, description="Seconds for one attempt, end to end.")
    yuno_retry_attempts: int = Field(3, ge=1, le=10, description="Attempts, the first included.")
    yuno_retry_backoff: float = Field(0.05, ge=0, description="First back-off, in seconds.")
    yuno_retry_max_backoff: float = Field(1.0, ge=0)
    yuno_retry_deadline: float = Field(25.0, gt=0, description="Bound on all attempts together.")
    yuno_breaker_threshold: int = Field(5, ge=1, description="Failures in a row that open it.")
    yuno_breaker_reset: float = Field(5.0, gt=0, description="Seconds open before a probe.")
    yuno_pool_size: int = Field(100, ge=1, description="Connections kept to Yuno.")

    # Who may call (see the README's "Who may do what").
    api_keys: SecretStr | None = Field(
        None, description='JSON object: API key -> list of scopes ("*" grants every scope).'
    )
    jwt_secret: SecretStr | None = Field(None, description="HS256 secret of customer tokens.")
    jwt_public_key_file: Path | None = Field(
        None, description="PEM RSA/EC public key (RS256/ES256)."
    )
    jwks_file: Path | None = Field(None, description="JWKS file of RS256/ES256 keys.")
    jwt_issuer: str | None = None
    jwt_audience: str | None = None
    jwt_leeway: float = Field(30.0, ge=0, le=300, description="Clock skew allowed, seconds.")
    jwt_max_lifetime: float = Field(
        24 * 3600.0, gt=0, description="Longest customer token accepted (exp - iat), seconds."
    )
    shopper_scopes_allowed: list[str] = Field(
        default_factory=list,
        description="Scopes a customer token's scope claim may grant; others are ignored.",
    )
    auth_failures_per_minute: int = Field(
        30, ge=1, description="Failed authentications per client address before 429."
    )
    introspection: bool | None = Field(
        None, description="Default: off with Yuno's production keys (prod_...), else on."
    )
    trusted_documents_file: Path | None = Field(
        None, description='JSON manifest {"<sha256>": "<document>"} of first-party operations.'
    )
    trusted_documents_only: bool = Field(
        False, description="Refuse any other document from callers that are not services."
    )
    cors_origins: list[str] = Field(default_factory=list)

    # Limits on every request.
    max_body_bytes: int = Field(256 * 1024, ge=1024)
    max_depth: int = Field(12, ge=2)
    max_aliases: int = Field(30, ge=1)
    max_tokens: int = Field(5_000, ge=100)
    max_list_size: int = Field(
        200, ge=1, description="List items (e.g. _entities representations) in one HTTP request."
    )
    max_fields: int = Field(
        1_000, ge=10, description="Fields in one document, each fragment counted where spread."
    )
    max_field_repeats: int = Field(
        8, ge=1, description="Times one response key may repeat in one selection set."
    )
    max_operation_cost: int = Field(
        500,
        ge=1,
        description="Most Yuno calls one operation may be estimated to cost (@cost, "
        "@listSize); above it the operation is refused with COST_LIMIT_EXCEEDED.",
    )
    anonymous_max_document_bytes: int = Field(
        8 * 1024, ge=512, description="Largest document a caller without credentials may send."
    )
    document_cache_bytes: int = Field(
        1024**2, ge=0, description="Text of the validated documents kept parsed, in bytes."
    )
    persisted_query_max_bytes: int = Field(
        32 * 1024, ge=512, description="Largest document that may be registered (APQ)."
    )
    persisted_queries_per_minute: int = Field(
        30, ge=1, description="APQ registrations per principal and minute."
    )
    rate_limit_per_minute: int = Field(600, ge=1, description="Requests per principal.")

    # The HTTP server.
    host: str = "127.0.0.1"
    port: int = Field(8080, ge=0, le=65535)
    environment: Literal["development", "production"] = "development"
    shutdown_grace: float = Field(0.0, ge=0, description="Seconds unready before draining.")
    shutdown_timeout: float = Field(30.0, gt=0, description="Bound on draining requests.")
    log_level: str = "INFO"
    log_format: Literal["json", "text"] = "json"

    # GraphQL execution.
    max_concurrency: int = Field(
        100, ge=1, description="Yuno calls one loader batch runs at once (the pool's size)."
    )
    max_batch_operations: int = Field(10, ge=1, description="Operations in one HTTP batch.")
    graphiql: bool | None = Field(
        None, description="Default: off with Yuno's production keys (prod_...), else on."
    )
    metrics_token: SecretStr | None = Field(
        None, description="Bearer token /metrics asks for; with production keys and none: off."
    )

    # Cached lookups.
    cache_url: str = Field("memory://", description="memory:// or redis://host:port/db")
    cache_namespace: str = "yuno-gateway"
    cache_max_entries: int = Field(10_000, ge=1, description="Bound of the memory cache.")
    cache_ttl_customer: float = Field(60.0, ge=0)
    cache_ttl_checkout_session: float = Field(60.0, ge=0)
    cache_ttl_payment_methods: float = Field(60.0, ge=0)
    cache_ttl_enrollment_catalog: float = Field(300.0, ge=0)
    cache_ttl_customer_by_merchant_id: float = Field(300.0, ge=0)

    # The response cache (web/response_cache.py): answers reused until what they read
    # changes. In Redis when the cache is Redis; off with --workers and an in-process cache.
    response_cache: bool = Field(True, description="Answer repeated reads from the cache.")
    response_cache_bytes: int = Field(
        16 * 1024**2, ge=64 * 1024, description="Bound of the in-process response cache."
    )

    # Yuno's webhooks. Yuno retries a delivery for 96 h after its first try (yuno-api.md
    # §7.1), so the window must outlast that; older events are refused as replays.
    webhook_replay_window: float = Field(
        5 * 24 * 3600.0, gt=96 * 3600.0, description="Seconds an event counts, by updated_at."
    )

    # The embedded emulator (sandbox mode only).
    sandbox_latency_ms: float = Field(0.0, ge=0)
    sandbox_host: str = Field(
        "127.0.0.1", description="Where the embedded emulator listens (0.0.0.0 in a container)."
    )
    sandbox_port: int = Field(0, ge=0, le=65535, description="0: a free port, logged at start.")
    sandbox_public_url: str | None = Field(
        None,
        description="Where browsers reach the emulator's pages (3DS, vouchers) if not where "
        "the gateway does, e.g. http://localhost:8081 behind docker run -p.",
    )
    sandbox_webhook_time_scale: float = Field(
        1.0, gt=0, le=1, description="Yuno's webhook retry schedule, compressed (1: as Yuno)."
    )

    # OpenTelemetry tracing, by the standard OTEL_* variables: off until an OTLP endpoint
    # is set. Only OTLP over HTTP (protobuf) is exported.
    otel_sdk_disabled: bool = Field(False, validation_alias=_otel("SDK_DISABLED"))
    otel_service_name: str = Field("yuno-graphql-gateway", validation_alias=_otel("SERVICE_NAME"))
    otel_resource_attributes: str | None = Field(
        None, validation_alias=_otel("RESOURCE_ATTRIBUTES")
    )
    otel_exporter_otlp_endpoint: str | None = Field(
        None, validation_alias=_otel("EXPORTER_OTLP_ENDPOINT")
    )
    otel_exporter_otlp_traces_endpoint: str | None = Field(
        None, validation_alias=_otel("EXPORTER_OTLP_TRACES_ENDPOINT")
    )
    otel_exporter_otlp_protocol: Literal["http/protobuf"] = Field(
        "http/protobuf", validation_alias=_otel("EXPORTER_OTLP_PROTOCOL")
    )
    otel_exporter_otlp_headers: SecretStr | None = Field(
        None, validation_alias=_otel("EXPORTER_OTLP_HEADERS")
    )
    otel_exporter_otlp_timeout: float = Field(
        10_000, gt=0, validation_alias=_otel("EXPORTER_OTLP_TIMEOUT")
    )
    otel_traces_sampler: TraceSampler = Field(
        "parentbased_always_on", validation_alias=_otel("TRACES_SAMPLER")
    )
    otel_traces_sampler_arg: float = Field(
        1.0, ge=0, le=1, validation_alias=_otel("TRACES_SAMPLER_ARG")
    )
    otel_bsp_schedule_delay: float = Field(
        5_000, ge=0, validation_alias=_otel("BSP_SCHEDULE_DELAY")
    )

    @property
    def traces_endpoint(self) -> str | None:
        """Where spans go (OTLP/HTTP), or None: tracing is off."""
        if self.otel_sdk_disabled:
            return None
        if self.otel_exporter_otlp_traces_endpoint:
            return self.otel_exporter_otlp_traces_endpoint
        if self.otel_exporter_otlp_endpoint:
            return self.otel_exporter_otlp_endpoint.rstrip("/") + "/v1/traces"
        return None

    @property
    def sandbox_mode(self) -> bool:
        """No Yuno keys configured: the gateway runs against its embedded emulator."""
        return self.yuno_private_secret_key is None

    @property
    def production_keys(self) -> bool:
        """Yuno's production keys (``prod_...``): the defaults close what a sandbox opens."""
        return (self.yuno_public_api_key or "").startswith("prod_")

    @property
    def introspection_enabled(self) -> bool:
        return not self.production_keys if self.introspection is None else self.introspection

    @property
    def graphiql_enabled(self) -> bool:
        return not self.production_keys if self.graphiql is None else self.graphiql

    @property
    def metrics_open(self) -> bool:
        """/metrics without a token: not with production keys. With a token it always asks."""
        return not self.production_keys and self.metrics_token is None

    @property
    def yuno_base_url(self) -> str:
        """``YUNO_API_URL``, else the host Yuno's own clients derive from the key prefix."""
        if self.yuno_api_url:
            return self.yuno_api_url.rstrip("/")
        prefix = (self.yuno_public_api_key or "sandbox").split("_", 1)[0]
        return YUNO_HOSTS_BY_KEY_PREFIX.get(prefix, YUNO_HOSTS_BY_KEY_PREFIX["sandbox"])
