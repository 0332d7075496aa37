"""Streaming through a real broker: interactions in, one score per agent reply out, exactly once.

These runs use a stand-in model that records what it was asked, so the tests can see the context
each reply was scored in; ``test_stream_with_model.py`` runs the real one.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from prometheus_client import REGISTRY

from services.scorer import repository
from services.scorer.app import MIGRATIONS, create_app
from services.scorer.repository import ScoreRow
from services.scorer.score_events import build_score_event
from services.scorer.scoring_model import ScoreRequest, Turn
from shared.db.engine import create_db_engine
from shared.db.migrations import apply_migrations
from shared.events.codec import encode_event
from shared.kafka.dlq import REASON_HEADER
from shared.kafka.producer import create_producer, send_bytes, wait_all
from shared.settings import KafkaSettings
from tests.scorer_service.fakes import FakeScorer, fake_result
from tests.scorer_service.streaming import (
    AGENT,
    T0,
    Said,
    conversation_key,
    group_caught_up,
    interaction,
    message_id,
    produce,
    read_dlq,
    read_scores,
    running,
    scorer_settings,
    wait_until,
)

pytestmark = pytest.mark.kafka

FIRST = [
    Said("customer", "Order 5531 never came and it was a birthday present."),
    Said("agent", "internal: refund approved by Sam", public=False),
    Said("agent", "I'm so sorry the present didn't arrive. Let me check the courier."),
]
SECOND = [
    Said("customer", "The party is on Saturday."),
    Said("bot", "Thanks! An agent will reply shortly."),
    Said("agent", "I've sent a replacement by express; it arrives Friday before noon."),
]


def conversation_events() -> list:  # type: ignore[type-arg]
    return [
        interaction("c1", FIRST),
        interaction("c1", SECOND, first_index=3),
        interaction("c2", [Said("agent", "Hi! Just checking in on your account.")]),
    ]


def outcome_count(outcome: str) -> float:
    value = REGISTRY.get_sample_value("rapport_scorer_messages_total", {"outcome": outcome})
    return value or 0.0


def run_until_caught_up(kafka: KafkaSettings, tmp_path: Path, group: str,
                        scorer: FakeScorer, database_url: str | None = None) -> None:
    settings = scorer_settings(kafka, tmp_path, group, database_url=database_url)
    with running(create_app(settings, scorer=scorer)):
        wait_until(lambda: group_caught_up(kafka, group), what="the scorer to catch up")


def test_agent_replies_are_scored_in_context_and_published_keyed_by_agent(
    kafka_settings: KafkaSettings, tmp_path: Path, unique_name: str
) -> None:
    produce(kafka_settings, conversation_events())
    scorer = FakeScorer()
    skipped_before = outcome_count("skipped")

    run_until_caught_up(kafka_settings, tmp_path, f"scorer-{unique_name}", scorer)

    scores = read_scores(kafka_settings)
    assert sorted(event.message_id for _, event in scores) == [message_id("c1", 2),
                                                              message_id("c1", 5)]
    assert {key for key, _ in scores} == {AGENT}
    for _, event in scores:
        assert event.event_id == f"{event.message_id}@fake-1"
        assert event.conversation_key == conversation_key("c1")
        assert event.channel == "chat"
    seen = {request.reply: request for request in
            (r for batch in scorer.batches for r in batch)}
    assert seen[FIRST[2].body] == ScoreRequest("chat", FIRST[0].body, FIRST[2].body)
    assert seen[SECOND[2].body] == ScoreRequest(
        "chat", SECOND[0].body, SECOND[2].body,
        history=(Turn("customer", FIRST[0].body), Turn("agent", FIRST[2].body),
                 Turn("bot", SECOND[1].body)),
    )
    assert outcome_count("skipped") - skipped_before == 1  # c2: an agent with nobody to answer


def test_redelivery_of_everything_never_scores_or_publishes_twice(
    kafka_settings: KafkaSettings, tmp_path: Path, unique_name: str, database_url: str
) -> None:
    produce(kafka_settings, conversation_events())
    run_until_caught_up(kafka_settings, tmp_path, f"first-{unique_name}", FakeScorer(),
                        database_url)
    produce(kafka_settings, [interaction("c1", FIRST, event_suffix="-resent")])
    duplicates_before = outcome_count("duplicate")

    # A new group on the same database is a full redelivery of the topic.
    again = FakeScorer()
    run_until_caught_up(kafka_settings, tmp_path, f"second-{unique_name}", again, database_url)

    assert again.batches == []
    assert outcome_count("duplicate") - duplicates_before == 2 + 1 + 1
    event_ids = [event.event_id for _, event in read_scores(kafka_settings)]
    assert sorted(event_ids) == sorted(set(event_ids))
    assert len(event_ids) == 2


def test_a_score_recorded_but_never_acknowledged_is_republished_unchanged(
    kafka_settings: KafkaSettings, tmp_path: Path, unique_name: str
) -> None:
    settings = scorer_settings(kafka_settings, tmp_path, f"scorer-{unique_name}")
    reply_id = message_id("c1", 2)
    stored = build_score_event(
        fake_result(ScoreRequest("chat", FIRST[0].body, FIRST[2].body)),
        conversation_key=conversation_key("c1"), message_id=reply_id, agent_id=AGENT,
        channel="chat", message_at=T0, scored_at=T0,
    )
    engine = create_db_engine(settings.database.url)
    apply_migrations(engine, MIGRATIONS, version_table="alembic_version_scorer")
    with engine.begin() as connection:  # the state a crash between persist and publish leaves
        repository.record_scores(connection, at=T0, rows=[ScoreRow(
            message_id=reply_id, model_version="fake-1", event_id=stored.event_id,
            conversation_key=stored.conversation_key, agent_id=AGENT, status="scored",
            event_json=encode_event(stored).decode(),
        )])
    engine.dispose()
    produce(kafka_settings, [interaction("c1", FIRST)])
    scorer = FakeScorer()

    run_until_caught_up(kafka_settings, tmp_path, settings.group_id, scorer)

    assert scorer.batches == []
    assert read_scores(kafka_settings) == [(AGENT, stored)]


def test_a_crash_after_publishing_replays_with_the_same_event_ids(
    kafka_settings: KafkaSettings, tmp_path: Path, unique_name: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    original = repository.mark_published
    crashes: list[str] = []

    def crash_once(*args, **kwargs):  # type: ignore[no-untyped-def]
        if not crashes:
            crashes.append("crashed")
            raise ConnectionError("database went away after the broker acked")
        return original(*args, **kwargs)

    monkeypatch.setattr(repository, "mark_published", crash_once)
    produce(kafka_settings, conversation_events())
    scorer = FakeScorer()

    run_until_caught_up(kafka_settings, tmp_path, f"scorer-{unique_name}", scorer)

    assert crashes == ["crashed"]
    assert sorted(scorer.scored_replies) == sorted([FIRST[2].body, SECOND[2].body])
    scores = read_scores(kafka_settings)
    # At least once: a replay may repeat an event, never with another id or payload.
    by_id = {event.event_id: event for _, event in scores}
    assert sorted(by_id) == sorted(f"{message_id('c1', i)}@fake-1" for i in (2, 5))
    assert all(by_id[event.event_id] == event for _, event in scores)


def test_poison_records_go_to_the_dlq_with_a_reason_and_the_rest_is_scored(
    kafka_settings: KafkaSettings, tmp_path: Path, unique_name: str
) -> None:
    producer = create_producer(kafka_settings, client_suffix="test")
    topic = kafka_settings.topic("support.interactions.v1")
    send_bytes(producer, topic, key="k", value=b"{not json").get(timeout=30)
    bad_key = interaction("c9", FIRST).model_copy(update={"provider": "zen desk"})
    send_bytes(producer, topic, key="k", value=encode_event(bad_key)).get(timeout=30)
    producer.close()
    breaking = interaction("c8", [Said("customer", "help"), Said("agent", "poison reply")])
    produce(kafka_settings, [breaking, interaction("c1", FIRST)])

    run_until_caught_up(kafka_settings, tmp_path, f"scorer-{unique_name}",
                        FakeScorer(fail_on="poison"))

    reasons = sorted(dict(record.headers)[REASON_HEADER].decode()
                     for record in read_dlq(kafka_settings))
    assert len(reasons) == 3
    assert "Invalid JSON" in reasons[0]
    assert reasons[1].startswith("no conversation key")
    assert reasons[2].startswith(f"scoring {message_id('c8', 1)} failed")
    assert [event.message_id for _, event in read_scores(kafka_settings)] == [message_id("c1", 2)]


def test_a_date_past_utc_range_is_dead_lettered_and_scoring_goes_on(
    kafka_settings: KafkaSettings, tmp_path: Path, unique_name: str
) -> None:
    # Once answered 200 by ingest, then crashed the scorer every ~2 s (OverflowError converting
    # to UTC) and replayed the batch forever: nothing after it was ever scored.
    poison = interaction("c7", [Said("customer", "hello"), Said("agent", "dated reply")])
    document = json.loads(encode_event(poison))
    document["messages"][1]["created_at"] = "9999-12-31T23:59:59-01:00"
    producer = create_producer(kafka_settings, client_suffix="test")
    topic = kafka_settings.topic("support.interactions.v1")
    send_bytes(producer, topic, key="k", value=json.dumps(document).encode()).get(timeout=30)
    producer.close()
    produce(kafka_settings, [interaction("c1", FIRST)])

    run_until_caught_up(kafka_settings, tmp_path, f"scorer-{unique_name}", FakeScorer())

    (reason,) = [dict(record.headers)[REASON_HEADER].decode()
                 for record in read_dlq(kafka_settings)]
    assert "messages.1.created_at" in reason
    assert "1970 and 2099" in reason
    assert [event.message_id for _, event in read_scores(kafka_settings)] == [message_id("c1", 2)]


# Records no scorer can read, as they could reach the topic from a buggy or foreign producer.
UNREADABLE: dict[str, bytes | None] = {
    "binary": b"\x00\x9f\x92\x96\xff\xfe",
    "Latin-1 text": '{"event_id": "café"}'.encode("latin-1"),
    "an encoded UTF-16 surrogate": b'{"event_id": "\xed\xa0\x80"}',
    "empty": b"",
    "tombstone": None,
    "a JSON array": b"[1, 2, 3]",
    "a JSON string": b'"support.interactions.v1"',
    "an object of another shape": b'{"hello": "world"}',
    "a score event": json.dumps({"schema_version": 1, "event_id": "m1@fake-1",
                                 "agent_id": AGENT}).encode(),
    "schema version 2": json.dumps({**json.loads(encode_event(interaction("c4", FIRST))),
                                    "schema_version": 2}).encode(),
    "an unknown field": json.dumps({**json.loads(encode_event(interaction("c4", FIRST))),
                                    "surprise": True}).encode(),
}
NEXT_RECORD_WITHIN_S = 10.0


def test_poison_of_every_kind_is_dead_lettered_while_the_scorer_keeps_scoring(
    kafka_settings: KafkaSettings, tmp_path: Path, unique_name: str
) -> None:
    group = f"scorer-{unique_name}"
    settings = scorer_settings(kafka_settings, tmp_path, group)
    breaking = interaction("c1", [Said("customer", "help"), Said("agent", "poison reply")],
                           first_index=10)
    valid = interaction("c1", SECOND, first_index=3)
    with running(create_app(settings, scorer=FakeScorer(fail_on="poison"))):
        produce(kafka_settings, [interaction("c1", FIRST)])
        wait_until(lambda: group_caught_up(kafka_settings, group), what="the first reply")
        # One key for all: the valid record comes after every poison one in its partition.
        producer = create_producer(kafka_settings, client_suffix="test")
        topic = kafka_settings.topic("support.interactions.v1")
        sent = [send_bytes(producer, topic, key=conversation_key("c1"), value=value)
                for value in [*UNREADABLE.values(), encode_event(breaking)]]
        sent.append(send_bytes(producer, topic, key=conversation_key("c1"),
                               value=encode_event(valid)))
        wait_all(sent, timeout_s=30)
        producer.close()
        produced_at = time.monotonic()
        wait_until(lambda: group_caught_up(kafka_settings, group),
                   what="the reply after the poison", timeout_s=NEXT_RECORD_WITHIN_S)
        assert time.monotonic() - produced_at < NEXT_RECORD_WITHIN_S

    reasons = {record.value: dict(record.headers)[REASON_HEADER].decode()
               for record in read_dlq(kafka_settings)}
    assert len(reasons) == len(UNREADABLE) + 1
    kind_of = {value: kind for kind, value in UNREADABLE.items()}
    words = {"binary": "Invalid JSON", "Latin-1 text": "Invalid JSON",
             "an encoded UTF-16 surrogate": "Invalid JSON", "empty": "Invalid JSON",
             "tombstone": "tombstone", "a JSON array": "should be an object",
             "a JSON string": "should be an object",
             "an object of another shape": "event_id: Field required",
             "a score event": "provider: Field required",
             "schema version 2": "schema_version", "an unknown field": "surprise"}
    for value, reason in reasons.items():
        if value == encode_event(breaking):
            assert reason.startswith(f"scoring {message_id('c1', 11)} failed")
        else:
            assert words[kind_of[value]] in reason, (kind_of[value], reason)
    scored = [event.message_id for _, event in read_scores(kafka_settings)]
    assert scored == [message_id("c1", 2), message_id("c1", 5)]
