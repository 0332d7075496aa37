"""Common base for every event: frozen, strict about unknown fields, versioned in the payload."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class EventModel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=False)


class Event(EventModel):
    """A top-level event. ``event_id`` is the idempotency key every sink dedupes on."""

    schema_version: int
    event_id: str

    def kafka_key(self) -> str:
        raise NotImplementedError
