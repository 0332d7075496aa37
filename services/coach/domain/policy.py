"""The assignment policy: which drills an agent practises this week, and why. Pure.

Rules, in order: one focus skill per agent per week (chosen by ``focus.choose_focus``; within the
week it moves only on a clear change, ``focus.clear_change``, and then only the drills not yet
started follow it, see ``decide_reaim``); at most ``max_drills_per_week`` drills; no scenario
again within ``no_repeat_weeks``; scenarios in the channels the agent works (all channels when
the library has none of theirs); difficulty one step up after a success and one step down after
a struggle; the deck order rotates per agent and week so two agents (or two weeks) do not see the
same sequence.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from services.coach.domain.focus import (
    FocusChange,
    FocusChoice,
    choose_focus,
    clear_change,
    display_name,
    explain,
)
from services.coach.domain.profile_math import DimensionEstimate
from services.coach.domain.scenario_library import ScenarioLibrary
from services.coach.domain.scenario_models import Scenario
from services.coach.domain.timeutil import as_utc, week_index
from services.coach.domain.wording import channel_drill
from services.coach.settings import PolicySettings
from shared.events.assignments import AssignmentReason
from shared.events.scores import Dimension

MIN_DIFFICULTY, MAX_DIFFICULTY = 1, 5


@dataclass(frozen=True)
class AssignmentPolicy:
    max_drills_per_week: int = 3
    no_repeat_weeks: int = 6
    min_evidence: int = 8
    starting_difficulty: int = 2
    success_score: float = 0.7
    struggle_score: float = 0.45

    @classmethod
    def from_settings(cls, settings: PolicySettings, *, min_evidence: int) -> AssignmentPolicy:
        return cls(max_drills_per_week=settings.max_drills_per_week,
                   no_repeat_weeks=settings.no_repeat_weeks, min_evidence=min_evidence,
                   starting_difficulty=settings.starting_difficulty,
                   success_score=settings.success_score, struggle_score=settings.struggle_score)


@dataclass(frozen=True)
class PastAssignment:
    scenario_id: str
    week: str
    slot: int
    target_dimension: Dimension
    difficulty: int
    status: str
    practice_score: float | None = None
    # When this version of the drill was assigned (re-aiming sets it anew); None in plans.
    assigned_at: datetime | None = None


@dataclass(frozen=True)
class AgentState:
    agent_id: str
    estimates: Mapping[Dimension, DimensionEstimate]
    channels: frozenset[str] = frozenset()
    history: tuple[PastAssignment, ...] = ()


@dataclass(frozen=True)
class PlannedAssignment:
    assignment_id: str
    agent_id: str
    scenario_id: str
    target_dimension: Dimension
    week: str
    slot: int
    difficulty: int
    reason: AssignmentReason


@dataclass(frozen=True)
class Decision:
    agent_id: str
    week: str
    focus: FocusChoice | None
    assignments: tuple[PlannedAssignment, ...] = ()
    target_difficulty: int | None = None
    notes: tuple[str, ...] = field(default=())


def decide_assignments(agent: AgentState, library: ScenarioLibrary, week: str,
                       policy: AssignmentPolicy) -> Decision:
    this_week = [past for past in agent.history if past.week == week]
    slots_left = policy.max_drills_per_week - len(this_week)
    focus, focus_note = _weekly_focus(agent, this_week, week, policy)
    if focus is None:
        return Decision(agent.agent_id, week, None, notes=(focus_note,))
    if slots_left <= 0:
        return Decision(agent.agent_id, week, focus, notes=("the weekly drill cap is reached",))
    pool, channel_note = _channel_pool(library.by_dimension(focus.dimension), agent.channels)
    recent = recently_assigned(agent.history, week, policy.no_repeat_weeks)
    available = [scenario for scenario in pool if scenario.id not in recent]
    target = target_difficulty(agent.history, week, policy)
    ordered = _deck(available, agent.agent_id, week, target)
    first_slot = max((past.slot for past in this_week), default=0) + 1
    planned = tuple(
        _plan(agent.agent_id, week, first_slot + index, scenario, focus, target)
        for index, scenario in enumerate(ordered[:slots_left])
    )
    notes = [note for note in (channel_note,) if note]
    if len(planned) < slots_left:
        notes.append(f"only {len(available)} unused {display_name(focus.dimension).lower()} "
                     f"scenarios in the last {policy.no_repeat_weeks} weeks")
    return Decision(agent.agent_id, week, focus, planned, target, tuple(notes))


@dataclass(frozen=True)
class ReaimedDrill:
    """A not-started drill of this week, moved to the new focus (same id and slot)."""

    drill: PlannedAssignment
    replaces_scenario_id: str  # the update applies only while the row still holds this one
    assigned_at: datetime  # strictly after the replaced version's: the version is new


@dataclass(frozen=True)
class ReaimDecision:
    agent_id: str
    week: str
    focus: FocusChoice | None  # None: the week's drills stay as they are
    previous: Dimension | None
    drills: tuple[ReaimedDrill, ...] = ()
    notes: tuple[str, ...] = field(default=())


# Re-aimed versions are told apart by ``assigned_at`` (it names the version in the event id).
_VERSION_STEP = timedelta(microseconds=1)


def decide_reaim(agent: AgentState, library: ScenarioLibrary, week: str,
                 policy: AssignmentPolicy, now: datetime) -> ReaimDecision:
    """Move this week's not-started drills to the new focus when the evidence changed clearly.

    Drills in progress or completed keep their scenario: the agent has practised them. Each moved
    drill gets a fresh scenario for the new focus (same channel and difficulty rules as a plan)
    and a reason that says why it changed. Deciding again on the same evidence moves nothing.
    """
    this_week = [past for past in agent.history if past.week == week]
    previous = week_focus(this_week)
    movable = sorted((p for p in this_week if p.status == "assigned"
                      and p.target_dimension == previous), key=lambda p: p.slot)
    if previous is None or not movable:
        return ReaimDecision(agent.agent_id, week, None, previous,
                             notes=("no drill left to move this week",))
    focus = clear_change(agent.estimates, week_focus=previous, min_evidence=policy.min_evidence)
    if focus is None:
        return ReaimDecision(agent.agent_id, week, None, previous,
                             notes=(f"{display_name(previous)} stays this week's focus: no "
                                    "other skill is clearly lower",))
    pool, channel_note = _channel_pool(library.by_dimension(focus.dimension), agent.channels)
    recent = recently_assigned(agent.history, week, policy.no_repeat_weeks)
    target = target_difficulty(agent.history, week, policy)
    ordered = _deck([s for s in pool if s.id not in recent], agent.agent_id, week, target)
    drills = tuple(
        ReaimedDrill(_plan(agent.agent_id, week, past.slot, scenario, focus, target),
                     replaces_scenario_id=past.scenario_id,
                     assigned_at=_next_version(past.assigned_at, now))
        for past, scenario in zip(movable, ordered, strict=False))
    notes = [note for note in (channel_note,) if note]
    if len(drills) < len(movable):
        notes.append(f"only {len(drills)} unused {display_name(focus.dimension).lower()} "
                     f"scenarios: {len(movable) - len(drills)} drills keep {previous}")
    return ReaimDecision(agent.agent_id, week, focus, previous, drills, tuple(notes))


def week_focus(this_week: Sequence[PastAssignment]) -> Dimension | None:
    """The focus a week's drills train now: that of the most recently assigned version (a
    re-aim assigns anew; drills started before it keep the skill they were started on)."""
    if not this_week:
        return None
    unknown = datetime.min.replace(tzinfo=UTC)
    latest = max(this_week, key=lambda p: (
        as_utc(p.assigned_at) if p.assigned_at else unknown, p.slot))
    return latest.target_dimension


def recently_assigned(history: Sequence[PastAssignment], week: str, window: int) -> set[str]:
    """Scenarios assigned within ``window`` weeks of ``week`` (either side: re-runs of past weeks
    must not create a repeat the following weeks already hold)."""
    current = week_index(week)
    return {past.scenario_id for past in history if abs(current - week_index(past.week)) < window}


def target_difficulty(history: Sequence[PastAssignment], week: str,
                      policy: AssignmentPolicy) -> int:
    """One step from the latest drill with an outcome: up after a success, down after a struggle."""
    current = week_index(week)
    earlier = [p for p in history if week_index(p.week) < current and _has_outcome(p)]
    if not earlier:
        return policy.starting_difficulty
    latest = max(earlier, key=lambda p: (week_index(p.week), p.slot))
    step = 0
    if latest.practice_score is not None and latest.practice_score < policy.struggle_score:
        step = -1
    elif (latest.status == "completed" and latest.practice_score is not None
          and latest.practice_score >= policy.success_score):
        step = 1
    return min(MAX_DIFFICULTY, max(MIN_DIFFICULTY, latest.difficulty + step))


def rotation_key(agent_id: str, week: str, scenario_id: str) -> str:
    """Deterministic, but a different shuffle for every agent and week."""
    return hashlib.sha256(f"{agent_id}|{week}|{scenario_id}".encode()).hexdigest()


def assignment_id(week: str, agent_id: str, slot: int) -> str:
    return f"asg_{week}_{agent_id}_{slot}"


def _deck(scenarios: Sequence[Scenario], agent_id: str, week: str,
          target: int) -> list[Scenario]:
    """Nearest the target difficulty first; ties in this agent's and week's own order."""
    return sorted(scenarios, key=lambda s: (abs(s.difficulty - target),
                                            rotation_key(agent_id, week, s.id)))


def _next_version(previous: datetime | None, now: datetime) -> datetime:
    if previous is None:
        return as_utc(now)
    return max(as_utc(now), as_utc(previous) + _VERSION_STEP)


def _has_outcome(past: PastAssignment) -> bool:
    return past.status == "completed" or past.practice_score is not None


def _weekly_focus(agent: AgentState, this_week: list[PastAssignment], week: str,
                  policy: AssignmentPolicy) -> tuple[FocusChoice | None, str]:
    dimension = week_focus(this_week)
    if dimension is not None:
        # The week already has a focus; more drills this week must train the same skill.
        estimate = agent.estimates.get(dimension)
        if estimate is None:
            return None, f"this week's focus {dimension} has no profile"
        sentence = f"{display_name(dimension)} is this week's focus: {explain(estimate)}"
        return FocusChoice(dimension, estimate, FocusChange.KEPT, sentence), sentence
    decision = choose_focus(agent.estimates, current_focus=_previous_focus(agent.history, week),
                            min_evidence=policy.min_evidence)
    return decision.choice, decision.reason


def _previous_focus(history: Sequence[PastAssignment], week: str) -> Dimension | None:
    current = week_index(week)
    earlier = [p for p in history if week_index(p.week) < current]
    if not earlier:
        return None
    latest_week = max(week_index(p.week) for p in earlier)
    return week_focus([p for p in earlier if week_index(p.week) == latest_week])


def _channel_pool(candidates: Sequence[Scenario], channels: frozenset[str]) -> tuple[
        list[Scenario], str]:
    matching = [scenario for scenario in candidates if scenario.channel in channels]
    if matching:
        return matching, ""
    if not channels:
        return list(candidates), "no channel seen yet, so every channel is in the deck"
    return list(candidates), "no scenario in your channels, so every channel is in the deck"


def _plan(agent_id: str, week: str, slot: int, scenario: Scenario, focus: FocusChoice,
          target: int) -> PlannedAssignment:
    estimate = focus.estimate
    why_drill = (f"'{scenario.title}' is {channel_drill(scenario.channel)} at difficulty "
                 f"{scenario.difficulty} of 5 (your level: {target}).")
    reason = AssignmentReason(
        dimension=focus.dimension,
        estimate=estimate.estimate, interval_low=estimate.interval_low,
        interval_high=estimate.interval_high, evidence_count=estimate.scored_messages,
        team_mean=estimate.team_mean, explanation=f"{focus.explanation} {why_drill}",
    )
    return PlannedAssignment(assignment_id(week, agent_id, slot), agent_id, scenario.id,
                             focus.dimension, week, slot, scenario.difficulty, reason)
