"""Stored records and pure results -> API response models."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from services.coach.domain.focus import FocusDecision
from services.coach.domain.frameworks import Move
from services.coach.domain.practice_script import script_steps
from services.coach.domain.profile_math import DimensionEstimate
from services.coach.domain.scenario_library import ScenarioLibrary
from services.coach.domain.scenario_models import Scenario
from services.coach.domain.skill_words import measures
from services.coach.domain.timeutil import week_index
from services.coach.domain.wording import channel_name
from services.coach.schemas.lines import (
    LineOut,
    PhrasebookLineOut,
    QueuedLineOut,
    ReplyCandidateOut,
)
from services.coach.schemas.practice import (
    AssignmentDetailOut,
    AssignmentOut,
    AttemptOut,
    CareNoteOut,
    DimensionProfileOut,
    FocusOut,
    MoveOut,
    PracticeOut,
    ProfileOut,
    SavedReflectionOut,
    ScenarioSummaryOut,
    ScriptStepOut,
    SuggestionOut,
)
from services.coach.settings import ProfileSettings
from services.coach.store.assignment_store import AssignmentRecord
from services.coach.store.attempt_store import AttemptRecord
from services.coach.store.reflection_store import ReflectionRecord
from services.coach.workflows.phrasebook import LineRecord, ReplyCandidate
from services.coach.workflows.practice import (
    Feedback,
    feedback,
    feedback_in_order,
    in_practice_order,
)
from shared.events.scores import DIMENSIONS, Dimension

OVERALL_MEANING = "all the skills this reply was scored on, together"
# What a customer may share, said gently (the brief warns without spoiling the disclosure).
CARE_TOPICS = {"health": "their health", "financial_strain": "money worries",
               "safety": "not feeling safe", "bereavement": "a bereavement"}


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
        feedback=shown.text, feedback_kind=shown.kind, feedback_dimension=shown.dimension,
        feedback_move=move_out(shown.move), feedback_quotes=list(shown.quotes),
        growth=shown.growth, target_meaning=measures(target_dimension),
        overall_meaning=OVERALL_MEANING, model_version=attempt.model_version,
        created_at=attempt.created_at)


def move_out(move: Move | None) -> MoveOut | None:
    if move is None:
        return None
    framework = move.framework
    return MoveOut(framework=framework.name, framework_full_name=framework.full_name,
                   framework_steps=framework.steps, move=move.move)


def practice_out(scenario: Scenario) -> PracticeOut:
    """Everything the drill page shows: the brief, the script and the closing screen."""
    vulnerability = scenario.vulnerability
    return PracticeOut(
        title=scenario.title, channel=scenario.channel,
        channel_name=channel_name(scenario.channel), persona_name=scenario.persona.name,
        persona_summary=scenario.persona.summary, emotion=scenario.emotion,
        intensity=scenario.intensity, stakes=scenario.stakes,
        accessibility_needs=list(scenario.accessibility_needs),
        cultural_cues=list(scenario.cultural_cues),
        care_note=None if vulnerability is None else CareNoteOut(
            kind=CARE_TOPICS.get(vulnerability.kind, vulnerability.kind.replace("_", " ")),
            expected_handling=vulnerability.expected_handling),
        agent_role=scenario.roles.agent, customer_role=scenario.roles.customer,
        observer_focus=scenario.roles.observer, timebox_minutes=scenario.timebox_minutes,
        script=[ScriptStepOut(index=s.index, kind=s.kind, text=s.text,
                              from_customer=s.from_customer, label=s.label, source=s.source,
                              prompt=s.prompt, curveball_kind=s.curveball_kind)
                for s in script_steps(scenario)],
        success_signals=list(scenario.success_signals),
        reflection_questions=list(scenario.reflection_questions),
        strong_example=scenario.examples.strong)


def reflection_out(record: ReflectionRecord) -> SavedReflectionOut:
    return SavedReflectionOut(question_index=record.question_index, question=record.question,
                         answer=record.answer, created_at=record.created_at)


def assignment_detail_out(record: AssignmentRecord, scenario: Scenario, library: ScenarioLibrary,
                          attempts: Sequence[AttemptRecord], *,
                          current_week: str) -> AssignmentDetailOut:
    base = assignment_out(record, library, current_week=current_week)
    shown = {a.attempt_id: given for a, given in
             feedback_in_order(in_practice_order(attempts), record.target_dimension)}
    return AssignmentDetailOut(
        **base.model_dump(), practice=practice_out(scenario),
        attempts=[attempt_out(a, record.target_dimension, shown[a.attempt_id]) for a in attempts])


def scenario_summary_out(scenario: Scenario) -> ScenarioSummaryOut:
    return ScenarioSummaryOut(
        id=scenario.id, title=scenario.title, dimensions=list(scenario.dimensions),
        emotion=scenario.emotion, intensity=scenario.intensity, difficulty=scenario.difficulty,
        channel=scenario.channel, industry=scenario.industry,
        timebox_minutes=scenario.timebox_minutes, tags=list(scenario.tags))


def line_out(line: LineRecord) -> LineOut:
    return LineOut.model_validate({
        "line_id": line.line_id, "text": line.text, "dimension": line.dimension,
        "emotion": line.emotion, "channel": line.channel, "source": line.source,
        "status": line.status, "note": line.note, "redacted": line.redacted,
        "shared_at": line.shared_at, "decided_at": line.decided_at})


def queued_line_out(line: LineRecord) -> QueuedLineOut:
    return QueuedLineOut(**line_out(line).model_dump(), agent_id=line.agent_id,
                         source_score=line.source_score)


def phrasebook_line_out(line: LineRecord) -> PhrasebookLineOut:
    return PhrasebookLineOut.model_validate({"text": line.text, "dimension": line.dimension,
                                             "emotion": line.emotion, "channel": line.channel})


def candidate_out(candidate: ReplyCandidate) -> ReplyCandidateOut:
    return ReplyCandidateOut.model_validate({
        "message_id": candidate.message_id, "channel": candidate.channel,
        "message_at": candidate.message_at, "reply": candidate.body,
        "high_scores": candidate.high_scores})
