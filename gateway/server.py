"""Running the gateway: one process, or N worker processes sharing the port.

Shutdown is graceful: on SIGTERM (or SIGINT) the process first reports unready
(``/readyz`` 503) for ``GATEWAY_SHUTDOWN_GRACE`` seconds while still serving, so a load
balancer stops sending; then it stops accepting connections, closes subscriptions with a
proper close frame, lets in-flight requests finish (``GATEWAY_SHUTDOWN_TIMEOUT``), closes the
Yuno client and the cache, and exits 0.

A request too malformed to reach the app (a header past 8 KB) gets a short JSON error that
does not quote it (``web.protocol``).
"""

import asyncio
import logging
import multiprocessing
import os
import signal
import socket
from collections.abc import Callable, Sequence

from aiohttp import web

from gateway import logs
from gateway.app import create_app, mark_unready
from gateway.settings import Settings
from gateway.web.protocol import answer_unparsable_requests

log = logging.getLogger("gateway")


async def serve(
    settings: Settings,
    host: str,
    port: int,
    *,
    reuse_port: bool = False,
    on_started: Callable[[web.Application], None] | None = None,
) -> None:
    app = create_app(settings)
    runner = web.AppRunner(
        app, access_log=None, handle_signals=False, shutdown_timeout=settings.shutdown_timeout
    )
    await runner.setup()
    answer_unparsable_requests(runner)
    site = web.TCPSite(runner, host, port, reuse_port=reuse_port)
    await site.start()
    if on_started is not None:
        on_started(app)
    log.info("gateway serving http://%s:%s/graphql (pid %s)", host, port, os.getpid())
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    log.info("shutting down: unready for %.1f s, then draining", settings.shutdown_grace)
    mark_unready(app)
    await asyncio.sleep(settings.shutdown_grace)
    await runner.cleanup()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.remove_signal_handler(signum)
        signal.signal(signum, signal.SIG_IGN)  # a late second signal must not break the exit
    log.info("gateway stopped")


def run(
    settings: Settings,
    host: str,
    port: int,
    workers: int = 1,
    on_started: Callable[[web.Application], None] | None = None,
) -> None:
    if workers <= 1:
        asyncio.run(serve(settings, host, port, on_started=on_started))
        return
    _check_port_free(host, port)
    if not settings.cache_url.startswith(("redis://", "rediss://")):
        log.warning(
            "%d workers with an in-process cache: each worker has its own cache, event bus "
            "and rate limits, so webhooks, invalidations and customer-session ownership do "
            "not cross workers, and the response cache is off (a worker could serve what "
            "another changed); set GATEWAY_CACHE_URL=redis://... for more than one worker",
            workers,
        )
        settings = settings.model_copy(update={"response_cache": False})
    context = multiprocessing.get_context("spawn")
    processes = [
        context.Process(target=_worker, args=(settings, host, port), daemon=False)
        for _ in range(workers)
    ]
    for process in processes:
        process.start()
    signal.signal(signal.SIGTERM, lambda *_: _stop_all(processes))
    signal.signal(signal.SIGINT, lambda *_: _stop_all(processes))
    for process in processes:
        process.join()


def _worker(settings: Settings, host: str, port: int) -> None:
    logs.configure(settings.log_level, settings.log_format)
    asyncio.run(serve(settings, host, port, reuse_port=True))


def _stop_all(processes: Sequence[multiprocessing.process.BaseProcess]) -> None:
    for process in processes:
        if process.pid is not None and process.is_alive():
            os.kill(process.pid, signal.SIGTERM)


def _check_port_free(host: str, port: int) -> None:
    """Fail here, once, rather than in each worker, when something else holds the port."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))
