"""A consumer loop as a chain of small steps: poll -> decode -> handle -> dead-letter -> commit.

Offsets are committed only after the handler returned (its output is durable) and every
dead-letter record was acknowledged, so a crash replays from the last commit and loses nothing.
Sinks are idempotent on ``event_id``, which makes the replay harmless.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from kafka import KafkaConsumer, KafkaProducer
from kafka.structs import OffsetAndMetadata, TopicPartition

from shared.events.base import Event
from shared.events.codec import EventDecodeError, decode_as
from shared.kafka.dlq import DlqLimitExceeded, DlqPolicy, send_to_dlq
from shared.kafka.producer import wait_all
from shared.settings import KafkaSettings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Decoded:
    record: Any
    event: Event


class InvalidEvent(ValueError):
    """Raised by a handler for a record that decodes but cannot be processed (goes to the DLQ)."""


BatchHandler = Callable[[Sequence[Decoded]], Sequence[tuple[Decoded, str]]]
"""Processes a batch durably; returns the records it rejected with a reason (for the DLQ)."""


# Called after each poll's records are decoded: (valid, invalid, seconds spent decoding).
DecodeObserver = Callable[[int, int, float], None]


@dataclass
class LoopStats:
    batches: int = 0
    processed: int = 0
    dead_lettered: int = 0
    lag: int = 0


class ConsumerLoop:
    def __init__(
        self,
        *,
        settings: KafkaSettings,
        topic: str,
        group_id: str,
        handle_batch: BatchHandler,
        producer: KafkaProducer,
        event_type: type[Event],
        max_poll_records: int = 500,
        poll_timeout_ms: int = 200,
        on_decoded: DecodeObserver | None = None,
    ) -> None:
        self._settings = settings
        self._topic = topic
        self._group_id = group_id
        self._handle_batch = handle_batch
        self._producer = producer
        self._max_poll_records = max_poll_records
        self._poll_timeout_ms = poll_timeout_ms
        self._event_type = event_type
        self._on_decoded = on_decoded
        self._stopping = threading.Event()
        self._dlq = DlqPolicy(max_consecutive_invalid=settings.dlq_max_consecutive_invalid)
        self.stats = LoopStats()
        self.halted_reason: str | None = None
        self.assigned = threading.Event()

    def stop(self) -> None:
        self._stopping.set()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def run(self) -> None:
        """Consume until ``stop()``; raises ``DlqLimitExceeded`` or any handler failure."""
        consumer = self._create_consumer()
        try:
            consumer.subscribe([self._topic])
            while not self._stopping.is_set():
                self.run_once(consumer)
        except DlqLimitExceeded as exc:
            self.halted_reason = str(exc)
            raise
        finally:
            consumer.close(autocommit=False)

    def run_once(self, consumer: KafkaConsumer) -> int:
        polled = consumer.poll(timeout_ms=self._poll_timeout_ms, max_records=self._max_poll_records)
        if consumer.assignment():
            self.assigned.set()
        records = [record for batch in polled.values() for record in batch]
        if records:
            self._process(records)
            consumer.commit(offsets=_next_offsets(records))
        self.stats.lag = _lag(consumer)
        return len(records)

    def _process(self, records: list[Any]) -> None:
        started = time.perf_counter()
        decoded, invalid = self._decode_all(records)
        if self._on_decoded is not None:
            self._on_decoded(len(decoded), len(invalid), time.perf_counter() - started)
        rejected = list(self._handle_batch(decoded)) if decoded else []
        invalid.extend((item.record, reason) for item, reason in rejected)
        futures = [
            send_to_dlq(self._producer, record, reason=reason, group_id=self._group_id)
            for record, reason in invalid
        ]
        wait_all(futures, timeout_s=self._settings.produce_timeout_s)
        self.stats.batches += 1
        self.stats.processed += len(decoded) - len(rejected)
        self.stats.dead_lettered += len(invalid)

    def _decode_all(self, records: list[Any]) -> tuple[list[Decoded], list[tuple[Any, str]]]:
        decoded: list[Decoded] = []
        invalid: list[tuple[Any, str]] = []
        for record in records:
            try:
                decoded.append(Decoded(record, decode_as(self._event_type, record.value)))
                self._dlq.record_valid()
            except EventDecodeError as exc:
                log.warning(
                    "dead-lettering %s[%d]@%d: %s",
                    record.topic,
                    record.partition,
                    record.offset,
                    exc.reason,
                )
                invalid.append((record, exc.reason))
                self._dlq.record_invalid()
        return decoded, invalid

    def _create_consumer(self) -> KafkaConsumer:
        return KafkaConsumer(
            bootstrap_servers=self._settings.bootstrap_servers.split(","),
            client_id=f"{self._settings.client_id}-{self._group_id}",
            group_id=self._group_id,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            request_timeout_ms=max(self._settings.request_timeout_ms, 40_000),
            max_poll_records=self._max_poll_records,
        )


def _next_offsets(records: list[Any]) -> dict[TopicPartition, OffsetAndMetadata]:
    offsets: dict[TopicPartition, OffsetAndMetadata] = {}
    for record in records:
        partition = TopicPartition(record.topic, record.partition)
        current = offsets.get(partition)
        if current is None or record.offset + 1 > current.offset:
            offsets[partition] = OffsetAndMetadata(record.offset + 1, "", -1)
    return offsets


def _lag(consumer: KafkaConsumer) -> int:
    total = 0
    for partition in consumer.assignment():
        highwater = consumer.highwater(partition)
        if highwater is not None:
            total += max(0, highwater - consumer.position(partition))
    return total
