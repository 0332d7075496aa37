"""Ingest app factory: helpdesk webhooks in, ``support.interactions.v1`` out."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
from fastapi import FastAPI

from services.ingest.deliveries import DeliveryLedger
from services.ingest.hubspot_api import HubSpotMessages
from services.ingest.ledger_writer import LedgerWriter
from services.ingest.pipeline import IngestPipeline
from services.ingest.providers import build_providers
from services.ingest.pseudonyms import Pseudonyms
from services.ingest.publisher import EventPublisher
from services.ingest.redaction import RedactionPolicy
from services.ingest.retention import RETENTION_METRICS, ingest_sweeps
from services.ingest.settings import IngestSettings
from services.ingest.webhook_openapi import document_webhook_route
from services.ingest.webhooks import install_webhook_routes
from shared.events import INTERACTIONS
from shared.http.docs import create_service_app
from shared.http.health import install_health_routes
from shared.http.metrics import HttpMetricsMiddleware
from shared.http.problems import install_problem_handlers
from shared.retention import RetentionJob
from shared.runtime import Clients, open_clients, standard_checks

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


@dataclass
class OpenPipeline:
    """The publish path shared by the webhook route and the backfill CLI, and what it holds."""

    pipeline: IngestPipeline
    ledger: LedgerWriter
    http: httpx.AsyncClient

    async def aclose(self) -> None:
        await self.ledger.flush()  # marks queued by the last requests
        self.ledger.close()
        await self.http.aclose()


def open_pipeline(settings: IngestSettings, clients: Clients) -> OpenPipeline:
    publisher = EventPublisher(clients.producer, settings.kafka.topic(INTERACTIONS),
                               timeout_s=settings.publish_timeout_s)
    # A broker may take as long as one Kafka request may (30 s by default) to list a topic
    # created a moment ago, under load; far longer than a sender may wait for a publish.
    publisher.warm_up(within_s=settings.kafka.request_timeout_ms / 1000)
    ledger = LedgerWriter(DeliveryLedger(clients.engine, claim_ttl_s=settings.claim_ttl_s))
    http = httpx.AsyncClient()  # HubSpot's API, for the message text its events leave out
    pipeline = IngestPipeline(
        ledger=ledger,
        publisher=publisher,
        policy=RedactionPolicy.from_settings(settings.redaction,
                                             settings.pseudonym_key.get_secret_value()),
        resolvers={"hubspot": HubSpotMessages(http, settings.hubspot).resolve},
    )
    return OpenPipeline(pipeline, ledger, http)


def open_ingest_clients(settings: IngestSettings) -> Clients:
    # The producer may block a send for at most the publish timeout (metadata, full buffer),
    # so a sender gets its 503 in seconds rather than after the 10 s shared default.
    kafka = settings.kafka.model_copy(update={"produce_timeout_s": settings.publish_timeout_s})
    return open_clients(settings.model_copy(update={"kafka": kafka}), service="ingest",
                        migrations=MIGRATIONS, version_table="alembic_version_ingest")


def create_app(settings: IngestSettings | None = None) -> FastAPI:
    settings = settings or IngestSettings()
    runtime: dict[str, tuple[Clients, OpenPipeline]] = {}

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # The services' one pattern: each thing opened registers its closing at once, so a
        # start that fails half-way closes what it had opened, in reverse order.
        async with AsyncExitStack() as opened:
            clients = open_ingest_clients(settings)
            opened.callback(clients.close)
            retention = RetentionJob(service="ingest", engine=clients.engine,
                                     sweeps=ingest_sweeps(settings.retention),
                                     schedule=settings.retention, metrics=RETENTION_METRICS)
            retention.start()
            opened.callback(retention.stop)
            pipeline_parts = open_pipeline(settings, clients)
            opened.push_async_callback(pipeline_parts.aclose)
            runtime["main"] = (clients, pipeline_parts)
            opened.callback(runtime.clear)
            yield

    def pipeline() -> IngestPipeline:
        return runtime["main"][1].pipeline

    app = create_service_app(title="Rapport ingest", version="0.1.0", lifespan=lifespan)
    install_problem_handlers(app)
    install_health_routes(app, lambda: standard_checks(
        settings, runtime["main"][0] if "main" in runtime else None))
    providers = build_providers(
        salesforce_org_ids=settings.salesforce_org_ids,
        pseudonyms=Pseudonyms.from_secret(settings.pseudonym_key.get_secret_value()))
    install_webhook_routes(app, settings=settings, providers=providers, pipeline=pipeline)
    document_webhook_route(app, list(providers))
    # Added last, so outermost of the user middleware: it also times the webhook fast path.
    app.add_middleware(HttpMetricsMiddleware, prefix="rapport_ingest")
    return app
