"""The coach's API against its OpenAPI document: no 5xx, every answer as documented.

The database holds two profiled agents with this week's drills; generated requests mostly use
ids that exist, so the checks reach the routes' real work (profiles, drills, live-scored
attempts against a scorer stand-in, completion), each sent as the admin and as an agent.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import strategies as st
from schemathesis import Case, HookContext
from schemathesis.core.parameters import ParameterLocation

from services.coach.app import MIGRATIONS, create_app
from services.coach.store.profile_store import apply_score_events
from services.coach.web.links import issue_token
from shared.db.engine import create_db_engine
from shared.db.migrations import apply_migrations
from shared.settings import KafkaSettings
from tests.coach.conftest import ADMIN_TOKEN, LINK_SECRET, coach_settings
from tests.coach.factories import NOW, FixedClock, score_event, uniform_scores
from tests.coach.http_servers import scorer_stand_in, serve_in_thread
from tests.contract.support import (
    CHECKS,
    end_lifespans,
    load_schema,
    module_kafka,
    negative_at,
)

pytestmark = pytest.mark.kafka

A = "zendesk:10000001:902000000001"
B = "zendesk:10000001:902000000002"


def build(kafka: KafkaSettings, database_url: str, scorer_url: str) -> FastAPI:
    return create_app(coach_settings(kafka, database_url, scorer_url=scorer_url),
                      clock=FixedClock())


schema, under_test = load_schema(build(KafkaSettings(), "sqlite://", "http://127.0.0.1:1"))


def agent_token(agent_id: str) -> str:
    return issue_token(agent_id, LINK_SECRET, expires_at=NOW + timedelta(days=1))


ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
# Every request is sent as the admin and as agent A (whose token reads A's data only).
CALLERS = [ADMIN, {"Authorization": f"Bearer {agent_token(A)}"}]
# Path parameter -> values that exist in the seeded database (filled by the fixture).
KNOWN: dict[str, list[str]] = {}


@pytest.fixture(scope="module")
def coach_api(kafka_bootstrap: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    database_url = f"sqlite:///{tmp_path_factory.mktemp('coach') / 'coach.db'}"
    seed_profiles(database_url)
    with serve_in_thread(scorer_stand_in()[0]) as scorer_url:
        app = build(module_kafka(kafka_bootstrap), database_url, scorer_url)
        with TestClient(app) as client:
            assert client.post("/v1/admin/assign", headers=ADMIN).status_code == 200
            drills = [drill["assignment_id"] for agent_id in (A, B) for drill in
                      client.get(f"/v1/agents/{agent_id}/assignments",
                                 headers=ADMIN).json()["assignments"]]
            scenarios = client.get("/v1/scenarios", headers=ADMIN).json()
        KNOWN.update(agent_id=[A, B], assignment_id=drills,
                     scenario_id=[scenario["id"] for scenario in scenarios[:20]])
        assert all(KNOWN.values())
        under_test.app = app
        yield
        end_lifespans()
        under_test.app = None
        KNOWN.clear()


def seed_profiles(database_url: str) -> None:
    engine = create_db_engine(database_url)
    apply_migrations(engine, MIGRATIONS, version_table="alembic_version_coach")
    events = ([score_event(A, i, uniform_scores(0.75, acknowledgment=0.15)) for i in range(12)]
              + [score_event(B, i, uniform_scores(0.6)) for i in range(12)])
    with engine.begin() as connection:
        apply_score_events(connection, events, half_life_s=30 * 86_400, now=NOW)
    engine.dispose()


@schema.hook
def flatmap_case(_context: HookContext, case: Case) -> st.SearchStrategy[Case]:
    """Generated ids almost never exist: mostly use ones that do (and a turn the drill may
    have), so the checks reach the routes' real work and not only their 404s."""
    choices: dict[str, st.SearchStrategy[Any]] = {}
    if not negative_at(case, ParameterLocation.PATH):
        for name, value in case.path_parameters.items():
            if KNOWN.get(name):
                choices[name] = st.sampled_from([value, *KNOWN[name]])
    if isinstance(case.body, dict) and "turn" in case.body \
            and not negative_at(case, ParameterLocation.BODY):
        choices["turn"] = st.sampled_from([case.body["turn"], 0, 1, 2])
    return st.fixed_dictionaries(choices).map(lambda chosen: _with(case, chosen))


def _with(case: Case, chosen: dict[str, Any]) -> Case:
    for name, value in chosen.items():
        if name == "turn":
            case.body["turn"] = value
        else:
            case.path_parameters[name] = value
    return case


@schema.parametrize()
@pytest.mark.usefixtures("coach_api")
def test_every_coach_operation_answers_as_documented(case: Case) -> None:
    for credentials in CALLERS:
        case.call_and_validate(headers=credentials, checks=CHECKS)
