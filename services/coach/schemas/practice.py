"""Request and response bodies of the coach API (they make the OpenAPI document)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from services.coach.domain.scenario_models import CurveballKind
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
    from_customer: bool = Field(description="False for a policy change, outage or internal "
                                            "note: it comes from the agent's own company.")
    label: str = Field(description='What the step is, in words: "Customer", "Policy change".')
    source: str = Field(description="Where it comes from, in words.")
    prompt: str = Field(description="What the agent writes here: a reply, or an update.")
    curveball_kind: CurveballKind | None


class CareNoteOut(BaseModel):
    kind: str = Field(description="What the customer may share (health, money worries, ...).")
    expected_handling: str


class PracticeOut(BaseModel):
    title: str
    channel: Channel
    channel_name: str = Field(description='The channel as people say it ("email", "SMS").')
    persona_name: str
    persona_summary: str
    emotion: str
    intensity: int
    stakes: str
    accessibility_needs: list[str]
    cultural_cues: list[str]
    care_note: CareNoteOut | None = Field(
        description="How to handle a vulnerability the customer may disclose.")
    agent_role: str
    customer_role: str
    observer_focus: str = Field(description="What a coach watching the drill would look for.")
    timebox_minutes: int
    script: list[ScriptStepOut]
    success_signals: list[str]
    reflection_questions: list[str]
    strong_example: str = Field(description="A strong reply, shown next to the agent's at the "
                                            "end.")


class SuggestionOut(BaseModel):
    dimension: str
    framework: str
    text: str


class AttemptIn(BaseModel):
    # Strict: the schema says integer, and lax mode would take JSON false for turn 0.
    model_config = ConfigDict(strict=True)

    turn: int = Field(ge=0, description="The script step (ScriptStepOut.index) this replies to.")
    reply: str = Field(min_length=1, max_length=5000, pattern=r"\S")
    # Optional so that clients from before re-aiming keep working.
    scenario_id: str | None = Field(
        default=None, min_length=1, max_length=200,
        description="The scenario the reply was written to (AssignmentDetailOut.scenario_id, as "
                    "loaded). A drill not yet started can be re-aimed to a new scenario while "
                    "it is open; if this no longer matches, the reply is refused with 409 and "
                    "nothing is stored: reload the drill to see the new scenario and why.")


class MoveOut(BaseModel):
    framework: str = Field(description='As tips write it: "NURSE", "L.A.S.T.", "NVC".')
    framework_full_name: str
    framework_steps: str = Field(description="What the framework's letters or parts stand for.")
    move: str = Field(description='The part of the framework: "Name, Understand".')


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
    feedback_dimension: str | None = Field(description="The skill the feedback is about.")
    feedback_move: MoveOut | None = Field(description="The move and the framework it is from.")
    feedback_quotes: list[str] = Field(
        description="The agent's own sentences the feedback is about (the scorer's evidence).")
    growth: str | None = Field(description="Said when the skill rose since the last reply.")
    target_meaning: str = Field(description="What the target score measures, about the reply.")
    overall_meaning: str
    model_version: str
    created_at: datetime


class SavedReflectionOut(BaseModel):
    question_index: int
    question: str
    answer: str
    created_at: datetime = Field(description="When this answer was saved.")


class AssignmentDetailOut(AssignmentOut):
    practice: PracticeOut
    attempts: list[AttemptOut]


class ReflectionAnswerIn(BaseModel):
    model_config = ConfigDict(strict=True)

    question_index: int = Field(ge=0, description="Index into the drill's reflection_questions.")
    answer: str = Field(min_length=1, max_length=5000, pattern=r"\S")


class ReflectionsIn(BaseModel):
    answers: list[ReflectionAnswerIn] = Field(min_length=1, max_length=20)


class ReflectionListOut(BaseModel):
    assignment_id: str
    reflections: list[SavedReflectionOut]


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


# The agent's home page (GET /v1/agents/{agent_id}/home). Every percentage travels with what it
# measures, so the page never shows a bare number.

class QuoteOut(BaseModel):
    sentences: list[str] = Field(description="The agent's own sentence(s) the scorer quoted.")
    score: float = Field(description="The reply's score for the focus skill, in [0, 1].")
    verdict: Literal["worked well", "on the way", "room to grow"] = Field(
        description="The score in words, so it is never told by a number or colour alone.")
    message_at: datetime
    channel: str


class HomeFocusOut(BaseModel):
    dimension: Dimension
    name: str
    measures: str = Field(description="What this skill's score looks for in a reply.")
    reason: str = Field(description="Why this is the focus, in plain words.")
    estimate: float | None = Field(description="The agent's current level in [0, 1].")
    team_mean: float | None
    scored_messages: int
    evidence: list[QuoteOut] = Field(description="Two or three of the agent's own scored "
                                                 "sentences for this skill.")


class HomeDrillOut(BaseModel):
    assignment_id: str
    title: str
    target_dimension: Dimension
    week: str
    status: AssignmentStatus
    timebox_minutes: int | None
    difficulty: int
    channel: str | None
    why: str = Field(description="Why this drill was chosen, in plain words.")
    self_chosen: bool
    practice_score: float | None


class SkillPointOut(BaseModel):
    week: str
    mean: float = Field(description="Average score per scored reply that week, in [0, 1].")
    scored_count: int


class SkillSeriesOut(BaseModel):
    dimension: Dimension
    name: str
    measures: str
    points: list[SkillPointOut]


class ChangeOut(BaseModel):
    kind: Literal["focus", "practice", "skill"]
    direction: Literal["up", "down", "steady", "new", "none"]
    dimension: Dimension | None
    before: float | None
    after: float | None
    text: str


class ScenarioChoiceOut(BaseModel):
    scenario_id: str
    title: str
    dimension: Dimension = Field(description="The skill this drill would practise.")
    timebox_minutes: int
    difficulty: int
    channel: str


class HistoryItemOut(BaseModel):
    assignment_id: str
    title: str
    target_dimension: Dimension
    week: str
    completed_at: datetime | None
    practice_score: float | None = Field(
        description="Average score for the drill's skill over the drill's replies, in [0, 1].")
    reflections: list[SavedReflectionOut]


class HomeOut(BaseModel):
    agent_id: str
    week: str
    greeting: str
    encouragement: str
    focus: HomeFocusOut | None
    focus_note: str = Field(description="Why there is this focus, or none yet.")
    drills: list[HomeDrillOut] = Field(description="This week's drills, and open earlier ones.")
    can_choose: bool = Field(description="No drill is waiting: the agent may pick one.")
    choices: list[ScenarioChoiceOut] = Field(
        description="Scenarios to pick from: the focus skill's, or across skills without one.")
    chart_weeks: list[str]
    chart_summary: str
    series: list[SkillSeriesOut]
    compared_weeks: list[str] = Field(description="[earlier week, later week].")
    changes: list[ChangeOut]
    history: list[HistoryItemOut]


class ChooseDrillIn(BaseModel):
    scenario_id: str = Field(min_length=1, max_length=120)
    dimension: Dimension | None = Field(
        default=None, description="The skill to practise; this week's focus when omitted.")
