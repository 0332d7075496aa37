"""Publishing without blocking the event loop: kafka-python's futures bridged to asyncio.

``producer.send`` only appends to the producer's buffer (topic metadata is fetched at start-up,
so it does not block); the producer's own I/O thread completes each record's future on
``acks=all``, and the callback posts the result to the event loop through a ``LoopInbox``, so
the acknowledgements of one produce response reach the loop in one wake-up. A ``publish`` waits
on one future for all its events, for at most ``timeout_s``.

Sends are queued and made together once per turn of the event loop: requests whose ledger
claims were committed in one batch resume together, and their records then share the
producer's per-partition batches. Every new producer batch costs a wake-up of the producer's
I/O thread (a socket write, and a GIL hand-off); sending one by one created one per record.

``send`` stays on the event-loop thread on purpose: under the GIL a second thread would not run
it in parallel with the loop, only add a hand-off per record (see ``bench/ingest/run.py``).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Any

from kafka import KafkaProducer
from kafka.errors import KafkaError, KafkaTimeoutError

from services.ingest.loop_bridge import LoopInbox
from services.ingest.metrics import PRODUCE_LATENCY
from shared.events import InteractionEvent
from shared.events.codec import encode_event
from shared.kafka.producer import send_bytes

log = logging.getLogger(__name__)


LateSettlement = Callable[[str, bool], None]


class _Pending:
    """The acknowledgements one ``publish`` waits for; touched on the loop's thread only."""

    __slots__ = ("acked", "done", "remaining")

    def __init__(self, loop: asyncio.AbstractEventLoop, count: int) -> None:
        self.acked = [False] * count
        self.remaining = count
        self.done: asyncio.Future[None] = loop.create_future()

    def settle(self, index: int, ok: bool) -> bool:
        """Record an outcome; False when the request stopped waiting (timed out, cancelled)."""
        if self.done.done():
            return False
        self.acked[index] = ok
        self.remaining -= 1
        if self.remaining == 0:
            self.done.set_result(None)
        return True

    def expire(self) -> None:
        if not self.done.done():
            self.done.set_result(None)


class _LoopOutbox:
    """Sends queued on one event loop, and the inbox their acknowledgements come back through."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.inbox = LoopInbox(loop)
        self.queued: list[tuple[InteractionEvent, _Pending, int]] = []


class KafkaStartTimeout(RuntimeError):
    """The broker gave no metadata for the topic within the start's budget."""


class EventPublisher:
    def __init__(self, producer: KafkaProducer, topic: str, *, timeout_s: float) -> None:
        self.producer = producer
        self.topic = topic
        self.timeout_s = timeout_s
        self._outbox: _LoopOutbox | None = None
        # Sends handed to the producer and not yet acknowledged or failed, by event id. A
        # record still held when its request gave up may be delivered later; the ledger must
        # learn how it ended (``on_late_settlement``).
        self._in_producer: Counter[str] = Counter()
        self._late: LateSettlement | None = None

    def in_producer(self, event_id: str) -> bool:
        return self._in_producer[event_id] > 0

    def on_late_settlement(self, callback: LateSettlement) -> None:
        self._late = callback

    def warm_up(self, *, within_s: float) -> None:
        """Fetch the topic's metadata now, so ``send`` never waits for it on a request.

        One fetch may wait only as long as a send may (the publish timeout), but a broker that
        is starting, busy or still electing a new topic's leaders can take longer than that:
        the start tries again until ``within_s`` has passed, then names what did not answer.
        """
        deadline = time.monotonic() + within_s
        attempts = 0
        while True:
            attempts += 1
            try:
                self.producer.partitions_for(self.topic)
                return
            except KafkaTimeoutError as exc:
                if time.monotonic() >= deadline:
                    raise KafkaStartTimeout(
                        f"Kafka at {self.producer.config['bootstrap_servers']} gave no metadata "
                        f"for topic {self.topic!r} within {within_s:g} s ({attempts} tries); "
                        "is the broker running and its controller elected?"
                    ) from exc
                log.warning("no metadata for topic %s yet (try %d); trying again",
                            self.topic, attempts)

    async def publish(self, events: Sequence[InteractionEvent]) -> list[bool]:
        """Send every event; ``True`` where the broker acknowledged it within the timeout."""
        if not events:
            return []
        loop = asyncio.get_running_loop()
        outbox = self._outbox
        if outbox is None or outbox.loop is not loop:
            outbox = self._outbox = _LoopOutbox(loop)
        pending = _Pending(loop, len(events))
        if not outbox.queued:
            loop.call_soon(self._flush, outbox)
        outbox.queued.extend((event, pending, index) for index, event in enumerate(events))
        timer = loop.call_later(self.timeout_s, pending.expire)
        try:
            await pending.done
        finally:
            timer.cancel()
            pending.expire()  # cancelled: acks arriving later change nothing
        return list(pending.acked)

    def _flush(self, outbox: _LoopOutbox) -> None:
        """Send what this turn of the loop queued, in order (per-conversation order holds)."""
        queued, outbox.queued = outbox.queued, []
        for event, pending, index in queued:
            if pending.done.done():  # its request was cancelled meanwhile: nobody waits
                continue
            try:
                self._send(outbox.inbox, pending, index, event)
            except Exception:  # not the broker's answer: that request fails, the others go on
                log.exception("could not hand %s to the producer", event.event_id)
                pending.settle(index, False)

    def _send(self, inbox: LoopInbox, pending: _Pending, index: int,
              event: InteractionEvent) -> None:
        started = time.perf_counter()
        try:
            future = send_bytes(self.producer, self.topic, key=event.kafka_key(),
                                value=encode_event(event))
        except KafkaError:
            pending.settle(index, False)
            return
        self._in_producer[event.event_id] += 1
        # kafka-python calls these on its I/O thread (or at once, if already complete).
        future.add_callback(self._acknowledged, inbox, pending, index, event.event_id, started)
        future.add_errback(self._failed, inbox, pending, index, event.event_id)

    def _acknowledged(self, inbox: LoopInbox, pending: _Pending, index: int, event_id: str,
                      started: float, _metadata: Any) -> None:
        PRODUCE_LATENCY.observe(time.perf_counter() - started)
        inbox.put(self._settle, pending, index, event_id, True)

    def _failed(self, inbox: LoopInbox, pending: _Pending, index: int, event_id: str,
                _error: BaseException) -> None:
        inbox.put(self._settle, pending, index, event_id, False)

    def _settle(self, pending: _Pending, index: int, event_id: str, ok: bool) -> None:
        """On the loop's thread: the request's outcome, or the ledger's if it stopped waiting."""
        self._in_producer[event_id] -= 1
        if self._in_producer[event_id] <= 0:
            del self._in_producer[event_id]
        if not pending.settle(index, ok) and self._late is not None:
            self._late(event_id, ok)
