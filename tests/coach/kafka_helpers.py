"""Producing to and reading from the real test broker."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

from kafka import KafkaConsumer, TopicPartition

from shared.events.base import Event
from shared.events.codec import encode_event
from shared.kafka.producer import create_producer, send_bytes, wait_all
from shared.settings import KafkaSettings


def produce(settings: KafkaSettings, topic: str, events: Sequence[Event]) -> None:
    producer = create_producer(settings, client_suffix="coach-test")
    try:
        futures = [send_bytes(producer, topic, key=e.kafka_key(), value=encode_event(e))
                   for e in events]
        wait_all(futures, timeout_s=30)
    finally:
        producer.close()


def read_until(settings: KafkaSettings, topic: str, done: Callable[[list[Any]], bool], *,
               timeout_s: float = 60) -> list[Any]:
    """Read the topic from the start until ``done(records)`` or the deadline.

    The partitions are assigned explicitly once the broker lists the topic. A consumer subscribed
    by name whose first metadata lacked the topic (or its leaders) would wait for the next
    metadata refresh (five minutes by default) and read nothing before the deadline.
    """
    consumer = KafkaConsumer(bootstrap_servers=settings.bootstrap_servers.split(","),
                             auto_offset_reset="earliest", enable_auto_commit=False,
                             group_id=None)
    records: list[Any] = []
    deadline = time.monotonic() + timeout_s
    try:
        partitions: set[int] = set()
        while not partitions and time.monotonic() < deadline:
            partitions = consumer.partitions_for_topic(topic)
        consumer.assign([TopicPartition(topic, p) for p in sorted(partitions)])
        consumer.seek_to_beginning()
        while not done(records) and time.monotonic() < deadline:
            for batch in consumer.poll(timeout_ms=500).values():
                records.extend(batch)
    finally:
        consumer.close()
    return records
