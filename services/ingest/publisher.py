"""Publishing without blocking the event loop: kafka-python's future bridged to asyncio.

``producer.send`` only appends to the producer's buffer (topic metadata is fetched at start-up,
so it does not block); the producer's own I/O thread completes the future on ``acks=all``, and
the callback hands the result to the event loop. The caller waits at most ``timeout_s``.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from typing import Any

from kafka import KafkaProducer
from kafka.errors import KafkaError

from services.ingest.loop_bridge import settle_threadsafe
from services.ingest.metrics import PRODUCE_LATENCY
from shared.events import InteractionEvent
from shared.events.codec import encode_event
from shared.kafka.producer import send_bytes


class EventPublisher:
    def __init__(self, producer: KafkaProducer, topic: str, *, timeout_s: float) -> None:
        self.producer = producer
        self.topic = topic
        self.timeout_s = timeout_s

    def warm_up(self) -> None:
        """Fetch the topic's metadata now, so ``send`` never waits for it on a request."""
        self.producer.partitions_for(self.topic)

    async def publish(self, events: Sequence[InteractionEvent]) -> list[bool]:
        """Send every event; ``True`` where the broker acknowledged it within the timeout."""
        loop = asyncio.get_running_loop()
        waiters = [self._send(loop, event) for event in events]
        if not waiters:
            return []
        _done, late = await asyncio.wait(waiters, timeout=self.timeout_s)
        for waiter in late:  # the sender gets its 503; a late ack only makes a duplicate
            waiter.cancel()
        return [waiter.done() and not waiter.cancelled() and waiter.exception() is None
                for waiter in waiters]

    def _send(self, loop: asyncio.AbstractEventLoop,
              event: InteractionEvent) -> asyncio.Future[None]:
        waiter: asyncio.Future[None] = loop.create_future()
        started = time.perf_counter()

        def acknowledged(_metadata: Any) -> None:
            PRODUCE_LATENCY.observe(time.perf_counter() - started)
            settle_threadsafe(loop, waiter)

        def failed(error: BaseException) -> None:
            settle_threadsafe(loop, waiter, error=error)

        try:
            future = send_bytes(self.producer, self.topic, key=event.kafka_key(),
                                value=encode_event(event))
        except KafkaError as error:
            waiter.set_exception(error)
            return waiter
        future.add_callback(acknowledged)
        future.add_errback(failed)
        return waiter
