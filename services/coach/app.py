"""Coach app factory: ``support.scores.v1`` in, skill profiles, weekly drills, practice page out.

The lifespan opens every client (database, producer, scorer, announcer), loads the scenario
library, starts the score consumer in a background thread and closes all of it on shutdown.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path

from fastapi import FastAPI

from services.coach.clients.announcer import create_announcer
from services.coach.clients.scorer_client import ScorerClient
from services.coach.context import CoachContext
from services.coach.domain.policy import AssignmentPolicy
from services.coach.domain.scenario_library import ScenarioLibrary, load_library
from services.coach.domain.timeutil import Clock, utc_now
from services.coach.metrics import CONSUMER_LAG
from services.coach.settings import CoachSettings
from services.coach.store.retention import RETENTION_METRICS, coach_sweeps
from services.coach.streams.interactions_consumer import (
    interactions_group,
    make_interactions_loop,
)
from services.coach.streams.score_consumer import ScoreBatchHandler, make_score_loop
from services.coach.web.routes import ROUTERS
from services.coach.workflows.assignment_service import AssignmentService
from services.coach.workflows.calibration_metrics import publish_calibration_metrics
from shared.events.topics import ASSIGNMENTS, INTERACTIONS, SCORES
from shared.http.docs import create_service_app
from shared.http.health import install_health_routes
from shared.http.metrics import HttpMetricsMiddleware
from shared.http.problems import install_problem_handlers
from shared.kafka.runner import BackgroundConsumer
from shared.retention import RetentionJob
from shared.runtime import Clients, open_clients, standard_checks

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def create_app(settings: CoachSettings | None = None, *, clock: Clock = utc_now,
               library: ScenarioLibrary | None = None) -> FastAPI:
    settings = settings or CoachSettings()
    settings.require_serving_secrets()
    running: dict[str, object] = {}

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # The services' one pattern (see services/ingest/app.py): closings registered as things
        # open, so a start that fails half-way closes what it had opened, in reverse order.
        async with AsyncExitStack() as opened:
            # A broken scenario library fails the start before anything is opened.
            scenarios = library or load_library(settings.scenarios_dir)
            clients = open_clients(settings, service="coach", migrations=MIGRATIONS,
                                   version_table="alembic_version_coach")
            opened.callback(clients.close)
            retention = RetentionJob(service="coach", engine=clients.engine,
                                     sweeps=coach_sweeps(settings.retention),
                                     schedule=settings.retention, metrics=RETENTION_METRICS,
                                     clock=clock)
            retention.start()
            opened.callback(retention.stop)
            announcer = create_announcer(settings.announce_webhook_url,
                                         timeout_s=settings.announce_timeout_s)
            opened.callback(announcer.close)
            opened.callback(announcer.drain, timeout_s=settings.announce_timeout_s)
            scorer_token = (settings.scorer_token.get_secret_value() if settings.scorer_token
                            else None)
            scorer = ScorerClient(settings.scorer_url, timeout_s=settings.scorer_timeout_s,
                                  token=scorer_token)
            opened.callback(scorer.close)
            service = AssignmentService(
                engine=clients.engine, producer=clients.producer,
                topic=settings.kafka.topic(ASSIGNMENTS), library=scenarios,
                profile_settings=settings.profile,
                policy=AssignmentPolicy.from_settings(settings.policy,
                                                      min_evidence=settings.profile.min_evidence),
                announcer=announcer, clock=clock,
                produce_timeout_s=settings.kafka.produce_timeout_s)
            handler = ScoreBatchHandler(engine=clients.engine,
                                        half_life_s=settings.profile.half_life_days * 86_400,
                                        clock=clock, after_batch=service.assign_unassigned)
            consumer = BackgroundConsumer(
                lambda: make_score_loop(settings, producer=clients.producer, handler=handler))
            consumer.report_lag(CONSUMER_LAG, group=settings.consumer_group,
                                topic=settings.kafka.topic(SCORES))
            app.state.coach = CoachContext(settings=settings, engine=clients.engine,
                                           library=scenarios, assignments=service,
                                           scorer=scorer, clock=clock)
            app.state.score_handler = handler
            opened.callback(setattr, app.state, "coach", None)
            running.update(clients=clients, consumer=consumer)
            opened.callback(running.clear)
            consumer.start()
            opened.callback(consumer.stop)
            # Conversations' texts, praise and outcomes (streams/interactions_consumer.py).
            interactions = BackgroundConsumer(lambda: make_interactions_loop(
                settings, producer=clients.producer, engine=clients.engine))
            interactions.report_lag(CONSUMER_LAG, group=interactions_group(settings),
                                    topic=settings.kafka.topic(INTERACTIONS))
            running["interactions"] = interactions
            interactions.start()
            opened.callback(interactions.stop)
            with clients.engine.connect() as connection:  # the gauges from the stored circles
                publish_calibration_metrics(connection, clock())
            yield

    app = create_service_app(title="Rapport coach", version="0.1.0", lifespan=lifespan,
                             description="Skill profiles from live scores, weekly drills aimed "
                                         "at each agent's weakest rubric dimension, and a "
                                         "practice page.")
    app.add_middleware(HttpMetricsMiddleware, prefix="rapport_coach")
    install_problem_handlers(app)
    install_health_routes(app, lambda: _checks(settings, running))
    for router in ROUTERS:
        app.include_router(router)
    return app


def _checks(settings: CoachSettings,
            running: Mapping[str, object]) -> Mapping[str, Callable[[], bool]]:
    clients = running.get("clients")
    checks = dict(standard_checks(settings, clients if isinstance(clients, Clients) else None))
    # The scores' consumer and the interactions' one: a loop that keeps crashing is not ready.
    for name in ("consumer", "interactions"):
        consumer = running.get(name)
        if isinstance(consumer, BackgroundConsumer):
            checks[name] = _health_of(consumer)
    return checks


def _health_of(consumer: BackgroundConsumer) -> Callable[[], bool]:
    return lambda: consumer.healthy
