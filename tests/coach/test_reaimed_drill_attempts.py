"""A drill re-aimed while the agent has it open: their reply is never scored against the new script.

Review found that an agent who opened a drill and had not replied yet could have it re-aimed
(``AssignmentService.reaim``), and their first reply was then scored against the new scenario.
The page now sends the ``scenario_id`` it loaded and gets a 409 when it no longer matches; and the
write itself is conditional on the scenario the reply was scored against, so a re-aim landing
while the reply is being scored cannot slip in either. Everything here runs the real re-aim path
on evidence that clearly moved, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import anyio
import pytest
from fastapi import Request, Response
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event

from services.coach.app import create_app
from services.coach.store import assignment_store
from services.coach.store.attempt_store import attempts_for
from services.coach.workflows.practice import REAIMED
from shared.settings import KafkaSettings
from tests.coach.conftest import CoachHarness, coach_settings
from tests.coach.factories import FixedClock, score_event, uniform_scores
from tests.coach.http_servers import scorer_stand_in, serve_in_thread

pytestmark = pytest.mark.kafka

TEAM = "zendesk:10000001"
A = f"{TEAM}:902000000001"
PEER = f"{TEAM}:902000000099"
WEEK = "2026-W48"  # the fixed clock's week
WAIT_S = 30  # a bound on each hand-over between threads, never a pause


def plan_then_move(coach: CoachHarness, agents: list[str]) -> None:
    """Plan the week on acknowledgment, then give evidence that tone is now clearly lowest."""
    coach.seed_scores([score_event(agent, i, uniform_scores(0.75, acknowledgment=0.15))
                       for agent in agents for i in range(12)]
                      + [score_event(PEER, i, uniform_scores(0.6)) for i in range(12)])
    assert coach.client.post("/v1/admin/assign", headers=coach.as_admin).status_code == 200
    coach.seed_scores([score_event(agent, 100 + i, uniform_scores(0.8, acknowledgment=0.9,
                                                                   tone=0.1))
                       for agent in agents for i in range(40)])


def open_drills(coach: CoachHarness, agent: str) -> list[dict[str, Any]]:
    """The agent's drills as the practice page loads them (GET /v1/assignments/{id})."""
    listed = coach.client.get(f"/v1/agents/{agent}/assignments", headers=coach.as_agent(agent))
    drills = [coach.client.get(f"/v1/assignments/{item['assignment_id']}",
                               headers=coach.as_agent(agent)).json()
              for item in listed.json()["assignments"]]
    assert len(drills) >= 2
    assert {d["target_dimension"] for d in drills} == {"acknowledgment"}
    assert {d["status"] for d in drills} == {"assigned"}
    return drills


def reaim(coach: CoachHarness, agent: str) -> tuple[str, ...]:
    _, moved = coach.context.assignments.reaim([agent], WEEK)
    return moved


def post_reply(client: TestClient, coach: CoachHarness, drill: dict[str, Any],
               **extra: Any) -> Any:
    return client.post(f"/v1/assignments/{drill['assignment_id']}/attempts",
                       headers=coach.as_agent(drill["agent_id"]),
                       json={"turn": 0, "reply": "I hear you. I'll sort it by 5pm.", **extra})


def stored(engine: Engine, assignment_id: str) -> tuple[assignment_store.AssignmentRecord, int]:
    with engine.connect() as connection:
        record = assignment_store.get_assignment(connection, assignment_id)
        attempts = attempts_for(connection, assignment_id)
    assert record is not None
    return record, len(attempts)


def test_a_reply_to_the_scenario_replaced_by_a_reaim_is_refused(coach: CoachHarness) -> None:
    plan_then_move(coach, [A])
    first, second, *_ = open_drills(coach, A)
    moved = reaim(coach, A)
    assert {first["assignment_id"], second["assignment_id"]} <= set(moved)

    stale = post_reply(coach.client, coach, first, scenario_id=first["scenario_id"])
    assert stale.status_code == 409
    assert stale.headers["content-type"] == "application/problem+json"
    assert stale.json()["detail"] == REAIMED
    record, attempts = stored(coach.engine, first["assignment_id"])
    assert (record.status, attempts, record.started_at) == ("assigned", 0, None)
    assert record.scenario_id != first["scenario_id"]
    assert record.target_dimension == "tone"

    # The reload shows the new scenario, and its reason says why the drill moved.
    reloaded = coach.client.get(f"/v1/assignments/{first['assignment_id']}",
                                headers=coach.as_agent(A)).json()
    assert reloaded["scenario_id"] == record.scenario_id
    assert reloaded["attempts"] == []
    assert reloaded["reason"]["explanation"].startswith(
        "Your recent replies show tone is now clearly your lowest skill")
    fresh = post_reply(coach.client, coach, reloaded, scenario_id=reloaded["scenario_id"])
    assert fresh.status_code == 201
    record, attempts = stored(coach.engine, first["assignment_id"])
    assert (record.status, attempts) == ("in_progress", 1)
    assert fresh.json()["target_dimension"] == "tone"

    # A client from before re-aiming sends no scenario_id: it keeps working on the current one.
    older = post_reply(coach.client, coach, second)
    assert older.status_code == 201
    assert older.json()["target_dimension"] == "tone"
    assert stored(coach.engine, second["assignment_id"])[0].status == "in_progress"


def test_openapi_documents_the_scenario_id_of_an_attempt(coach: CoachHarness) -> None:
    schema = coach.client.get("/openapi.json").json()["components"]["schemas"]["AttemptIn"]
    assert "scenario_id" not in schema["required"]
    assert "re-aimed" in schema["properties"]["scenario_id"]["description"]
    assert "409" in schema["properties"]["scenario_id"]["description"]


@contextmanager
def gated_coach(kafka_settings: KafkaSettings, database_url: str, clock: FixedClock,
                scoring: threading.Event, release: threading.Event) -> Iterator[CoachHarness]:
    """A coach whose scorer says when a reply reaches it, and answers once released."""
    scorer, _ = scorer_stand_in()

    @scorer.middleware("http")
    async def hold(request: Request, call_next: Any) -> Response:
        scoring.set()
        assert await anyio.to_thread.run_sync(release.wait, WAIT_S)
        response: Response = await call_next(request)
        return response

    with serve_in_thread(scorer) as url:
        settings = coach_settings(kafka_settings, database_url, scorer_url=url)
        app = create_app(settings, clock=clock)
        with TestClient(app) as client:
            yield CoachHarness(client, app, settings, clock)


def test_a_reaim_landing_while_the_reply_is_scored_refuses_the_reply(
        kafka_settings: KafkaSettings, database_url: str, clock: FixedClock) -> None:
    scoring, release = threading.Event(), threading.Event()
    with gated_coach(kafka_settings, database_url, clock, scoring, release) as coach:
        plan_then_move(coach, [A])
        drill = open_drills(coach, A)[0]
        responses: list[Any] = []
        replying = threading.Thread(target=lambda: responses.append(
            post_reply(coach.client, coach, drill, scenario_id=drill["scenario_id"])))
        replying.start()
        try:
            # The page's scenario_id still matches: the reply is being scored on the old script.
            assert scoring.wait(WAIT_S)
            assert drill["assignment_id"] in reaim(coach, A)
        finally:
            release.set()
            replying.join(WAIT_S)
        [response] = responses
        assert response.status_code == 409
        assert response.json()["detail"] == REAIMED
        record, attempts = stored(coach.engine, drill["assignment_id"])
        assert (record.status, attempts) == ("assigned", 0)
        assert record.scenario_id != drill["scenario_id"]


def test_a_reaim_deciding_while_the_first_reply_is_written_leaves_the_drill(
        coach: CoachHarness) -> None:
    """The reply's transaction has claimed the row but not committed; the re-aim read the drill
    as not started and decides to move it. Its update must find the drill started and skip it."""
    plan_then_move(coach, [A])
    drill = open_drills(coach, A)[0]
    claimed, reaim_writes, go = threading.Event(), threading.Event(), threading.Event()

    def after(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        claiming = statement.startswith("UPDATE coach_assignments SET status=CASE")
        if claiming and not claimed.is_set():
            claimed.set()  # the attempt holds the row, uncommitted
            assert go.wait(WAIT_S)

    def before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.startswith("UPDATE coach_assignments SET scenario_id="):
            reaim_writes.set()

    event.listen(coach.engine, "after_cursor_execute", after)
    event.listen(coach.engine, "before_cursor_execute", before)
    responses: list[Any] = []
    moved: list[tuple[str, ...]] = []
    replying = threading.Thread(target=lambda: responses.append(
        post_reply(coach.client, coach, drill, scenario_id=drill["scenario_id"])))
    reaiming = threading.Thread(target=lambda: moved.append(reaim(coach, A)))
    try:
        replying.start()
        assert claimed.wait(WAIT_S)
        reaiming.start()
        assert reaim_writes.wait(WAIT_S)  # decided on "assigned"; its UPDATE is on its way
    finally:
        go.set()
        replying.join(WAIT_S)
        reaiming.join(WAIT_S)
        event.remove(coach.engine, "after_cursor_execute", after)
        event.remove(coach.engine, "before_cursor_execute", before)
    [response], [reaimed] = responses, moved
    assert response.status_code == 201
    assert drill["assignment_id"] not in reaimed
    assert reaimed  # the drills not started did move: the re-aim itself ran
    record, attempts = stored(coach.engine, drill["assignment_id"])
    assert (record.status, record.scenario_id, attempts) == (
        "in_progress", drill["scenario_id"], 1)


def test_reaim_and_a_first_reply_racing_always_agree(coach: CoachHarness) -> None:
    """Free races on PostgreSQL (two threads, two connections, started by a barrier): whoever
    wins, the reply is on the old scenario and the drill stayed, or 409 and it moved."""
    if coach.engine.dialect.name != "postgresql":
        pytest.skip("the free race is about PostgreSQL's row locks; SQLite has one writer")
    agents = [f"{TEAM}:9020000001{index:02d}" for index in range(8)]
    plan_then_move(coach, agents)
    outcomes = []
    for agent in agents:
        drill = open_drills(coach, agent)[0]
        start = threading.Barrier(2, timeout=WAIT_S)
        responses: list[Any] = []
        moved: list[tuple[str, ...]] = []

        def reply(drill: dict[str, Any] = drill, start: threading.Barrier = start,
                  responses: list[Any] = responses) -> None:
            start.wait()
            responses.append(post_reply(coach.client, coach, drill,
                                        scenario_id=drill["scenario_id"]))

        def move(agent: str = agent, start: threading.Barrier = start,
                 moved: list[tuple[str, ...]] = moved) -> None:
            start.wait()
            moved.append(reaim(coach, agent))

        threads = [threading.Thread(target=reply), threading.Thread(target=move)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(WAIT_S)
        [response], [reaimed] = responses, moved
        record, attempts = stored(coach.engine, drill["assignment_id"])
        if response.status_code == 201:
            assert drill["assignment_id"] not in reaimed, agent
            assert (record.status, record.scenario_id, attempts) == (
                "in_progress", drill["scenario_id"], 1), agent
        else:
            assert (response.status_code, response.json()["detail"]) == (409, REAIMED), agent
            assert drill["assignment_id"] in reaimed, agent
            assert (record.status, attempts) == ("assigned", 0), agent
            assert record.scenario_id != drill["scenario_id"], agent
        outcomes.append(response.status_code)
    assert set(outcomes) <= {201, 409}
