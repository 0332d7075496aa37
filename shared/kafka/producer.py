"""A producer that only reports success once every in-sync replica has the record."""

from __future__ import annotations

from typing import Any

from kafka import KafkaProducer
from kafka.errors import KafkaError

from shared.events.base import Event
from shared.events.codec import encode_event
from shared.settings import KafkaSettings

# kafka-python refuses a record whose request would pass ``max_request_size`` (1 MiB, the
# broker's own default limit too) with MessageSizeTooLargeError. Callers that take content from
# outside check an encoded event against this before sending, with room for key and headers.
MAX_REQUEST_BYTES = 1024 * 1024
MAX_RECORD_BYTES = MAX_REQUEST_BYTES - 16 * 1024


class PublishError(RuntimeError):
    """The broker did not acknowledge the record; the caller must not report success."""


def create_producer(settings: KafkaSettings, *, client_suffix: str = "producer") -> KafkaProducer:
    return KafkaProducer(
        bootstrap_servers=settings.bootstrap_servers.split(","),
        client_id=f"{settings.client_id}-{client_suffix}",
        acks="all",
        enable_idempotence=True,
        # Short linger batches concurrent webhooks without adding noticeable latency.
        linger_ms=2,
        request_timeout_ms=settings.request_timeout_ms,
        max_block_ms=int(settings.produce_timeout_s * 1000),
        retries=5,
        max_request_size=MAX_REQUEST_BYTES,
    )


def send_bytes(
    producer: KafkaProducer,
    topic: str,
    *,
    key: str,
    value: bytes,
    headers: list[tuple[str, bytes]] | None = None,
) -> Any:
    """Start a send; returns kafka-python's future (``.get(timeout)`` waits for the ack)."""
    return producer.send(topic, key=key.encode("utf-8"), value=value, headers=headers or [])


def publish_event(producer: KafkaProducer, topic: str, event: Event, *, timeout_s: float) -> Any:
    """Send one event and wait for ``acks=all``; raise ``PublishError`` when it is not durable."""
    try:
        future = send_bytes(producer, topic, key=event.kafka_key(), value=encode_event(event))
        return future.get(timeout=timeout_s)
    except KafkaError as exc:
        raise PublishError(f"broker did not acknowledge {topic}: {type(exc).__name__}") from exc


def wait_all(futures: list[Any], *, timeout_s: float) -> None:
    """Wait for a batch of sends; any failure fails the whole batch (the caller replays it)."""
    try:
        for future in futures:
            future.get(timeout=timeout_s)
    except KafkaError as exc:
        raise PublishError(f"broker did not acknowledge a batch: {type(exc).__name__}") from exc
