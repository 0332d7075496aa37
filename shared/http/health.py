"""``/healthz`` (the process answers), ``/readyz`` (its dependencies answer), ``/metrics``."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping

from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse
from prometheus_client import make_asgi_app

ReadinessCheck = Callable[[], bool]


def install_health_routes(app: FastAPI, checks: Callable[[], Mapping[str, ReadinessCheck]]) -> None:
    """``checks`` is called per request so it can read clients the lifespan created."""
    router = APIRouter(tags=["ops"])

    @router.get("/healthz")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @router.get("/readyz")
    async def readyz() -> JSONResponse:
        results = {}
        for name, check in checks().items():
            # Checks do blocking I/O (broker metadata, SELECT 1); keep them off the event loop.
            results[name] = "ok" if await asyncio.to_thread(check) else "failing"
        ready = all(value == "ok" for value in results.values())
        return JSONResponse(
            {"status": "ready" if ready else "not ready", "checks": results},
            status_code=200 if ready else 503,
        )

    app.include_router(router)
    app.mount("/metrics", make_asgi_app())
