"""Helpers for the scorer's Kafka tests: build conversations, produce them, read the scores."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient
from kafka import KafkaConsumer
from kafka.structs import TopicPartition

from services.scorer.settings import ScorerSettings
from shared.events import INTERACTIONS, SCORES, InteractionEvent, ScoreEvent, dlq_topic
from shared.events.codec import decode_as, encode_event
from shared.kafka.producer import create_producer, send_bytes, wait_all
from shared.settings import KafkaSettings

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
PROVIDER, ACCOUNT = "zendesk", "10000001"
AGENT = f"{PROVIDER}:{ACCOUNT}:902000000001"
CUSTOMER = f"{PROVIDER}:{ACCOUNT}:903000004410"
WAIT_S = 90.0


@dataclass(frozen=True)
class Said:
    """One message: ``Said("agent", "text")``; ids and times come from its place in the thread."""

    role: str
    body: str
    public: bool = True
    author_id: str | None = None


def interaction(conversation_id: str, said: Iterable[Said], *, first_index: int = 0,
                channel: str = "chat", event_suffix: str = "") -> InteractionEvent:
    messages = []
    for index, item in enumerate(said, start=first_index):
        author = item.author_id or (AGENT if item.role == "agent" else CUSTOMER)
        messages.append({
            "message_id": message_id(conversation_id, index), "author_role": item.role,
            "author_id": author, "body": item.body, "public": item.public,
            "created_at": T0 + timedelta(minutes=index),
        })
    return InteractionEvent.model_validate({
        "event_id": f"evt-{conversation_id}-{first_index}{event_suffix}", "provider": PROVIDER,
        "account": ACCOUNT, "event_type": "ticket.comment_added", "occurred_at": T0,
        "received_at": T0, "conversation": {"conversation_id": conversation_id,
                                            "channel": channel},
        "messages": messages,
    })


def message_id(conversation_id: str, index: int) -> str:
    return f"{PROVIDER}:{ACCOUNT}:{conversation_id}:{index}"


def conversation_key(conversation_id: str) -> str:
    return f"{PROVIDER}:{ACCOUNT}:{conversation_id}"


def produce(kafka: KafkaSettings, events: Iterable[InteractionEvent]) -> None:
    """Send all, then wait for every ack: a wave lands at once, not one round trip per event."""
    producer = create_producer(kafka, client_suffix="test")
    try:
        futures = [send_bytes(producer, kafka.topic(INTERACTIONS), key=event.kafka_key(),
                              value=encode_event(event)) for event in events]
        wait_all(futures, timeout_s=30)
    finally:
        producer.close()


def scorer_settings(kafka: KafkaSettings, tmp_path: Path, group: str, *,
                    database_url: str | None = None, **extra: Any) -> ScorerSettings:
    url = database_url or f"sqlite:///{tmp_path / 'scorer.db'}"
    return ScorerSettings(kafka=kafka, database={"url": url}, group_id=group,
                          max_batch_wait_ms=0, **extra)


def wait_until(condition: Callable[[], bool], *, what: str, timeout_s: float = WAIT_S) -> None:
    """Poll a condition (never a fixed sleep): fail with ``what`` when it does not come true."""
    deadline = time.monotonic() + timeout_s
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout_s:.0f}s waiting for {what}")
        time.sleep(0.05)


def group_caught_up(kafka: KafkaSettings, group: str) -> bool:
    """The group committed every record in the interactions topic (so its output is acked)."""
    topic = kafka.topic(INTERACTIONS)
    probe = KafkaConsumer(bootstrap_servers=kafka.bootstrap_servers, group_id=group,
                          enable_auto_commit=False)
    try:
        partitions = [TopicPartition(topic, p) for p in probe.partitions_for_topic(topic) or ()]
        ends = probe.end_offsets(partitions)
        return all((probe.committed(tp) or 0) >= end for tp, end in ends.items())
    finally:
        probe.close()


def read_all(kafka: KafkaSettings, topic: str) -> list[Any]:
    """Every record now in ``topic``, read up to its end offsets."""
    consumer = KafkaConsumer(bootstrap_servers=kafka.bootstrap_servers, enable_auto_commit=False,
                             auto_offset_reset="earliest")
    try:
        partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()]
        consumer.assign(partitions)
        ends = consumer.end_offsets(partitions)
        consumer.seek_to_beginning(*partitions)
        records: list[Any] = []
        deadline = time.monotonic() + WAIT_S
        while any(consumer.position(tp) < end for tp, end in ends.items()):
            if time.monotonic() > deadline:
                raise AssertionError(f"could not read {topic} to its end")
            for batch in consumer.poll(timeout_ms=500).values():
                records.extend(batch)
        return records
    finally:
        consumer.close()


def read_scores(kafka: KafkaSettings) -> list[tuple[str, ScoreEvent]]:
    return [(record.key.decode(), decode_as(ScoreEvent, record.value))
            for record in read_all(kafka, kafka.topic(SCORES))]


def read_dlq(kafka: KafkaSettings) -> list[Any]:
    return read_all(kafka, dlq_topic(kafka.topic(INTERACTIONS)))


@contextmanager
def running(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        yield client
