"""Stored records and pure results -> API response models."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from services.coach.api_models import (
    AssignmentDetailOut,
    AssignmentOut,
    AttemptOut,
    DimensionProfileOut,
    FocusOut,
    PracticeOut,
    ProfileOut,
    ScenarioSummaryOut,
    ScriptStepOut,
    SuggestionOut,
)
from services.coach.assignment_store import AssignmentRecord
from services.coach.attempt_store import AttemptRecord
from services.coach.focus import FocusDecision
from services.coach.practice import Feedback, feedback, feedback_in_order, in_practice_order
from services.coach.practice_script import script_steps
from services.coach.profile_math import DimensionEstimate
from services.coach.scenario_library import ScenarioLibrary
from services.coach.scenario_models import Scenario
from services.coach.settings import ProfileSettings
from services.coach.timeutil import week_index
from shared.events.scores import DIMENSIONS, Dimension


def profile_out(agent_id: str, team: str, estimates: Mapping[Dimension, DimensionEstimate],
                focus: FocusDecision, channels: Sequence[str], *, as_of: datetime,
                settings: ProfileSettings) -> ProfileOut:
    ordered = sorted(estimates.values(), key=lambda e: DIMENSIONS.index(e.dimension))
    choice = focus.choice
    return ProfileOut(
        agent_id=agent_id, team_id=team, as_of=as_of, half_life_days=settings.half_life_days,
        min_evidence=settings.min_evidence, channels=sorted(channels),
        dimensions=[DimensionProfileOut(
            dimension=e.dimension, estimate=e.estimate, interval_low=e.interval_low,
            interval_high=e.interval_high, standard_error=e.standard_error,
            effective_n=e.effective_n, scored_messages=e.scored_messages, raw_mean=e.raw_mean,
            team_mean=e.team_mean, shrinkage_weight=e.shrinkage_weight,
            last_message_at=e.last_message_at) for e in ordered],
        focus=None if choice is None else FocusOut(
            dimension=choice.dimension, estimate=choice.estimate.estimate,
            interval_low=choice.estimate.interval_low, interval_high=choice.estimate.interval_high,
            evidence_count=choice.estimate.scored_messages, team_mean=choice.estimate.team_mean,
            change=choice.change.value, explanation=choice.explanation),
        focus_note=focus.reason,
    )


def assignment_out(record: AssignmentRecord, library: ScenarioLibrary, *,
                   current_week: str) -> AssignmentOut:
    title = library.get(record.scenario_id).title if record.scenario_id in library else None
    status = record.status
    if status in ("assigned", "in_progress") and week_index(record.week) < week_index(
            current_week):
        status = "expired"  # its week is over; the drill stays open for practice all the same
    return AssignmentOut(
        assignment_id=record.assignment_id, agent_id=record.agent_id,
        scenario_id=record.scenario_id, scenario_title=title,
        target_dimension=record.target_dimension, week=record.week,
        difficulty=record.difficulty, status=status, reason=record.reason,
        assigned_at=record.assigned_at, started_at=record.started_at,
        completed_at=record.completed_at, practice_score=record.practice_score)


def attempt_out(attempt: AttemptRecord, target_dimension: Dimension,
                given: Feedback | None = None) -> AttemptOut:
    """``given``: the feedback worked out with the drill's earlier attempts in view."""
    shown = given if given is not None else feedback(attempt, target_dimension)
    return AttemptOut(
        attempt_id=attempt.attempt_id, assignment_id=attempt.assignment_id, turn=attempt.turn,
        reply=attempt.reply, scores=attempt.scores, overall=attempt.overall,
        target_dimension=target_dimension,
        target_score=attempt.target_score, evidence=attempt.evidence,
        suggestions=[SuggestionOut.model_validate(s) for s in attempt.suggestions],
        feedback=shown.text, feedback_kind=shown.kind, model_version=attempt.model_version,
        created_at=attempt.created_at)


def assignment_detail_out(record: AssignmentRecord, scenario: Scenario, library: ScenarioLibrary,
                          attempts: Sequence[AttemptRecord], *,
                          current_week: str) -> AssignmentDetailOut:
    practice = PracticeOut(
        title=scenario.title, channel=scenario.channel, persona_name=scenario.persona.name,
        persona_summary=scenario.persona.summary, agent_role=scenario.roles.agent,
        timebox_minutes=scenario.timebox_minutes,
        script=[ScriptStepOut(index=s.index, kind=s.kind, text=s.text)
                for s in script_steps(scenario)],
        success_signals=list(scenario.success_signals),
        reflection_questions=list(scenario.reflection_questions))
    base = assignment_out(record, library, current_week=current_week)
    shown = {a.attempt_id: given for a, given in
             feedback_in_order(in_practice_order(attempts), record.target_dimension)}
    return AssignmentDetailOut(
        **base.model_dump(), practice=practice,
        attempts=[attempt_out(a, record.target_dimension, shown[a.attempt_id]) for a in attempts])


def scenario_summary_out(scenario: Scenario) -> ScenarioSummaryOut:
    return ScenarioSummaryOut(
        id=scenario.id, title=scenario.title, dimensions=list(scenario.dimensions),
        emotion=scenario.emotion, intensity=scenario.intensity, difficulty=scenario.difficulty,
        channel=scenario.channel, industry=scenario.industry,
        timebox_minutes=scenario.timebox_minutes, tags=list(scenario.tags))
