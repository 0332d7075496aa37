"""The small interface every helpdesk module implements: verify, then parse.

``verify`` checks authenticity over the raw bytes and raises ``SignatureRejected``. ``parse`` is
a pure function of the delivery: it returns what the delivery means (normalised events, content
still to fetch, or the reason it carries nothing to score), or raises ``MalformedBody`` (400) /
``InvalidPayload`` (422). Neither touches Kafka, the database or the network.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from shared.events import InteractionEvent


@dataclass(frozen=True)
class Delivery:
    """One HTTP request as received: raw body, lower-case header names."""

    provider: str
    method: str
    url: str
    headers: Mapping[str, str]
    query: Mapping[str, str]
    body: bytes
    received_at: datetime

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


@dataclass(frozen=True)
class Normalised:
    """An event ready for redaction and publishing; ``event.event_id`` is the dedupe key."""

    event: InteractionEvent


@dataclass(frozen=True)
class Deferred:
    """Content the delivery only points at; a resolver fetches it (HubSpot). Subclassed."""

    event_id: str
    provider: str


@dataclass(frozen=True)
class Ignored:
    """Acknowledged, not published: the event type carries no conversation content."""

    reason: str


@dataclass(frozen=True)
class Challenge:
    """A set-up handshake to echo back (Front's ``x-front-challenge``)."""

    text: str


@dataclass(frozen=True)
class Reply:
    """A platform-specific success body (Salesforce wants its SOAP acknowledgement)."""

    body: bytes
    media_type: str


Outcome = Normalised | Deferred | Ignored
ParseResult = Sequence[Outcome] | Challenge


class Provider(Protocol):
    name: str
    success_reply: Reply | None

    def verify(self, delivery: Delivery, secret: str, *, now_s: float,
               replay_window_s: float) -> None:
        """Raise ``SignatureRejected`` unless the delivery is authentic and fresh."""

    def parse(self, delivery: Delivery) -> ParseResult:
        """What the delivery means; raises ``MalformedBody`` / ``InvalidPayload``."""
