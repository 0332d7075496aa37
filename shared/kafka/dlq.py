"""Dead-letter records: the original bytes plus why they could not be processed.

A cap on consecutive invalid records makes a bad deploy (one that can decode nothing) halt
instead of draining a whole topic into its DLQ.
"""

from __future__ import annotations

from typing import Any

from kafka import KafkaProducer

from shared.events.topics import dlq_topic
from shared.kafka.metrics import DEAD_LETTERS

REASON_HEADER = "rapport.dlq.reason"
# A reason says what is wrong, in a line or two; an exception's text can be arbitrarily long.
MAX_REASON_CHARS = 500


class DlqLimitExceeded(RuntimeError):
    """Too many invalid records in a row: stop consuming and let an operator look."""


class DlqPolicy:
    def __init__(self, *, max_consecutive_invalid: int) -> None:
        self.max_consecutive_invalid = max_consecutive_invalid
        self.consecutive_invalid = 0

    def record_valid(self) -> None:
        self.consecutive_invalid = 0

    def record_invalid(self) -> None:
        self.consecutive_invalid += 1
        if self.consecutive_invalid > self.max_consecutive_invalid:
            raise DlqLimitExceeded(
                f"{self.consecutive_invalid} invalid records in a row "
                f"(limit {self.max_consecutive_invalid}); halting instead of draining the topic"
            )


def send_to_dlq(producer: KafkaProducer, record: Any, *, reason: str, group_id: str) -> Any:
    """Forward a consumed record, unchanged, to ``<topic>.dlq``; returns the send future."""
    headers = [
        (REASON_HEADER, _short(reason).encode("utf-8")),
        ("rapport.dlq.original_topic", record.topic.encode("utf-8")),
        ("rapport.dlq.original_partition", str(record.partition).encode("ascii")),
        ("rapport.dlq.original_offset", str(record.offset).encode("ascii")),
        ("rapport.dlq.consumer_group", group_id.encode("utf-8")),
    ]
    DEAD_LETTERS.labels(record.topic).inc()
    return producer.send(
        dlq_topic(record.topic), key=record.key, value=record.value, headers=headers
    )


def _short(reason: str) -> str:
    return reason if len(reason) <= MAX_REASON_CHARS else reason[:MAX_REASON_CHARS - 1] + "…"
