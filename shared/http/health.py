"""``/healthz`` (the process works), ``/readyz`` (its dependencies answer), ``/metrics``.

``/healthz`` is what an orchestrator restarts a process on: it fails only when something inside
the process has stopped for good (a service's worker thread), never for a dependency that may
come back (that is ``/readyz``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, generate_latest
from starlette.requests import Request
from starlette.responses import Response

from shared.http.metrics import record_readiness

ReadinessCheck = Callable[[], bool]


def install_health_routes(
    app: FastAPI,
    checks: Callable[[], Mapping[str, ReadinessCheck]],
    liveness: Callable[[], Mapping[str, ReadinessCheck]] | None = None,
) -> None:
    """``checks`` and ``liveness`` are called per request so they can read what the lifespan
    created; liveness checks must be cheap (no I/O): they run on the event loop."""
    router = APIRouter(tags=["ops"])

    @router.get("/healthz", responses=_failing("something inside the process stopped for good"))
    async def healthz() -> JSONResponse:
        failing = [name for name, check in (liveness() if liveness else {}).items()
                   if not check()]
        if failing:
            return JSONResponse({"status": "failing", "failing": failing}, status_code=503)
        return JSONResponse({"status": "ok"})

    @router.get("/readyz", responses=_failing("a dependency does not answer"))
    async def readyz() -> JSONResponse:
        results = {}
        for name, check in checks().items():
            # Checks do blocking I/O (broker metadata, SELECT 1); keep them off the event loop.
            results[name] = "ok" if await asyncio.to_thread(check) else "failing"
        record_readiness({name: value == "ok" for name, value in results.items()})
        ready = all(value == "ok" for value in results.values())
        return JSONResponse(
            {"status": "ready" if ready else "not ready", "checks": results},
            status_code=200 if ready else 503,
        )

    app.include_router(router)
    # A route, not a mounted app: a mount answers "/metrics" with a redirect to "/metrics",
    # and the URL people paste (and scrapers configured without the slash) must answer 200.
    app.add_route("/metrics", _metrics, methods=["GET"], include_in_schema=False)


def _failing(description: str) -> dict[int | str, dict[str, Any]]:
    return {503: {"description": description,
                  "content": {"application/json": {"schema": {"type": "object"}}}}}


async def _metrics(_request: Request) -> Response:
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
