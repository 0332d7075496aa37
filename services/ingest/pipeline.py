"""What happens to a parsed delivery: claim, resolve, redact, publish, record.

The HTTP route and the backfill CLI both go through ``IngestPipeline.deliver``, so an event
reaches Kafka the same way whichever door it came in by. The ledger is reached through
``LedgerWriter`` (group commit on its own thread), so the event loop never blocks on it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from services.ingest.deliveries import ClaimStatus, DeliveryKey
from services.ingest.metrics import DUPLICATES, events_published, redactions
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
                 policy: RedactionPolicy, resolvers: Mapping[str, Resolver]) -> None:
        self.ledger = ledger
        self.publisher = publisher
        self.policy = policy
        self.resolvers = resolvers

    async def deliver(self, provider: str, outcomes: Sequence[Outcome]) -> DeliveryReport:
        report = DeliveryReport(ignored=[o.reason for o in outcomes if isinstance(o, Ignored)])
        pending = _distinct([o for o in outcomes if not isinstance(o, Ignored)], report)
        if not pending:
            return report
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
                    events.append(redact_event(resolved.event, self.policy))
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
            if unsettled:  # failed or cancelled: the sender's retry must publish them again
                await asyncio.shield(self.ledger.release(unsettled))

    async def _resolve(self, provider: str, item: Normalised | Deferred) -> Normalised | Ignored:
        if isinstance(item, Normalised):
            return item
        resolver = self.resolvers.get(provider)
        if resolver is None:
            raise RuntimeError(f"no resolver for {provider} deferred content")
        return await resolver(item)


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

