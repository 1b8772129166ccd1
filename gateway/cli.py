"""The ``gateway`` command: ``serve`` the GraphQL gateway, run the Yuno ``sandbox`` alone, or
``export-schema`` (the SDL that ``schema.graphql`` must equal)."""

import argparse
import logging
import sys
from collections.abc import Sequence

from aiohttp import web

from gateway import logs
from gateway.sandbox import SandboxConfig, create_sandbox_app
from gateway.settings import Settings

log = logging.getLogger("gateway")


def main(argv: Sequence[str] | None = None) -> None:
    parser = _parser()
    args = parser.parse_args(argv)
    settings = Settings()
    logs.configure(settings.log_level, settings.log_format)
    args.run(settings, args)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="gateway", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    sandbox = commands.add_parser("sandbox", help="run the Yuno emulator on its own")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=8081)
    sandbox.add_argument("--latency-ms", type=float, default=0.0, help="added to each request")
    sandbox.set_defaults(run=_sandbox)

    serve = commands.add_parser("serve", help="run the GraphQL gateway")
    serve.add_argument("--host", help="default: GATEWAY_HOST or 127.0.0.1")
    serve.add_argument("--port", type=int, help="default: GATEWAY_PORT or 8080")
    serve.set_defaults(run=_serve)

    export = commands.add_parser("export-schema", help="print the schema's SDL")
    export.set_defaults(run=_export_schema)
    return parser


def sandbox_config(settings: Settings, latency_ms: float = 0.0) -> SandboxConfig:
    """The emulator accepts the configured Yuno key pair when there is one, else the dev pair."""
    config = SandboxConfig(latency_ms=latency_ms)
    if settings.yuno_public_api_key and settings.yuno_private_secret_key:
        config = SandboxConfig(
            public_api_key=settings.yuno_public_api_key,
            private_secret_key=settings.yuno_private_secret_key.get_secret_value(),
            account_id=settings.yuno_account_id or config.account_id,
            latency_ms=latency_ms,
        )
    return config


def _serve(settings: Settings, args: argparse.Namespace) -> None:
    from gateway.app import create_app

    host = args.host or settings.host
    port = settings.port if args.port is None else args.port
    app = create_app(settings)
    app.on_startup.append(_announce(host, port))
    app.on_startup.append(_point_emulator_webhooks_here(host, port))
    web.run_app(app, host=host, port=port, print=None, access_log=None)


def _announce(host: str, port: int):  # type: ignore[no-untyped-def]
    async def announce(app: web.Application) -> None:
        log.info("gateway serving http://%s:%s/graphql", host, port)

    return announce


def _point_emulator_webhooks_here(host: str, port: int):  # type: ignore[no-untyped-def]
    """In sandbox mode the embedded emulator's webhooks come back to this gateway."""

    async def point(app: web.Application) -> None:
        from gateway.app import RUNTIME

        emulator, secret = app[RUNTIME].emulator, app[RUNTIME].upstream.settings.yuno_webhook_secret
        if emulator is not None and secret is not None:
            target = "127.0.0.1" if host in ("0.0.0.0", "::") else host
            emulator.configure_webhook(
                f"http://{target}:{port}/webhooks/yuno", secret.get_secret_value()
            )

    return point


def _export_schema(settings: Settings, args: argparse.Namespace) -> None:
    from gateway.schema.schema import build_schema

    sys.stdout.write(build_schema().as_str() + "\n")


def _sandbox(settings: Settings, args: argparse.Namespace) -> None:
    config = sandbox_config(settings, args.latency_ms)
    base_url = f"http://{args.host}:{args.port}/v1"
    log.info(
        "Yuno sandbox emulator serving %s (public-api-key %s)", base_url, config.public_api_key
    )
    web.run_app(create_sandbox_app(config), host=args.host, port=args.port, print=None)
