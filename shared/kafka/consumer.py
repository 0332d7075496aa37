"""A consumer loop as a chain of small steps: poll -> decode -> handle -> dead-letter -> commit.

Offsets are committed only after the handler returned (its output is durable) and every
dead-letter record was acknowledged, so a crash replays from the last commit and loses nothing.
Sinks are idempotent on ``event_id``, which makes the replay harmless.

No single record may stop the loop. When the handler fails on a batch for a reason that is not
transient (the database, the broker or the model being away: those replay the batch), the batch
is handled again one record at a time, and a record that fails on its own goes to the
dead-letter topic with the error as its reason while the others are processed.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from kafka import KafkaConsumer, KafkaProducer
from kafka.errors import KafkaError
from kafka.structs import OffsetAndMetadata, TopicPartition
from sqlalchemy.exc import InterfaceError, OperationalError

from shared.events.base import Event
from shared.events.codec import EventDecodeError, decode_as
from shared.kafka.dlq import DlqLimitExceeded, DlqPolicy, send_to_dlq
from shared.kafka.metrics import DEAD_LETTERS
from shared.kafka.producer import PublishError, wait_all
from shared.settings import KafkaSettings

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Decoded:
    record: Any
    event: Event


class InvalidEvent(ValueError):
    """Raised by a handler for a record that decodes but cannot be processed (goes to the DLQ)."""


class Retryable(Exception):  # noqa: N818 - a marker, named for what the loop does with it
    """Base for a handler's failures that are not the record's fault: the batch is replayed."""


# A dependency being away, not a bad record: never a reason to dead-letter anything.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    Retryable, KafkaError, PublishError, OperationalError, InterfaceError, TimeoutError,
    ConnectionError,
)


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
    polls: int = 0  # polls whose records were all handled and committed


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
        # The topic's dead-letter count exists at zero from the start: dashboards show 0, not
        # "no data", until the first record goes to the DLQ.
        DEAD_LETTERS.labels(topic)
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
            self._await_partitions(consumer)
            consumer.subscribe([self._topic])
            while not self._stopping.is_set():
                self.run_once(consumer)
        except DlqLimitExceeded as exc:
            self.halted_reason = str(exc)
            raise
        except Exception:
            self.stats.lag = _committed_lag(consumer, self.stats.lag)
            raise
        finally:
            consumer.close(autocommit=False)

    def _await_partitions(self, consumer: KafkaConsumer) -> None:
        # Join the group only once this client's metadata lists the topic's partitions: a group
        # leader that lacks them when it assigns gives its members nothing, and they read nothing
        # until the next metadata refresh (five minutes). Each call is a metadata request.
        while not self._stopping.is_set() and not consumer.partitions_for_topic(self._topic):
            self._stopping.wait(0.5)

    def run_once(self, consumer: KafkaConsumer) -> int:
        polled = consumer.poll(timeout_ms=self._poll_timeout_ms, max_records=self._max_poll_records)
        if consumer.assignment():
            self.assigned.set()
        records = [record for batch in polled.values() for record in batch]
        if records:
            self._process(records)
            consumer.commit(offsets=_next_offsets(records))
        self.stats.lag = _lag(consumer)
        self.stats.polls += 1
        return len(records)

    def _process(self, records: list[Any]) -> None:
        started = time.perf_counter()
        decoded, invalid = self._decode_all(records)
        if self._on_decoded is not None:
            self._on_decoded(len(decoded), len(invalid), time.perf_counter() - started)
        rejected = self._handle(decoded) if decoded else []
        invalid.extend((item.record, reason) for item, reason in rejected)
        futures = [
            send_to_dlq(self._producer, record, reason=reason, group_id=self._group_id)
            for record, reason in invalid
        ]
        wait_all(futures, timeout_s=self._settings.produce_timeout_s)
        self.stats.batches += 1
        self.stats.processed += len(decoded) - len(rejected)
        self.stats.dead_lettered += len(invalid)

    def _handle(self, decoded: list[Decoded]) -> list[tuple[Decoded, str]]:
        try:
            return list(self._handle_batch(decoded))
        except TRANSIENT_ERRORS:
            raise
        except Exception:
            if len(decoded) == 1:
                return [self._failed(decoded[0])]
            log.warning("a batch of %d failed; handling its records one at a time",
                        len(decoded), exc_info=True)
        rejected: list[tuple[Decoded, str]] = []
        for item in decoded:  # in order: per-key order holds
            try:
                rejected.extend(self._handle_batch([item]))
            except TRANSIENT_ERRORS:
                raise
            except Exception:
                rejected.append(self._failed(item))
        return rejected

    def _failed(self, item: Decoded) -> tuple[Decoded, str]:
        """Called inside ``except``: the record that failed alone, with its error as reason."""
        error = sys.exc_info()[1]
        record = item.record
        log.warning("dead-lettering %s[%d]@%d: the handler failed on it alone",
                    record.topic, record.partition, record.offset, exc_info=True)
        return item, f"processing failed: {type(error).__name__}: {error}"

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


def _committed_lag(consumer: KafkaConsumer, fallback: int) -> int:
    """Records past the group's committed offsets: the lag of a loop that cannot advance."""
    try:
        partitions = list(consumer.assignment())
        ends = consumer.end_offsets(partitions)
        total = 0
        for partition in partitions:
            committed = consumer.committed(partition) or 0
            total += max(0, ends.get(partition, committed) - committed)
        return total
    except Exception:  # the broker may be what failed: keep the last known figure
        log.debug("could not read the lag of a failed loop", exc_info=True)
        return fallback


def _lag(consumer: KafkaConsumer) -> int:
    total = 0
    for partition in consumer.assignment():
        highwater = consumer.highwater(partition)
        if highwater is not None:
            total += max(0, highwater - consumer.position(partition))
    return total
