"""Scorer app factory: ``support.interactions.v1`` in, ``support.scores.v1`` out, live scoring.

The lifespan opens the database and producer, loads the model once, starts the one inference
thread, then the consumer; shutdown goes the other way, so the consumer's last batch still has a
model to run on.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from services.scorer import metrics
from services.scorer.consumer import build_consumer_loop
from services.scorer.inference_scheduler import BatchPolicy, InferenceScheduler
from services.scorer.live import install_api_routes
from services.scorer.retention import RETENTION_METRICS, scorer_sweeps
from services.scorer.scoring_model import BatchScorer, load_scorer, set_intra_op_threads
from services.scorer.service_state import ScorerState
from services.scorer.settings import ScorerSettings
from services.scorer.stream import StreamScorer
from shared.events.topics import INTERACTIONS
from shared.http.docs import create_service_app
from shared.http.health import install_health_routes
from shared.http.metrics import HttpMetricsMiddleware
from shared.http.problems import install_problem_handlers
from shared.kafka.consumer import ConsumerLoop
from shared.kafka.runner import BackgroundConsumer
from shared.retention import RetentionJob
from shared.runtime import Clients, open_clients

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

log = logging.getLogger(__name__)


def batch_policy(settings: ScorerSettings) -> BatchPolicy:
    return BatchPolicy(
        max_batch_size=settings.max_batch_size,
        max_batch_wait_s=settings.max_batch_wait_ms / 1000,
        stream_batch_size=settings.stream_batch_size,
        stream_batch_tokens=settings.stream_batch_tokens,
        threads=settings.torch_threads,
    )


def create_app(settings: ScorerSettings | None = None, *,
               scorer: BatchScorer | None = None) -> FastAPI:
    """``scorer``: an already loaded model (tests share one); otherwise loaded at start."""
    settings = settings or ScorerSettings()
    state = ScorerState()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # The services' one pattern (see services/ingest/app.py): closings registered as things
        # open, so a start that fails half-way closes what it had opened. Stopping blocks
        # (a batch in flight, the producer's flush), so it runs off the event loop.
        async with AsyncExitStack() as opened:
            state.clients = await asyncio.to_thread(
                open_clients, settings, service="scorer", migrations=MIGRATIONS,
                version_table="alembic_version_scorer",
            )
            opened.push_async_callback(asyncio.to_thread, _close_clients, state)
            retention = RetentionJob(service="scorer", engine=state.clients.engine,
                                     sweeps=scorer_sweeps(settings.retention),
                                     schedule=settings.retention, metrics=RETENTION_METRICS)
            retention.start()
            opened.push_async_callback(asyncio.to_thread, retention.stop)
            model = scorer if scorer is not None else await asyncio.to_thread(load_scorer,
                                                                             settings)
            metrics.set_model_info(version=model.model_version, dtype=model.dtype_name,
                                   device=model.device_name,
                                   compiled=model.compiled)
            state.scorer = model
            state.scheduler = InferenceScheduler(model, batch_policy(settings),
                                                 set_threads=set_intra_op_threads)
            state.scheduler.start()
            opened.push_async_callback(asyncio.to_thread, _stop_scheduler, state)
            if settings.consume:
                state.consumer = BackgroundConsumer(lambda: _consumer_loop(settings, state))
                state.consumer.report_lag(metrics.CONSUMER_LAG, group=settings.group_id,
                                          topic=settings.kafka.topic(INTERACTIONS))
                state.consumer.start()
                # Stopped first: its batch in flight needs the scheduler and the producer.
                opened.push_async_callback(asyncio.to_thread, _stop_consumer, state)
            yield

    app = create_service_app(title="Rapport scorer", version="0.1.0", lifespan=lifespan)
    app.add_middleware(HttpMetricsMiddleware, prefix="rapport_scorer")
    install_problem_handlers(app)
    install_health_routes(app, lambda: state.readiness_checks(settings), state.liveness_checks)
    install_api_routes(app, state, settings)
    return app


def _consumer_loop(settings: ScorerSettings, state: ScorerState) -> ConsumerLoop:
    clients, scheduler, scorer = _require(state)
    handler = StreamScorer(
        engine=clients.engine, producer=clients.producer, scheduler=scheduler,
        kafka=settings.kafka, model_version=scorer.model_version,
        max_history_turns=settings.max_history_turns,
    )
    return build_consumer_loop(settings, producer=clients.producer, handle_batch=handler)


def _require(state: ScorerState) -> tuple[Clients, InferenceScheduler, BatchScorer]:
    if state.clients is None or state.scheduler is None or state.scorer is None:
        raise RuntimeError("the consumer starts only after clients, model and scheduler")
    return state.clients, state.scheduler, state.scorer


def _stop_consumer(state: ScorerState) -> None:
    if state.consumer is not None:
        state.consumer.stop()
        state.consumer = None


def _stop_scheduler(state: ScorerState) -> None:
    if state.scheduler is not None:
        state.scheduler.stop()
        state.scheduler = None
    state.scorer = None


def _close_clients(state: ScorerState) -> None:
    if state.clients is not None:
        state.clients.close()
        state.clients = None
