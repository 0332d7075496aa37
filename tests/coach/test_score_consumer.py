"""The score consumer against the real broker: every example payload, rejects, redelivery."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine

from services.coach.domain.profile_math import observation, team_level
from services.coach.settings import CoachSettings, ProfileSettings
from services.coach.store.profile_store import load_profiles
from services.coach.store.tables import score_events
from services.coach.streams.score_consumer import ScoreBatchHandler, make_score_loop
from shared.events import INTERACTIONS, SCORES, dlq_topic
from shared.events.codec import encode_event
from shared.events.schemas import example_paths
from shared.kafka.dlq import REASON_HEADER
from shared.kafka.producer import create_producer, send_bytes, wait_all
from shared.kafka.runner import BackgroundConsumer
from shared.settings import KafkaSettings
from tests.coach.factories import NOW, FixedClock, example_score_events, score_event
from tests.coach.kafka_helpers import produce, read_until

pytestmark = pytest.mark.kafka


@contextmanager
def running_consumer(kafka_settings: KafkaSettings, engine: Engine, clock: FixedClock,
                     agents_seen: list[set[str]]) -> Iterator[ScoreBatchHandler]:
    settings = CoachSettings(environment="test", kafka=kafka_settings,
                             consumer_group=f"coach-{kafka_settings.topic_prefix}",
                             admin_token="admin-token-0123456789", link_secret="secret-0123456",
                             scorer_token="scorer-token-0123456789")
    producer = create_producer(kafka_settings, client_suffix="coach-consumer-test")
    handler = ScoreBatchHandler(engine=engine, half_life_s=30 * 86_400, clock=clock,
                                after_batch=lambda agents: agents_seen.append(set(agents)))
    runner = BackgroundConsumer(lambda: make_score_loop(settings, producer=producer,
                                                        handler=handler))
    runner.start()
    try:
        yield handler
    finally:
        runner.stop()
        producer.close()


def test_every_example_payload_is_consumed_into_profiles(
        kafka_settings: KafkaSettings, coach_engine: Engine, clock: FixedClock) -> None:
    examples = example_score_events()
    agents_seen: list[set[str]] = []
    produce(kafka_settings, kafka_settings.topic(SCORES), examples)
    with running_consumer(kafka_settings, coach_engine, clock, agents_seen) as handler:
        assert handler.wait_for(len(examples), timeout_s=60)
    with coach_engine.connect() as connection:
        profiles = load_profiles(connection, [e.agent_id for e in examples])
    for example in examples:
        scored = {d: r.score for d, r in example.dimensions.items() if r.score is not None}
        assert {d: s.mean for d, s in profiles[example.agent_id].items()} == pytest.approx(scored)
    assert set().union(*agents_seen) == {e.agent_id for e in examples}


def test_unprocessable_records_go_to_the_dlq_and_redeliveries_change_nothing(
        kafka_settings: KafkaSettings, coach_engine: Engine, clock: FixedClock) -> None:
    good = example_score_events()[0]
    bad_agent = good.model_copy(update={"event_id": "bad-agent@m", "agent_id": "not-an-agent"})
    topic = kafka_settings.topic(SCORES)
    produce(kafka_settings, topic, [good, bad_agent, good])  # the second `good` is a redelivery
    producer = create_producer(kafka_settings, client_suffix="coach-test-raw")
    wait_all([send_bytes(producer, topic, key=good.agent_id, value=b"{not json")], timeout_s=30)
    producer.close()
    with running_consumer(kafka_settings, coach_engine, clock, []) as handler:
        assert handler.wait_for(3, timeout_s=60)  # the undecodable one never reaches it
        dead = read_until(kafka_settings, dlq_topic(topic), lambda got: len(got) >= 2)
    reasons = sorted(dict(r.headers)[REASON_HEADER].decode() for r in dead)
    assert len(reasons) == 2
    assert any("not-an-agent" in reason for reason in reasons)
    with coach_engine.connect() as connection:
        assert connection.scalar(sa.select(sa.func.count()).select_from(score_events)) == 1
        assert load_profiles(connection, [good.agent_id])[good.agent_id]["tone"].count == 1


def test_events_for_many_agents_are_all_applied(kafka_settings: KafkaSettings,
                                                coach_engine: Engine, clock: FixedClock) -> None:
    base = example_score_events()[1]
    events = [base.model_copy(update={"event_id": f"e{i}", "agent_id": f"intercom:acct:{i % 7}"})
              for i in range(70)]
    produce(kafka_settings, kafka_settings.topic(SCORES), events)
    with running_consumer(kafka_settings, coach_engine, clock, []) as handler:
        assert handler.wait_for(70, timeout_s=60)
    with coach_engine.connect() as connection:
        profiles = load_profiles(connection, {e.agent_id for e in events})
    assert {agent: p["tone"].count for agent, p in profiles.items()} == {
        f"intercom:acct:{i}": 10 for i in range(7)}


def test_a_score_from_the_future_is_dead_lettered_and_profiles_still_work(
        kafka_settings: KafkaSettings, coach_engine: Engine, clock: FixedClock) -> None:
    # One reply dated 2150 once made every profile of its account (and the weekly assignment)
    # answer 500: its recency weight overflowed. 2090 passes the schema's years; it is refused
    # as lying in the future.
    agent = "zendesk:acme:agent-17"
    now_scores = {"tone": 0.8, "acknowledgment": 0.6}
    future = score_event(agent, 1, {"tone": 0.1}, at=datetime(2090, 1, 1, tzinfo=UTC))
    present = score_event(agent, 2, now_scores, at=clock.now)
    produce(kafka_settings, kafka_settings.topic(SCORES), [future, present])
    with running_consumer(kafka_settings, coach_engine, clock, []) as handler:
        assert handler.wait_for(2, timeout_s=60)
        (dead,) = read_until(kafka_settings, dlq_topic(kafka_settings.topic(SCORES)),
                             lambda got: len(got) >= 1)
    assert b"lies in the future" in dict(dead.headers)[REASON_HEADER]
    with coach_engine.connect() as connection:
        profile = load_profiles(connection, [agent])[agent]
    assert {dim: stats.mean for dim, stats in profile.items()} == pytest.approx(now_scores)
    assert {dim: stats.anchor_at for dim, stats in profile.items()} == \
        dict.fromkeys(now_scores, clock.now)


def test_recency_weights_of_a_far_future_anchor_stay_finite() -> None:
    # Defence in depth behind the consumer's check: the arithmetic itself cannot overflow.
    settings = ProfileSettings()
    stats = observation(0.4, datetime(2099, 12, 31, tzinfo=UTC))
    level = team_level([stats, observation(0.8, NOW)], NOW, settings.half_life_days * 86_400)
    assert level is not None
    assert math.isfinite(level.mean)
    assert 0.4 <= level.mean <= 0.8


def _with_tone_score(score: float) -> bytes:
    document = json.loads(encode_event(example_score_events()[0]))
    document["dimensions"]["tone"]["score"] = score
    return json.dumps(document).encode()


# Records no coach can read, as they could reach the topic from a buggy or foreign producer.
UNREADABLE: dict[str, bytes | None] = {
    "binary": b"\x00\x9f\x92\x96\xff\xfe",
    "Latin-1 text": '{"event_id": "café"}'.encode("latin-1"),
    "an encoded UTF-16 surrogate": b'{"event_id": "\xed\xa0\x80"}',
    "empty": b"",
    "tombstone": None,
    "a JSON array": b"[1, 2, 3]",
    "a JSON number": b"42",
    "an object of another shape": b'{"hello": "world"}',
    "an interaction event": example_paths(INTERACTIONS)[0].read_bytes(),
    "schema version 2": json.dumps({**json.loads(encode_event(example_score_events()[0])),
                                    "schema_version": 2}).encode(),
    "a score out of range": _with_tone_score(1.5),
}
WORDS = {"binary": "Invalid JSON", "Latin-1 text": "Invalid JSON",
         "an encoded UTF-16 surrogate": "Invalid JSON", "empty": "Invalid JSON",
         "tombstone": "tombstone", "a JSON array": "should be an object",
         "a JSON number": "should be an object", "an object of another shape": "Field required",
         "an interaction event": "Field required", "schema version 2": "schema_version",
         "a score out of range": "dimensions.tone.score"}
NEXT_RECORD_WITHIN_S = 10.0


def test_poison_of_every_kind_is_dead_lettered_while_profiles_keep_updating(
        kafka_settings: KafkaSettings, coach_engine: Engine, clock: FixedClock) -> None:
    agent = "zendesk:acme:agent-23"
    first, after = (score_event(agent, index, {"tone": 0.4 + index / 10}, at=clock.now)
                    for index in (1, 2))
    # Decodes, but names no agent the coach can file it under.
    no_agent = first.model_copy(update={"event_id": "no-agent@m", "agent_id": "not-an-agent"})
    topic = kafka_settings.topic(SCORES)
    with running_consumer(kafka_settings, coach_engine, clock, []) as handler:
        produce(kafka_settings, topic, [first])
        assert handler.wait_for(1, timeout_s=60)
        # One key for all: the valid record comes after every poison one in its partition.
        producer = create_producer(kafka_settings, client_suffix="coach-test-raw")
        sent = [send_bytes(producer, topic, key=agent, value=value)
                for value in [*UNREADABLE.values(), encode_event(no_agent), encode_event(after)]]
        wait_all(sent, timeout_s=30)
        producer.close()
        produced_at = time.monotonic()
        assert handler.wait_for(3, timeout_s=NEXT_RECORD_WITHIN_S)  # no_agent, then after
        assert time.monotonic() - produced_at < NEXT_RECORD_WITHIN_S
        dead = read_until(kafka_settings, dlq_topic(topic),
                          lambda got: len(got) >= len(UNREADABLE) + 1)
    reasons = {record.value: dict(record.headers)[REASON_HEADER].decode() for record in dead}
    assert len(reasons) == len(UNREADABLE) + 1
    assert "not-an-agent" in reasons.pop(encode_event(no_agent))
    kind_of = {value: kind for kind, value in UNREADABLE.items()}
    for value, reason in reasons.items():
        assert WORDS[kind_of[value]] in reason, (kind_of[value], reason)
    with coach_engine.connect() as connection:
        assert load_profiles(connection, [agent])[agent]["tone"].count == 2


def test_a_message_at_past_utc_range_is_dead_lettered_and_the_next_event_applied(
        kafka_settings: KafkaSettings, coach_engine: Engine, clock: FixedClock) -> None:
    # The coach once crashed converting such a message_at to UTC and replayed the batch forever.
    agent = "zendesk:acme:agent-42"
    document = json.loads(encode_event(score_event(agent, 1, {"tone": 0.2}, at=clock.now)))
    document["message_at"] = "9999-12-31T23:59:59-01:00"
    document["event_id"] = "far-future@m"
    topic = kafka_settings.topic(SCORES)
    producer = create_producer(kafka_settings, client_suffix="coach-test-9999")
    wait_all([send_bytes(producer, topic, key=agent, value=json.dumps(document).encode())],
             timeout_s=30)
    producer.close()
    produce(kafka_settings, topic, [score_event(agent, 2, {"tone": 0.9}, at=clock.now)])
    with running_consumer(kafka_settings, coach_engine, clock, []) as handler:
        assert handler.wait_for(1, timeout_s=60)
        (dead,) = read_until(kafka_settings, dlq_topic(topic), lambda got: len(got) >= 1)
    assert b"message_at" in dict(dead.headers)[REASON_HEADER]
    with coach_engine.connect() as connection:
        profile = load_profiles(connection, [agent])[agent]
    assert profile["tone"].mean == pytest.approx(0.9)
