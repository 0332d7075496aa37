"""Running the policy against a real database and broker: outbox, re-runs, weeks in a row."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import pytest
from kafka import KafkaProducer
from sqlalchemy import Engine

from services.coach.clients.announcer import Announcer, SilentAnnouncer
from services.coach.domain.policy import AssignmentPolicy
from services.coach.settings import ProfileSettings
from services.coach.store import assignment_store
from services.coach.store.profile_store import apply_score_events
from services.coach.workflows.assignment_service import AssignmentService
from shared.events import ASSIGNMENTS, AssignmentEvent
from shared.events.codec import decode_as
from shared.kafka.producer import PublishError, create_producer
from shared.settings import KafkaSettings
from tests.coach.factories import FixedClock, score_event, shipped_library, uniform_scores
from tests.coach.kafka_helpers import read_until
from tests.coach.privacy import assert_names_nobody_and_no_skill

pytestmark = pytest.mark.kafka

A = "zendesk:10000001:902000000001"
B = "zendesk:10000001:902000000002"


@pytest.fixture
def producer(kafka_settings: KafkaSettings) -> Iterator[KafkaProducer]:
    quick = kafka_settings.model_copy(update={"produce_timeout_s": 1.5})
    made = create_producer(quick, client_suffix="coach-service-test")
    yield made
    made.close()


class RecordingAnnouncer(SilentAnnouncer):
    def __init__(self) -> None:
        self.texts: list[str] = []

    def announce(self, text: str) -> None:
        self.texts.append(text)


def service_for(engine: Engine, producer: KafkaProducer, topic: str,
                clock: FixedClock, announcer: Announcer | None = None) -> AssignmentService:
    return AssignmentService(engine=engine, producer=producer, topic=topic,
                             library=shipped_library(), profile_settings=ProfileSettings(),
                             policy=AssignmentPolicy(), announcer=announcer or SilentAnnouncer(),
                             clock=clock, produce_timeout_s=5)


def seed(engine: Engine, clock: FixedClock, agent: str, start: int, count: int,
         **scores: float) -> None:
    events = [score_event(agent, start + i, uniform_scores(0.7, **scores), at=clock())
              for i in range(count)]
    with engine.begin() as connection:
        apply_score_events(connection, events, half_life_s=30 * 86_400, now=clock())


def test_a_failed_publish_is_sent_by_the_next_run(
        kafka_settings: KafkaSettings, coach_engine: Engine, producer: KafkaProducer,
        clock: FixedClock) -> None:
    seed(coach_engine, clock, A, 0, 10, acknowledgment=0.1)
    broken = service_for(coach_engine, producer, "no-such-topic-" + kafka_settings.topic_prefix,
                         clock)
    with pytest.raises(PublishError):
        broken.assign_unassigned([A])
    with coach_engine.connect() as connection:
        stored = assignment_store.list_for_agent(connection, A)
    assert len(stored) == 3
    assert all(r.published_at is None for r in stored)

    topic = kafka_settings.topic(ASSIGNMENTS)
    working = service_for(coach_engine, producer, topic, clock)
    assert working.assign_unassigned([A]).created == ()  # the week is planned: nothing new
    records = read_until(kafka_settings, topic, lambda got: len(got) >= 3)
    assert sorted(decode_as(AssignmentEvent, r.value).assignment_id for r in records) == sorted(
        r.assignment_id for r in stored)
    with coach_engine.connect() as connection:
        assert all(r.published_at is not None
                   for r in assignment_store.list_for_agent(connection, A))


def test_only_agents_without_drills_this_week_are_considered(
        kafka_settings: KafkaSettings, coach_engine: Engine, producer: KafkaProducer,
        clock: FixedClock) -> None:
    service = service_for(coach_engine, producer, kafka_settings.topic(ASSIGNMENTS), clock)
    seed(coach_engine, clock, A, 0, 10, tone=0.1)
    seed(coach_engine, clock, B, 0, 3, tone=0.1)  # not enough evidence yet
    first = service.assign_unassigned([A, B])
    assert {d.agent_id: len(d.assignments) for d in first.decisions} == {A: 3, B: 0}
    seed(coach_engine, clock, B, 3, 10, tone=0.1)
    second = service.assign_unassigned([A, B])
    assert [d.agent_id for d in second.decisions] == [B]
    assert len(second.created) == 3


def test_week_after_week_the_focus_holds_and_difficulty_follows_practice(
        kafka_settings: KafkaSettings, coach_engine: Engine, producer: KafkaProducer,
        clock: FixedClock) -> None:
    service = service_for(coach_engine, producer, kafka_settings.topic(ASSIGNMENTS), clock)
    seed(coach_engine, clock, A, 0, 12, acknowledgment=0.3, apology=0.4)
    week_one = service.assign_unassigned([A])
    assert week_one.decisions[0].focus is not None
    assert week_one.decisions[0].focus.dimension == "acknowledgment"
    with coach_engine.begin() as connection:
        for record in assignment_store.list_for_agent(connection, A):
            assignment_store.mark_completed(connection, record.assignment_id,
                                            practice_score=0.9, now=clock())
    last_drill = week_one.decisions[0].assignments[-1]  # the latest drill with an outcome

    clock.advance(timedelta(weeks=1))
    # Apology now reads a little lower, but not clearly: the focus stays.
    seed(coach_engine, clock, A, 100, 6, acknowledgment=0.33, apology=0.28)
    week_two = service.assign_unassigned([A])
    decision = week_two.decisions[0]
    assert decision.week == "2026-W49"
    assert decision.focus is not None
    assert decision.focus.dimension == "acknowledgment"
    assert decision.target_difficulty == min(5, last_drill.difficulty + 1)
    earlier = {p.scenario_id for p in week_one.decisions[0].assignments}
    assert not earlier & {p.scenario_id for p in decision.assignments}


def test_a_slot_taken_by_a_concurrent_run_is_not_reported_as_created(
        kafka_settings: KafkaSettings, coach_engine: Engine, producer: KafkaProducer,
        clock: FixedClock) -> None:
    # Two runs planned different scenarios for the same slot; the second insert loses to the
    # unique (agent, week, slot) and must not count (or announce) its drill as new.
    service = service_for(coach_engine, producer, kafka_settings.topic(ASSIGNMENTS), clock)
    seed(coach_engine, clock, A, 0, 10, acknowledgment=0.1)
    first = service.assign_unassigned([A])
    assert len(first.created) == 3
    (decision,) = first.decisions
    rival = [replace(planned, assignment_id=planned.assignment_id + "-rival")
             for planned in decision.assignments]
    with coach_engine.begin() as connection:
        assert assignment_store.insert_planned(connection, rival, clock()) == []
        assert len(assignment_store.list_for_agent(connection, A)) == 3


def test_concurrent_runs_publish_every_drill_once(
        kafka_settings: KafkaSettings, coach_engine: Engine, producer: KafkaProducer,
        clock: FixedClock) -> None:
    # The consumer thread and an admin request publishing at once: no drill is left
    # unpublished by a lost "dirty" flag, and none is sent by both.
    topic = kafka_settings.topic(ASSIGNMENTS)
    service = service_for(coach_engine, producer, topic, clock)
    agents = [f"zendesk:10000001:9020000001{index:02d}" for index in range(8)]
    for agent in agents:
        seed(coach_engine, clock, agent, 0, 10, tone=0.1)
    start = threading.Barrier(len(agents))

    def run(agent: str) -> None:
        start.wait()
        service.assign([agent], service.current_week())

    threads = [threading.Thread(target=run, args=(agent,)) for agent in agents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with coach_engine.connect() as connection:
        stored = [r for agent in agents for r in assignment_store.list_for_agent(connection, agent)]
    assert len(stored) == 3 * len(agents)
    assert all(r.published_at is not None for r in stored)
    records = read_until(kafka_settings, topic, lambda got: len(got) >= len(stored))
    ids = [decode_as(AssignmentEvent, r.value).assignment_id for r in records]
    assert sorted(ids) == sorted(r.assignment_id for r in stored)


def test_the_shared_channel_hears_that_practice_is_ready_not_whose_or_on_what(
        kafka_settings: KafkaSettings, coach_engine: Engine, producer: KafkaProducer,
        clock: FixedClock) -> None:
    announcer = RecordingAnnouncer()
    service = service_for(coach_engine, producer, kafka_settings.topic(ASSIGNMENTS), clock,
                          announcer)
    seed(coach_engine, clock, A, 0, 10, acknowledgment=0.1)
    seed(coach_engine, clock, B, 0, 10, personalization=0.1)
    run = service.assign_unassigned([A, B])
    assert {d.focus.dimension for d in run.decisions if d.focus} == {
        "acknowledgment", "personalization"}
    assert announcer.texts == ["Rapport: new practice drills are ready for 2 agents this week. "
                               "Open your practice page to see yours."]
    assert_names_nobody_and_no_skill(announcer.texts[0], [A, B])

    assert service.assign_unassigned([A, B]).created == ()
    assert len(announcer.texts) == 1  # nothing new, nothing said

    # A run for another week says which week instead of "this week"; still nobody's name.
    service.assign([A], "2026-W49")
    assert announcer.texts[1] == ("Rapport: new practice drills are ready for 1 agent in week "
                                  "2026-W49. Open your practice page to see yours.")
    assert_names_nobody_and_no_skill(announcer.texts[1], [A])
