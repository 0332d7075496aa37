"""Request and response bodies of the coach API (they make the OpenAPI document)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.events.assignments import AssignmentReason
from shared.events.interactions import Channel
from shared.events.scores import Dimension

AssignmentStatus = Literal["assigned", "in_progress", "completed", "expired"]


class DimensionProfileOut(BaseModel):
    dimension: Dimension
    estimate: float = Field(description="Shrunk, recency-weighted estimate in [0, 1].")
    interval_low: float
    interval_high: float
    standard_error: float
    effective_n: float = Field(description="Recency-weighted evidence mass (decayed count).")
    scored_messages: int
    raw_mean: float | None = Field(description="The agent's own weighted mean, unshrunk.")
    team_mean: float
    shrinkage_weight: float = Field(description="n_eff / (n_eff + k): the weight of own data.")
    last_message_at: datetime | None


class FocusOut(BaseModel):
    dimension: Dimension
    estimate: float
    interval_low: float
    interval_high: float
    evidence_count: int
    team_mean: float
    change: Literal["new", "kept", "clearly_lower", "outgrown"]
    explanation: str


class ProfileOut(BaseModel):
    agent_id: str
    team_id: str
    as_of: datetime
    half_life_days: float
    min_evidence: int
    channels: list[str]
    dimensions: list[DimensionProfileOut]
    focus: FocusOut | None
    focus_note: str = Field(description="Why this focus, or why there is none yet.")


class AssignmentOut(BaseModel):
    assignment_id: str
    agent_id: str
    scenario_id: str
    scenario_title: str | None
    target_dimension: Dimension
    week: str
    difficulty: int
    status: AssignmentStatus
    reason: AssignmentReason
    assigned_at: datetime
    started_at: datetime | None
    completed_at: datetime | None
    practice_score: float | None


class AssignmentListOut(BaseModel):
    agent_id: str
    assignments: list[AssignmentOut]


class ScenarioSummaryOut(BaseModel):
    id: str
    title: str
    dimensions: list[Dimension]
    emotion: str
    intensity: int
    difficulty: int
    channel: Channel
    industry: str
    timebox_minutes: int
    tags: list[str]


class ScriptStepOut(BaseModel):
    index: int = Field(description="The turn number an attempt answers.")
    kind: Literal["customer", "curveball"]
    text: str


class PracticeOut(BaseModel):
    title: str
    channel: Channel
    persona_name: str
    persona_summary: str
    agent_role: str
    timebox_minutes: int
    script: list[ScriptStepOut]
    success_signals: list[str]
    reflection_questions: list[str]


class SuggestionOut(BaseModel):
    dimension: str
    framework: str
    text: str


class AttemptIn(BaseModel):
    # Strict: the schema says integer, and lax mode would take JSON false for turn 0.
    model_config = ConfigDict(strict=True)

    turn: int = Field(ge=0, description="The script step (ScriptStepOut.index) this replies to.")
    reply: str = Field(min_length=1, max_length=5000, pattern=r"\S")


class AttemptOut(BaseModel):
    attempt_id: str
    assignment_id: str
    turn: int
    reply: str
    scores: dict[str, float | None]
    overall: float
    target_dimension: Dimension
    target_score: float | None
    evidence: dict[str, list[str]]
    suggestions: list[SuggestionOut]
    feedback: str = Field(description="One kind, concrete next step, or what worked.")
    feedback_kind: Literal["tip", "praise"] = Field(
        description="tip: something to try next; praise: what this reply did well.")
    model_version: str
    created_at: datetime


class AssignmentDetailOut(AssignmentOut):
    practice: PracticeOut
    attempts: list[AttemptOut]


class DecisionOut(BaseModel):
    agent_id: str
    focus_dimension: Dimension | None
    assignment_ids: list[str]
    notes: list[str]


class AdminAssignOut(BaseModel):
    week: str
    agents_considered: int
    agents_assigned: int
    assignments_created: int
    decisions: list[DecisionOut]


class ProblemOut(BaseModel):
    """RFC 9457 problem details (``application/problem+json``)."""

    type: str
    title: str
    status: int
    detail: str


def problem_responses(*statuses: int) -> dict[int | str, dict[str, object]]:
    """OpenAPI entries for the problem responses a route can return."""
    described = {400: "Bad request", 401: "Missing, invalid or expired token",
                 403: "The token may not access this resource", 404: "Not found",
                 409: "Conflict with the current state", 422: "Invalid input",
                 503: "A dependency is unavailable; retry after the Retry-After delay"}
    return {status: {"model": ProblemOut, "description": described[status],
                     "content": {"application/problem+json": {}}} for status in statuses}
