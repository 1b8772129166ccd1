"""Liveness and readiness for orchestrators: ``/healthz`` (the process answers) and
``/readyz`` (started, and not shutting down)."""

from aiohttp import web

READY = web.AppKey("ready", dict[str, bool])


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"status": "ok"})


async def readyz(request: web.Request) -> web.Response:
    if request.app[READY].get("ready"):
        return web.json_response({"status": "ready"})
    return web.json_response({"status": "not ready"}, status=503)


def add_health_routes(app: web.Application) -> None:
    app[READY] = {"ready": False}
    app.router.add_get("/healthz", healthz)
    app.router.add_get("/readyz", readyz)
