"""Coach fixtures: a migrated database, a fixed clock, a scorer stand-in, a running coach."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from services.coach.app import MIGRATIONS, create_app
from services.coach.context import CoachContext
from services.coach.settings import CoachSettings
from services.coach.store.profile_store import apply_score_events
from services.coach.web.links import issue_token
from shared.db.engine import create_db_engine
from shared.db.migrations import apply_migrations
from shared.events.scores import ScoreEvent
from shared.settings import DatabaseSettings, KafkaSettings
from tests.coach.factories import FixedClock
from tests.coach.http_servers import scorer_stand_in, serve_in_thread

ADMIN_TOKEN = "admin-token-for-tests-0123456789"
LINK_SECRET = "link-secret-for-tests-0123456789"


@pytest.fixture
def coach_engine(database_url: str) -> Iterator[Engine]:
    engine = create_db_engine(database_url)
    apply_migrations(engine, MIGRATIONS, version_table="alembic_version_coach")
    yield engine
    engine.dispose()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock()


@dataclass
class Scorer:
    url: str
    received: list[dict[str, Any]]


@pytest.fixture
def scorer() -> Iterator[Scorer]:
    app, received = scorer_stand_in()
    with serve_in_thread(app) as url:
        yield Scorer(url, received)


@dataclass
class CoachHarness:
    client: TestClient
    app: FastAPI
    settings: CoachSettings
    clock: FixedClock

    @property
    def context(self) -> CoachContext:
        context = self.app.state.coach
        assert isinstance(context, CoachContext)
        return context

    @property
    def engine(self) -> Engine:
        return self.context.engine

    def token(self, agent_id: str, *, ttl: timedelta = timedelta(hours=1)) -> str:
        return issue_token(agent_id, LINK_SECRET, expires_at=self.clock() + ttl)

    def as_agent(self, agent_id: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(agent_id)}"}

    @property
    def as_admin(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {ADMIN_TOKEN}"}

    def seed_scores(self, events: list[ScoreEvent]) -> None:
        with self.engine.begin() as connection:
            apply_score_events(connection, events, half_life_s=30 * 86_400, now=self.clock())


def coach_settings(kafka_settings: KafkaSettings, database_url: str, **overrides: Any
                   ) -> CoachSettings:
    values: dict[str, Any] = {
        "environment": "test", "admin_token": ADMIN_TOKEN, "link_secret": LINK_SECRET,
        "scorer_token": "scorer-token-0123456789",
        "kafka": kafka_settings, "database": DatabaseSettings(url=database_url),
        "consumer_group": f"coach-{kafka_settings.topic_prefix}"}
    values.update(overrides)
    return CoachSettings(**values)


@pytest.fixture
def coach(kafka_settings: KafkaSettings, database_url: str, clock: FixedClock,
          scorer: Scorer) -> Iterator[CoachHarness]:
    settings = coach_settings(kafka_settings, database_url, scorer_url=scorer.url)
    app = create_app(settings, clock=clock)
    with TestClient(app) as client:
        yield CoachHarness(client, app, settings, clock)
