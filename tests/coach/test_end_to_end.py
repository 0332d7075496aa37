"""Scores through the real broker -> coach consumer -> profiles -> drills on coach.assignments.v1.

Agents are built from the shared example payloads: one team where agent WEAK is clearly weak in
acknowledgment and two peers are steady, plus an agent of another account. The webhook that
announces new drills is a real HTTP server.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient

from services.coach.app import create_app
from services.coach.store.tables import assignments
from services.coach.streams.score_consumer import ScoreBatchHandler
from shared.events import ASSIGNMENTS, SCORES, AssignmentEvent
from shared.events.codec import decode_as
from shared.events.interactions import Channel
from shared.events.scores import ScoreEvent
from shared.settings import KafkaSettings
from tests.coach.conftest import CoachHarness, Scorer, coach_settings
from tests.coach.factories import FixedClock, example_score_events, score_event, uniform_scores
from tests.coach.http_servers import serve_in_thread
from tests.coach.kafka_helpers import produce, read_until
from tests.coach.privacy import assert_names_nobody_and_no_skill

pytestmark = [pytest.mark.kafka, pytest.mark.slow]

WEAK = "intercom:ecahpwf5:814220"
PEERS = ("intercom:ecahpwf5:814221", "intercom:ecahpwf5:814222")
ELSEWHERE = "zendesk:10000001:902000000001"


def team_events(clock: FixedClock) -> list[ScoreEvent]:
    chat_example, = (e for e in example_score_events() if e.channel == Channel.CHAT)
    email_example, = (e for e in example_score_events() if e.channel == Channel.EMAIL)
    events = []
    for i in range(14):
        at = clock() - timedelta(days=i)
        events.append(score_event(WEAK, i, uniform_scores(0.72, acknowledgment=0.12 + i / 200,
                                                          boundaries=None),
                                  at=at, template=chat_example))
        for peer in PEERS:
            events.append(score_event(peer, i, uniform_scores(0.6 + (i % 3) / 20), at=at,
                                      template=chat_example))
        events.append(score_event(ELSEWHERE, i, uniform_scores(0.8, tone=0.3), at=at,
                                  channel=Channel.EMAIL, template=email_example))
    return events


def announcement_sink() -> tuple[FastAPI, list[dict[str, Any]]]:
    app, received = FastAPI(), []

    @app.post("/hook")
    async def hook(request: Request) -> dict[str, bool]:
        received.append(await request.json())
        return {"ok": True}

    return app, received


def test_a_clearly_weak_dimension_becomes_that_agents_drills(
        kafka_settings: KafkaSettings, database_url: str, clock: FixedClock,
        scorer: Scorer) -> None:
    events = team_events(clock)
    produce(kafka_settings, kafka_settings.topic(SCORES), events)
    sink, announced = announcement_sink()
    with serve_in_thread(sink) as sink_url:
        settings = coach_settings(kafka_settings, database_url, scorer_url=scorer.url,
                                  announce_webhook_url=f"{sink_url}/hook")
        app = create_app(settings, clock=clock)
        with TestClient(app) as client:
            coach = CoachHarness(client, app, settings, clock)
            handler = app.state.score_handler
            assert isinstance(handler, ScoreBatchHandler)
            assert handler.wait_for(len(events), timeout_s=90)
            assert coach.context.assignments.publish_pending() == 0  # all sent by the consumer
            profile = client.get(f"/v1/agents/{WEAK}/profile", headers=coach.as_agent(WEAK))
            drills = client.get(f"/v1/agents/{WEAK}/assignments",
                                headers=coach.as_agent(WEAK)).json()["assignments"]
            assert coach.context.assignments._announcer.drain(timeout_s=10)  # noqa: SLF001
            with coach.engine.connect() as connection:
                stored = connection.execute(sa.select(
                    assignments.c.assignment_id, assignments.c.agent_id)).all()

    assert profile.json()["focus"]["dimension"] == "acknowledgment"
    assert "boundaries" not in {d["dimension"] for d in profile.json()["dimensions"]}
    assert len(drills) == 3
    assert {d["target_dimension"] for d in drills} == {"acknowledgment"}
    assert {d["week"] for d in drills} == {"2026-W48"}

    # Every agent has drills; the email agent fewer, as the library has one tone drill by email.
    assert {agent for _, agent in stored} == {WEAK, *PEERS, ELSEWHERE}
    records = read_until(kafka_settings, kafka_settings.topic(ASSIGNMENTS),
                         lambda got: len(got) >= len(stored))
    published = [decode_as(AssignmentEvent, r.value) for r in records]
    weak = [e for e in published if e.agent_id == WEAK]
    assert sorted(e.assignment_id for e in weak) == sorted(d["assignment_id"] for d in drills)
    assert {e.target_dimension for e in weak} == {"acknowledgment"}
    assert all(r.key == WEAK.encode() for r in records if decode_as(
        AssignmentEvent, r.value).agent_id == WEAK)
    assert weak[0].reason.evidence_count == 14
    assert weak[0].reason.estimate < weak[0].reason.team_mean - 0.1
    assert {e.target_dimension for e in published if e.agent_id == ELSEWHERE} == {"tone"}
    assert sorted(e.assignment_id for e in published) == sorted(a for a, _ in stored)
    assert len({e.event_id for e in published}) == len(published)  # one id per drill version
    # The shared channel hears that practice is ready, never whose it is or what it works on.
    assert announced
    assert all(text.startswith("Rapport: new practice drills are ready for ")
               for text in (message["text"] for message in announced))
    for message in announced:
        assert_names_nobody_and_no_skill(message["text"], [WEAK, *PEERS, ELSEWHERE])
