"""Bytes <-> events. Decoding failures carry a reason fit for a dead-letter record."""

from __future__ import annotations

from typing import TypeVar

from pydantic import ValidationError

from shared.events.assignments import AssignmentEvent
from shared.events.base import Event
from shared.events.interactions import InteractionEvent
from shared.events.scores import ScoreEvent
from shared.events.topics import ASSIGNMENTS, INTERACTIONS, SCORES

E = TypeVar("E", bound=Event)

EVENT_TYPES: dict[str, type[Event]] = {
    INTERACTIONS: InteractionEvent,
    SCORES: ScoreEvent,
    ASSIGNMENTS: AssignmentEvent,
}


class EventDecodeError(ValueError):
    """The record cannot become an event; ``reason`` says why, without echoing the payload."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def encode_event(event: Event) -> bytes:
    return event.model_dump_json().encode("utf-8")


def decode_event(topic: str, raw: bytes | None) -> Event:
    """Decode a record of a logical topic (``support.scores.v1``)."""
    model = EVENT_TYPES.get(topic)
    if model is None:
        raise EventDecodeError(f"no event model for topic {topic!r}")
    return decode_as(model, raw)


def decode_as(model: type[E], raw: bytes | None) -> E:
    if raw is None:
        raise EventDecodeError("record has no value (tombstone)")
    try:
        return model.model_validate_json(raw)
    except ValidationError as exc:
        raise EventDecodeError(_describe(exc)) from None


def _describe(exc: ValidationError) -> str:
    # Field paths and messages only: input values may hold message bodies.
    parts = []
    for error in exc.errors(include_input=False, include_url=False)[:5]:
        location = ".".join(str(p) for p in error["loc"]) or "<root>"
        parts.append(f"{location}: {error['msg']}")
    return "; ".join(parts)
