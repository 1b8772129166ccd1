"""The ``gateway`` command: ``serve`` the GraphQL gateway, run the Yuno ``sandbox`` alone,
``export-schema`` (the SDL that ``schema.graphql`` must equal), or sign a development
shopper ``token``.

A setting that cannot work is one line on stderr naming it, and exit status 2."""

import argparse
import dataclasses
import logging
import multiprocessing
import secrets
import socket
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, NoReturn

from aiohttp import web
from pydantic import SecretStr, ValidationError

from gateway import logs
from gateway.settings import Settings

if TYPE_CHECKING:
    from gateway.sandbox import SandboxConfig

log = logging.getLogger("gateway")


#: The exit status of a configuration error (as argparse's for a usage error).
CONFIGURATION_ERROR = 2


def main(argv: Sequence[str] | None = None) -> None:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:
        _configuration_error(_setting_problem(exc))
    logs.configure(settings.log_level, settings.log_format)
    from gateway.app import ConfigurationError

    try:
        args.run(settings, args)
    except ConfigurationError as exc:
        _configuration_error(str(exc))


def _setting_problem(exc: ValidationError) -> str:
    first = exc.errors()[0]
    name = ".".join(str(part) for part in first["loc"]) or "settings"
    variable = name.upper() if name.upper().startswith("YUNO_") else f"GATEWAY_{name.upper()}"
    return f"{variable}: {first['msg']}"


def _configuration_error(message: str) -> NoReturn:
    sys.stderr.write(f"gateway: configuration error: {message}\n")
    raise SystemExit(CONFIGURATION_ERROR)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gateway", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    sandbox = commands.add_parser("sandbox", help="run the Yuno emulator on its own")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=8081)
    sandbox.add_argument("--latency-ms", type=float, default=0.0, help="added to each request")
    sandbox.add_argument(
        "--webhook-url",
        help="where to send webhooks, signed with GATEWAY_YUNO_WEBHOOK_SECRET (e.g. a "
        "gateway's /webhooks/yuno)",
    )
    sandbox.set_defaults(run=_sandbox)

    serve = commands.add_parser("serve", help="run the GraphQL gateway")
    serve.add_argument("--host", help="default: GATEWAY_HOST or 127.0.0.1")
    serve.add_argument("--port", type=int, help="default: GATEWAY_PORT or 8080")
    serve.add_argument(
        "--workers", type=int, default=1, help="processes sharing the port (default 1)"
    )
    serve.set_defaults(run=_serve)

    export = commands.add_parser("export-schema", help="print the schema's SDL")
    export.set_defaults(run=_export_schema)

    token = commands.add_parser(
        "token", help="print a shopper JWT signed with GATEWAY_JWT_SECRET (or the sandbox's)"
    )
    token.add_argument("--sub", required=True, help="the merchant's customer id")
    token.add_argument("--scope", action="append", default=[], help="repeatable")
    token.add_argument("--ttl", type=int, default=3600, help="seconds (default 3600)")
    token.set_defaults(run=_token)
    return parser


def _token(settings: Settings, args: argparse.Namespace) -> None:
    """A development shopper token, accepted by a gateway with the same settings."""
    from gateway.app import ConfigurationError, with_auth
    from gateway.auth.tokens import sign_shopper_token

    signing = with_auth(settings, announce=False)
    if signing.jwt_secret is None:
        raise ConfigurationError(
            "GATEWAY_JWT_SECRET is not set: `gateway token` signs HS256 tokens with it"
        )
    if not 0 < args.ttl <= settings.jwt_max_lifetime:
        raise ConfigurationError(f"--ttl must be 1 to {settings.jwt_max_lifetime:.0f} seconds")
    token = sign_shopper_token(signing, args.sub, args.ttl, tuple(args.scope))
    sys.stdout.write(token + "\n")


def sandbox_config(settings: Settings, latency_ms: float = 0.0) -> "SandboxConfig":
    """The emulator accepts the configured Yuno key pair when there is one, else the dev pair."""
    from gateway.sandbox import SandboxConfig

    config = SandboxConfig(latency_ms=latency_ms, public_url=settings.sandbox_public_url)
    if settings.yuno_public_api_key and settings.yuno_private_secret_key:
        config = dataclasses.replace(
            config,
            public_api_key=settings.yuno_public_api_key,
            private_secret_key=settings.yuno_private_secret_key.get_secret_value(),
            account_id=settings.yuno_account_id or config.account_id,
        )
    return config


def _serve(settings: Settings, args: argparse.Namespace) -> None:
    from gateway import server

    host = args.host or settings.host
    port = settings.port if args.port is None else args.port
    if args.workers > 1 and settings.sandbox_mode:
        settings = _shared_emulator(settings, f"http://127.0.0.1:{port}/webhooks/yuno")
    server.run(settings, host, port, args.workers, on_started=_emulator_webhooks_to(host, port))


def _emulator_webhooks_to(host: str, port: int) -> Callable[[web.Application], None]:
    """In sandbox mode the embedded emulator's webhooks come back to this gateway."""

    def point(app: web.Application) -> None:
        from gateway.app import RUNTIME

        emulator, secret = app[RUNTIME].emulator, app[RUNTIME].upstream.settings.yuno_webhook_secret
        if emulator is not None and secret is not None:
            target = "127.0.0.1" if host in ("0.0.0.0", "::") else host
            emulator.configure_webhook(
                f"http://{target}:{port}/webhooks/yuno", secret.get_secret_value()
            )

    return point


def _shared_emulator(settings: Settings, webhook_url: str) -> Settings:
    """Several workers need one emulator between them: run it in a child process."""
    from gateway.app import with_auth

    settings = with_auth(settings)
    port, secret = _free_port(), secrets.token_urlsafe(32)
    config = dataclasses.replace(
        sandbox_config(settings),
        webhook_url=webhook_url,
        webhook_secret=secret,
        webhook_time_scale=settings.sandbox_webhook_time_scale,
        public_url=settings.sandbox_public_url,
    )
    process = multiprocessing.get_context("spawn").Process(
        target=_run_sandbox, args=(config, port), daemon=True
    )
    process.start()
    base_url = f"http://127.0.0.1:{port}/v1"
    log.info("sandbox mode: workers share the Yuno emulator at %s", base_url)
    return settings.model_copy(
        update={
            "yuno_public_api_key": config.public_api_key,
            "yuno_private_secret_key": SecretStr(config.private_secret_key),
            "yuno_account_id": config.account_id,
            "yuno_api_url": base_url,
            "yuno_webhook_secret": SecretStr(secret),
        }
    )


def _run_sandbox(config: "SandboxConfig", port: int) -> None:
    from gateway.sandbox import create_sandbox_app

    web.run_app(create_sandbox_app(config), host="127.0.0.1", port=port, print=None)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _export_schema(settings: Settings, args: argparse.Namespace) -> None:
    from gateway.app import schema_limits
    from gateway.schema.schema import build_schema

    sys.stdout.write(build_schema(schema_limits(settings)).as_str() + "\n")


def _sandbox(settings: Settings, args: argparse.Namespace) -> None:
    from gateway.app import ConfigurationError
    from gateway.sandbox import create_sandbox_app

    config = sandbox_config(settings, args.latency_ms)
    if args.webhook_url:
        if settings.yuno_webhook_secret is None:
            raise ConfigurationError(
                "GATEWAY_YUNO_WEBHOOK_SECRET is not set: --webhook-url signs deliveries with it"
            )
        config = dataclasses.replace(
            config,
            webhook_url=args.webhook_url,
            webhook_secret=settings.yuno_webhook_secret.get_secret_value(),
            webhook_time_scale=settings.sandbox_webhook_time_scale,
        )
    base_url = f"http://{args.host}:{args.port}/v1"
    log.info(
        "Yuno sandbox emulator serving %s (public-api-key %s)", base_url, config.public_api_key
    )
    web.run_app(create_sandbox_app(config), host=args.host, port=args.port, print=None)
