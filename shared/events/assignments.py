"""``coach.assignments.v1``: a drill assigned to an agent, with the reason, keyed by agent."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from shared.events.base import Event, EventModel
from shared.events.moments import EventTime
from shared.events.scores import Dimension


class AssignmentReason(EventModel):
    dimension: Dimension
    estimate: float = Field(ge=0, le=1)
    interval_low: float = Field(ge=0, le=1)
    interval_high: float = Field(ge=0, le=1)
    evidence_count: int = Field(ge=0)
    team_mean: float = Field(ge=0, le=1)
    explanation: str


class AssignmentEvent(Event):
    schema_version: Literal[1] = 1
    event_id: str = Field(min_length=1)
    assignment_id: str = Field(min_length=1)
    agent_id: str = Field(min_length=1)
    scenario_id: str = Field(min_length=1)
    target_dimension: Dimension
    week: str = Field(pattern=r"^\d{4}-W\d{2}$", description="ISO week, e.g. 2026-W48.")
    difficulty: int = Field(ge=1, le=5)
    status: Literal["assigned", "in_progress", "completed", "expired"] = "assigned"
    reason: AssignmentReason
    assigned_at: EventTime

    def kafka_key(self) -> str:
        return self.agent_id
