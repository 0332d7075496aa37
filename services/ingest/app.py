"""Ingest app factory: helpdesk webhooks in, ``support.interactions.v1`` out."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from services.ingest.settings import IngestSettings
from shared.http.health import install_health_routes
from shared.http.metrics import HttpMetricsMiddleware
from shared.http.problems import install_problem_handlers
from shared.runtime import Clients, open_clients, standard_checks

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def create_app(settings: IngestSettings | None = None) -> FastAPI:
    settings = settings or IngestSettings()
    clients: dict[str, Clients] = {}

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        clients["main"] = open_clients(settings, service="ingest", migrations=MIGRATIONS,
                                       version_table="alembic_version_ingest")
        try:
            yield
        finally:
            clients.pop("main").close()

    app = FastAPI(title="Rapport ingest", version="0.1.0", lifespan=lifespan)
    app.add_middleware(HttpMetricsMiddleware, prefix="rapport_ingest")
    install_problem_handlers(app)
    install_health_routes(app, lambda: standard_checks(settings, clients.get("main")))
    return app
