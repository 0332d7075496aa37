"""The assignment policy as a pure function: examples first, then properties over random states."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import get_args

from hypothesis import given, settings
from hypothesis import strategies as st

from services.coach.domain.policy import (
    AgentState,
    AssignmentPolicy,
    PastAssignment,
    ReaimDecision,
    decide_assignments,
    decide_reaim,
    recently_assigned,
    target_difficulty,
)
from services.coach.domain.timeutil import shift_week, week_index
from shared.events.interactions import Channel
from shared.events.scores import Dimension
from tests.coach.factories import estimate, synthetic_library

AGENT = "zendesk:10000001:902000000001"
WEEK = "2026-W48"
POLICY = AssignmentPolicy()
LIBRARY = synthetic_library(count_per_dimension=10)
DIMS: tuple[Dimension, ...] = get_args(Dimension)


def weak_in(dimension: Dimension, **extra: object) -> AgentState:
    estimates = {dim: estimate(dim, 0.2 if dim == dimension else 0.7) for dim in DIMS}
    return AgentState(agent_id=AGENT, estimates=estimates,
                      channels=frozenset({"chat"}), **extra)  # type: ignore[arg-type]


def past(scenario_id: str, week: str, *, slot: int = 1, difficulty: int = 2,
         status: str = "completed", score: float | None = None,
         dimension: Dimension = "tone") -> PastAssignment:
    return PastAssignment(scenario_id, week, slot, dimension, difficulty, status, score)


def test_three_drills_for_the_weakest_dimension_in_the_agents_channel() -> None:
    decision = decide_assignments(weak_in("apology"), LIBRARY, WEEK, POLICY)
    assert decision.focus is not None
    assert decision.focus.dimension == "apology"
    assert len(decision.assignments) == 3
    for planned in decision.assignments:
        scenario = LIBRARY.get(planned.scenario_id)
        assert planned.target_dimension == "apology"
        assert "apology" in scenario.dimensions
        assert scenario.channel == Channel.CHAT
        assert planned.reason.dimension == "apology"
        assert planned.reason.evidence_count == 20
        assert planned.reason.explanation.startswith("Apology is your lowest skill")
    assert [p.slot for p in decision.assignments] == [1, 2, 3]
    assert decision.assignments[0].assignment_id == f"asg_{WEEK}_{AGENT}_1"


def test_a_week_that_already_has_drills_keeps_its_focus_and_only_fills_the_cap() -> None:
    state = weak_in("apology", history=(past("tone-chat-0", WEEK, dimension="tone",
                                             status="assigned"),))
    decision = decide_assignments(state, LIBRARY, WEEK, POLICY)
    assert decision.focus is not None
    assert decision.focus.dimension == "tone"
    assert [p.slot for p in decision.assignments] == [2, 3]


def test_difficulty_rises_after_a_success_and_eases_after_a_struggle() -> None:
    last_week = shift_week(WEEK, -1)
    success = (past("x", last_week, difficulty=3, score=0.85),)
    struggle = (past("x", last_week, difficulty=3, score=0.2, status="in_progress"),)
    middling = (past("x", last_week, difficulty=3, score=0.6),)
    assert target_difficulty(success, WEEK, POLICY) == 4
    assert target_difficulty(struggle, WEEK, POLICY) == 2
    assert target_difficulty(middling, WEEK, POLICY) == 3
    assert target_difficulty((), WEEK, POLICY) == POLICY.starting_difficulty
    top = (past("x", last_week, difficulty=5, score=0.95),)
    assert target_difficulty(top, WEEK, POLICY) == 5


def test_the_deck_leans_to_the_target_difficulty() -> None:
    state = weak_in("ownership", history=(
        past("old", shift_week(WEEK, -8), difficulty=4, score=0.9, dimension="ownership"),))
    library = synthetic_library(count_per_dimension=10, channels=(Channel.CHAT,))
    decision = decide_assignments(state, library, WEEK, POLICY)
    assert decision.target_difficulty == 5
    assert sorted(p.difficulty for p in decision.assignments) == [4, 5, 5]


def test_decks_rotate_by_week_and_agent_but_are_deterministic() -> None:
    library = synthetic_library(count_per_dimension=25, channels=(Channel.CHAT,))
    state = weak_in("tone")
    first = decide_assignments(state, library, WEEK, POLICY)
    assert first == decide_assignments(state, library, WEEK, POLICY)
    other_agent = AgentState(agent_id="zendesk:10000001:902000000099",
                             estimates=state.estimates, channels=state.channels)
    picks = {tuple(p.scenario_id for p in first.assignments),
             tuple(p.scenario_id for p in decide_assignments(
                 state, library, "2026-W40", POLICY).assignments),
             tuple(p.scenario_id for p in decide_assignments(
                 other_agent, library, WEEK, POLICY).assignments)}
    assert len(picks) == 3


def test_channels_fall_back_to_every_channel_when_none_match() -> None:
    state = AgentState(agent_id=AGENT, estimates=weak_in("tone").estimates,
                       channels=frozenset({"voice"}))
    decision = decide_assignments(state, LIBRARY, WEEK, POLICY)
    assert len(decision.assignments) == 3
    assert any("every channel" in note for note in decision.notes)


def test_scenarios_from_the_last_weeks_are_not_repeated() -> None:
    library = synthetic_library(count_per_dimension=4, channels=(Channel.CHAT,))
    history = tuple(past(f"tone-chat-{i}", shift_week(WEEK, -i - 1), dimension="tone")
                    for i in range(3))
    decision = decide_assignments(weak_in("tone", history=history), library, WEEK, POLICY)
    assert [p.scenario_id for p in decision.assignments] == ["tone-chat-3"]
    assert any("only 1 unused" in note for note in decision.notes)
    much_later = shift_week(WEEK, POLICY.no_repeat_weeks + 3)
    assert len(decide_assignments(weak_in("tone", history=history), library, much_later,
                                  POLICY).assignments) == 3


# --- re-aiming mid-week -----------------------------------------------------------------------

NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
PLANNED_AT = NOW - timedelta(days=2)


def week_on_tone(*statuses: str) -> tuple[PastAssignment, ...]:
    return tuple(PastAssignment(f"tone-chat-{slot}", WEEK, slot, "tone", 2, status,
                                assigned_at=PLANNED_AT)
                 for slot, status in enumerate(statuses, start=1))


def applied(state: AgentState, decision: ReaimDecision) -> AgentState:
    """The history as the store leaves it after the re-aim."""
    moved = {d.drill.slot: d for d in decision.drills}
    history = tuple(
        replace(p, scenario_id=moved[p.slot].drill.scenario_id,
                target_dimension=moved[p.slot].drill.target_dimension,
                difficulty=moved[p.slot].drill.difficulty,
                assigned_at=moved[p.slot].assigned_at)
        if p.week == WEEK and p.slot in moved else p for p in state.history)
    return replace(state, history=history)


def test_not_started_drills_move_to_a_clearly_lower_skill_and_say_why() -> None:
    state = weak_in("apology", history=week_on_tone("in_progress", "assigned", "assigned"))
    decision = decide_reaim(state, LIBRARY, WEEK, POLICY, NOW)
    assert decision.previous == "tone"
    assert decision.focus is not None
    assert decision.focus.dimension == "apology"
    assert [d.drill.slot for d in decision.drills] == [2, 3]  # slot 1 is under way
    assert [d.replaces_scenario_id for d in decision.drills] == ["tone-chat-2", "tone-chat-3"]
    for moved in decision.drills:
        drill = moved.drill
        assert drill.assignment_id == f"asg_{WEEK}_{AGENT}_{drill.slot}"
        assert drill.target_dimension == "apology"
        assert LIBRARY.get(drill.scenario_id).dimensions == ("apology",)
        assert LIBRARY.get(drill.scenario_id).channel == Channel.CHAT
        assert drill.reason.dimension == "apology"
        assert drill.reason.explanation.startswith(
            "Your recent replies show apology is now clearly your lowest skill")
        assert "aimed at tone" in drill.reason.explanation
        assert moved.assigned_at == NOW
    assert len({d.drill.scenario_id for d in decision.drills}) == 2


def test_a_re_aimed_week_stays_put_and_fills_on_its_new_focus() -> None:
    state = weak_in("apology", history=week_on_tone("in_progress", "assigned"))
    first = decide_reaim(state, LIBRARY, WEEK, POLICY, NOW)
    after = applied(state, first)
    again = decide_reaim(after, LIBRARY, WEEK, POLICY, NOW + timedelta(minutes=5))
    assert again.focus is None
    assert again.drills == ()
    # The third slot, filled later in the week, trains the skill the week moved to.
    filled = decide_assignments(after, LIBRARY, WEEK, POLICY)
    assert [(p.slot, p.target_dimension) for p in filled.assignments] == [(3, "apology")]


def test_a_version_is_always_later_than_the_one_it_replaces() -> None:
    # A clock that has not moved (or moved back) still yields a new version, so a new event id.
    history = tuple(replace(p, assigned_at=NOW) for p in week_on_tone("assigned"))
    decision = decide_reaim(weak_in("apology", history=history), LIBRARY, WEEK, POLICY, NOW)
    assert [d.assigned_at > NOW for d in decision.drills] == [True]


def test_nothing_moves_without_a_clear_change_or_a_drill_to_move() -> None:
    close = {dim: estimate(dim, 0.5 if dim == "apology" else 0.55, half_width=0.08)
             for dim in DIMS}
    state = AgentState(agent_id=AGENT, estimates=close, channels=frozenset({"chat"}),
                       history=week_on_tone("assigned", "assigned", "assigned"))
    unclear = decide_reaim(state, LIBRARY, WEEK, POLICY, NOW)
    assert unclear.drills == ()
    assert unclear.notes == ("Tone stays this week's focus: no other skill is clearly lower",)
    all_started = weak_in("apology", history=week_on_tone("in_progress", "completed"))
    assert decide_reaim(all_started, LIBRARY, WEEK, POLICY, NOW).drills == ()
    assert decide_reaim(weak_in("apology"), LIBRARY, WEEK, POLICY, NOW).drills == ()


# --- properties -------------------------------------------------------------------------------

channel_sets = st.frozensets(st.sampled_from([c.value for c in Channel]), max_size=3)
weeks_back = st.integers(-10, 10)


@st.composite
def agent_states(draw: st.DrawFn) -> AgentState:
    estimates = {dim: estimate(dim, draw(st.floats(0, 1)), n=draw(st.integers(0, 40)),
                               half_width=draw(st.floats(0.01, 0.3)))
                 for dim in draw(st.lists(st.sampled_from(DIMS), unique=True, max_size=8))}
    history = tuple(
        past(draw(st.sampled_from([s.id for s in LIBRARY.all()])),
             shift_week(WEEK, draw(weeks_back)), slot=draw(st.integers(1, 3)),
             difficulty=draw(st.integers(1, 5)),
             status=draw(st.sampled_from(["assigned", "in_progress", "completed"])),
             score=draw(st.none() | st.floats(0, 1)), dimension=draw(st.sampled_from(DIMS)))
        for _ in range(draw(st.integers(0, 12))))
    # Within one week the drills share a focus, as the policy itself guarantees.
    this_week = [p for p in history if p.week == WEEK]
    if this_week:
        first = this_week[0]
        history = tuple(p if p.week != WEEK else PastAssignment(
            p.scenario_id, p.week, i + 1, first.target_dimension, p.difficulty, p.status,
            p.practice_score) for i, p in enumerate(this_week[:3])) + tuple(
            p for p in history if p.week != WEEK)
    return AgentState(agent_id=AGENT, estimates=estimates, channels=draw(channel_sets),
                      history=history)


policies = st.builds(AssignmentPolicy, max_drills_per_week=st.integers(1, 5),
                     no_repeat_weeks=st.integers(1, 8), min_evidence=st.integers(1, 20))


@settings(max_examples=300, deadline=None)
@given(agent_states(), policies)
def test_policy_properties_hold_for_any_agent_state(state: AgentState,
                                                    policy: AssignmentPolicy) -> None:
    decision = decide_assignments(state, LIBRARY, WEEK, policy)
    already = [p for p in state.history if p.week == WEEK]
    # Caps are never exceeded.
    assert len(already) + len(decision.assignments) <= max(policy.max_drills_per_week,
                                                           len(already))
    if not decision.assignments:
        return
    focus = decision.focus
    assert focus is not None
    # One focus per week, and it rests on enough evidence.
    assert {p.target_dimension for p in decision.assignments} == {focus.dimension}
    if not already:
        assert state.estimates[focus.dimension].scored_messages >= policy.min_evidence
    else:
        assert focus.dimension == already[0].target_dimension
    # No repeats inside the window, neither against history nor within the plan.
    recent = recently_assigned(state.history, WEEK, policy.no_repeat_weeks)
    chosen = [p.scenario_id for p in decision.assignments]
    assert len(set(chosen)) == len(chosen)
    assert not recent & set(chosen)
    # Every assignment explained, with the focus's figures.
    for planned in decision.assignments:
        reason = planned.reason
        assert reason.dimension == planned.target_dimension
        assert reason.explanation.strip()
        assert reason.interval_low <= reason.estimate <= reason.interval_high
        assert LIBRARY.get(planned.scenario_id).difficulty == planned.difficulty
    # Channels respected whenever the library has the focus in one of the agent's channels.
    if any(s.channel in state.channels for s in LIBRARY.by_dimension(focus.dimension)):
        assert all(LIBRARY.get(c).channel in state.channels for c in chosen)


@settings(max_examples=100, deadline=None)
@given(agent_states(), policies, st.integers(1, 12))
def test_following_the_policy_week_after_week_never_repeats_inside_the_window(
        state: AgentState, policy: AssignmentPolicy, weeks: int) -> None:
    history = list(state.history)
    for offset in range(weeks):
        week = shift_week(WEEK, 11 + offset)  # beyond every generated history week
        decision = decide_assignments(AgentState(state.agent_id, state.estimates,
                                                 state.channels, tuple(history)),
                                      LIBRARY, week, policy)
        assert len(decision.assignments) <= policy.max_drills_per_week
        history.extend(past(p.scenario_id, week, slot=p.slot, dimension=p.target_dimension,
                            status="assigned") for p in decision.assignments)
    by_scenario: dict[str, list[int]] = {}
    for item in history:
        by_scenario.setdefault(item.scenario_id, []).append(week_index(item.week))
    for scenario_id, indices in by_scenario.items():
        generated = [i for i in sorted(indices) if i >= week_index(shift_week(WEEK, 11))]
        gaps = [b - a for a, b in zip(generated, generated[1:], strict=False)]
        assert all(gap >= policy.no_repeat_weeks for gap in gaps), scenario_id
