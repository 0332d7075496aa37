"""A producer that only reports success once every in-sync replica has the record."""

from __future__ import annotations

import time
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


# How long the producer keeps retrying a send before failing it for good (kafka-python's default,
# set here so ``wait_settled`` knows how long a send can stay undecided).
DELIVERY_TIMEOUT_S = 120.0


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
        delivery_timeout_ms=int(DELIVERY_TIMEOUT_S * 1000),
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


def wait_settled(futures: list[Any], *, timeout_s: float = DELIVERY_TIMEOUT_S + 10) -> list[bool]:
    """Wait until each send is acknowledged or has failed for good; ``True`` per acknowledged one.

    For a caller that records what it published: a send that timed out in ``wait_all`` is still
    in the producer, which retries it until the broker is back, so giving up on it and sending
    the same record again later (a replayed batch, an outbox run) would put it on the topic
    twice. Returns at once on the happy path; while the broker is away, when it is back or the
    producer's delivery timeout has passed (``False`` for a send still undecided then).
    """
    deadline = time.monotonic() + timeout_s
    acknowledged = []
    for future in futures:
        try:
            future.get(timeout=max(0.0, deadline - time.monotonic()))
            acknowledged.append(True)
        except KafkaError:
            acknowledged.append(False)
    return acknowledged
