"""``support.scores.v1``: one event per scored agent message, keyed by agent."""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import Field

from shared.events.base import Event, EventModel
from shared.events.interactions import Channel
from shared.events.moments import EventTime

Dimension = Literal[
    "acknowledgment",
    "apology",
    "ownership",
    "next_steps",
    "exploration",
    "tone",
    "boundaries",
    "personalization",
]
# The rubric's order, derived from the type so the two can never disagree.
DIMENSIONS: tuple[str, ...] = get_args(Dimension)
Emotion = Literal["anger", "fear", "disappointment", "confusion", "neutral", "positive"]
Vulnerability = Literal["health", "financial_strain", "safety", "bereavement"]

UnitScore = float


class DimensionResult(EventModel):
    score: float | None = Field(ge=0, le=1, description="null when the dimension does not apply.")
    evidence: tuple[str, ...] = ()


class CustomerSignals(EventModel):
    emotion: Emotion
    emotion_confidence: float = Field(ge=0, le=1)
    intensity: float = Field(ge=0, le=1)
    vulnerability: Vulnerability | None = None


class ToneResult(EventModel):
    raw: float = Field(ge=0, le=1)
    channel_adjusted: float = Field(ge=0, le=1)


class Suggestion(EventModel):
    dimension: Dimension
    framework: str
    text: str


class ScoreEvent(Event):
    schema_version: Literal[1] = 1
    event_id: str = Field(min_length=1, description="'{message key}@{model_version}'; dedupe key.")
    conversation_key: str = Field(min_length=1)
    message_id: str = Field(min_length=1)
    agent_id: str = Field(min_length=1)
    channel: Channel
    model_version: str = Field(min_length=1)
    message_at: EventTime
    scored_at: EventTime
    dimensions: dict[Dimension, DimensionResult]
    overall: float = Field(ge=0, le=1)
    customer: CustomerSignals
    tone: ToneResult
    suggestions: tuple[Suggestion, ...] = ()

    def kafka_key(self) -> str:
        return self.agent_id
