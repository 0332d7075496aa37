"""What happens to a parsed delivery: redact, check, claim, resolve, publish, record.

The HTTP route and the backfill CLI both go through ``IngestPipeline.deliver``, so an event
reaches Kafka the same way whichever door it came in by. The ledger is reached through
``LedgerWriter`` (group commit on its own thread), so the event loop never blocks on it.

Content is redacted and checked (``plausibility``) before anything is claimed: a problem with it
is the sender's (4xx), never an outage. A record the producer holds when the answer is due (the
broker is slow or down) may still be delivered later, so its claim is neither released nor
marked done then: the sender gets 503, a retry meanwhile is told the event is in flight, and the
late acknowledgement or failure settles the claim (done: the retry is a duplicate; failed: the
retry publishes). So a retry after a 503 never publishes an event a second time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from services.ingest.deliveries import ClaimStatus, DeliveryKey
from services.ingest.metrics import DUPLICATES, events_published, redactions
from services.ingest.plausibility import check_publishable
from services.ingest.providers.base import Deferred, Ignored, Normalised, Outcome
from services.ingest.redaction import RedactionPolicy, redact_event
from shared.events import InteractionEvent

Resolver = Callable[[Deferred], Awaitable[Normalised | Ignored]]


class Ledger(Protocol):
    async def claim(self, keys: Sequence[DeliveryKey]) -> list[ClaimStatus]: ...

    def mark_done(self, dedupe_keys: Sequence[str]) -> None:
        """Record published events; need not be durable before the sender is answered."""

    async def release(self, dedupe_keys: Sequence[str]) -> None: ...


class Publisher(Protocol):
    async def publish(self, events: Sequence[InteractionEvent]) -> list[bool]:
        """``True`` per event the broker acknowledged in time."""

    def in_producer(self, event_id: str) -> bool:
        """Whether a send of this event is still unsettled (it may yet be delivered)."""

    def on_late_settlement(self, callback: Callable[[str, bool], None]) -> None:
        """Call ``callback(event_id, acknowledged)`` when such a send settles after its wait."""


class BrokerUnavailable(Exception):
    """The broker did not acknowledge in time: nothing was accepted, the sender retries."""


class DeliveryInFlight(Exception):
    """Another request is publishing the same event right now: the sender retries shortly."""


@dataclass
class DeliveryReport:
    accepted: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)

    @property
    def outcome(self) -> str:
        if self.accepted:
            return "accepted"
        return "duplicate" if self.duplicates else "ignored"


class IngestPipeline:
    def __init__(self, *, ledger: Ledger, publisher: Publisher,
                 policy: RedactionPolicy, resolvers: Mapping[str, Resolver],
                 redaction_budget_s: float = 2.0) -> None:
        self.ledger = ledger
        self.publisher = publisher
        self.policy = policy
        self.resolvers = resolvers
        self.redaction_budget_s = redaction_budget_s
        self._settling: set[asyncio.Task[None]] = set()
        publisher.on_late_settlement(self._settle_late)

    async def deliver(self, provider: str, outcomes: Sequence[Outcome]) -> DeliveryReport:
        """Publish the delivery's events once each; raises ``InvalidPayload`` / ``EventTooLarge``
        / ``RedactionTooSlow`` (the sender's to fix), ``BrokerUnavailable`` or
        ``DeliveryInFlight`` (retry)."""
        report = DeliveryReport(ignored=[o.reason for o in outcomes if isinstance(o, Ignored)])
        pending = _distinct([o for o in outcomes if not isinstance(o, Ignored)], report)
        if not pending:
            return report
        pending = [await self._prepared(item) if isinstance(item, Normalised) else item
                   for item in pending]
        keys = [DeliveryKey(_event_id(item), provider) for item in pending]
        statuses = await self.ledger.claim(keys)
        claimed = [item for item, status in zip(pending, statuses, strict=True)
                   if status is ClaimStatus.CLAIMED]
        report.duplicates.extend(_event_id(item) for item, status
                                 in zip(pending, statuses, strict=True)
                                 if status is ClaimStatus.DONE)
        if any(status is ClaimStatus.IN_FLIGHT for status in statuses):
            await self.ledger.release([_event_id(item) for item in claimed])
            raise DeliveryInFlight("the same event is being published by another request")
        if report.duplicates:
            DUPLICATES.labels(provider).inc(len(report.duplicates))
        await self._publish_claimed(provider, claimed, report)
        return report

    async def _publish_claimed(self, provider: str, claimed: Sequence[Normalised | Deferred],
                               report: DeliveryReport) -> None:
        unsettled = [_event_id(item) for item in claimed]
        try:
            events: list[InteractionEvent] = []
            finished: list[str] = []
            for item in claimed:
                resolved = await self._resolve(provider, item)
                if isinstance(resolved, Ignored):
                    report.ignored.append(resolved.reason)
                    finished.append(_event_id(item))  # nothing to publish, ever
                else:
                    events.append((await self._prepared(resolved)).event)
            acked = await self.publisher.publish(events)
            published = [event for event, ok in zip(events, acked, strict=True) if ok]
            finished.extend(event.event_id for event in published)
            self.ledger.mark_done(finished)
            settled = set(finished)
            unsettled = [key for key in unsettled if key not in settled]
            _count_published(provider, published)
            report.accepted.extend(event.event_id for event in published)
            if len(published) < len(events):
                raise BrokerUnavailable("the broker did not acknowledge in time")
        finally:
            # Failed or cancelled: the sender's retry must publish them again, unless the
            # producer still holds them (``_settle_late`` decides those).
            released = [key for key in unsettled if not self.publisher.in_producer(key)]
            if released:
                await asyncio.shield(self.ledger.release(released))

    async def _prepared(self, item: Normalised) -> Normalised:
        """Redacted and checked. Large texts are redacted on a worker thread, so one huge body
        cannot hold the event loop (health checks, other senders) while it is scanned."""
        event = item.event
        if _text_size(event) <= _INLINE_REDACTION_CHARS:
            redacted = redact_event(event, self.policy, self.redaction_budget_s)
        else:
            redacted = await asyncio.to_thread(redact_event, event, self.policy,
                                               self.redaction_budget_s)
        check_publishable(redacted)
        return Normalised(redacted)

    def _settle_late(self, event_id: str, acknowledged: bool) -> None:
        if acknowledged:
            self.ledger.mark_done([event_id])
            return
        task = asyncio.ensure_future(self.ledger.release([event_id]))
        self._settling.add(task)
        task.add_done_callback(self._settling.discard)

    async def _resolve(self, provider: str, item: Normalised | Deferred) -> Normalised | Ignored:
        if isinstance(item, Normalised):
            return item
        resolver = self.resolvers.get(provider)
        if resolver is None:
            raise RuntimeError(f"no resolver for {provider} deferred content")
        return await resolver(item)


# Below this many characters redaction takes well under a millisecond: a thread hand-off would
# cost more than it saves.
_INLINE_REDACTION_CHARS = 16_384


def _text_size(event: InteractionEvent) -> int:
    conversation = event.conversation
    comment = conversation.satisfaction.comment if conversation.satisfaction else None
    return (sum(len(message.body) for message in event.messages)
            + len(conversation.subject or "") + len(comment or ""))


def _event_id(item: Normalised | Deferred) -> str:
    return item.event.event_id if isinstance(item, Normalised) else item.event_id


def _distinct(items: Sequence[Normalised | Deferred],
              report: DeliveryReport) -> list[Normalised | Deferred]:
    """One claim per event id; a repeat inside the same delivery is a duplicate."""
    seen: set[str] = set()
    distinct = []
    for item in items:
        key = _event_id(item)
        if key in seen:
            report.duplicates.append(key)
        else:
            seen.add(key)
            distinct.append(item)
    return distinct


def _count_published(provider: str, events: Sequence[InteractionEvent]) -> None:
    if events:
        events_published(provider).inc(len(events))
    for event in events:
        for kind, count in event.redactions.items():
            redactions(kind).inc(count)

