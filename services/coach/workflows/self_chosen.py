"""A drill the agent picks from the home page when none is waiting: a normal assignment.

It goes through the assignment machinery like a planned drill (the next free slot of this week,
the outbox, ``coach.assignments.v1``), so practice, completion, history and next week's
difficulty treat it the same. It trains this week's focus; without a focus yet (too few scored
replies), any skill the scenario trains. Its reason starts with ``home.SELF_CHOSEN``.
"""

from __future__ import annotations

import logging

from services.coach.context import CoachContext
from services.coach.domain.policy import PlannedAssignment, assignment_id
from services.coach.domain.profile_math import DimensionEstimate
from services.coach.domain.scenario_library import UnknownScenarioError
from services.coach.domain.skill_words import skill_name
from services.coach.domain.timeutil import iso_week
from services.coach.store import assignment_store
from services.coach.store.agent_states import load_estimates
from services.coach.store.assignment_store import AssignmentRecord
from services.coach.workflows.home import OPEN, SELF_CHOSEN, focus_of_week
from shared.events.assignments import AssignmentReason
from shared.events.scores import Dimension
from shared.http.problems import Conflict, Unprocessable
from shared.kafka.producer import PublishError

log = logging.getLogger(__name__)

# Another writer (the weekly policy) may take the slot between reading and inserting.
_SLOT_TRIES = 5


def choose_drill(context: CoachContext, *, agent_id: str, scenario_id: str,
                 dimension: Dimension | None) -> AssignmentRecord:
    now = context.clock()
    week = iso_week(now)
    try:
        scenario = context.library.get(scenario_id)
    except UnknownScenarioError as exc:
        raise Unprocessable(str(exc)) from None
    settings = context.settings.profile
    with context.engine.connect() as connection:
        records = assignment_store.list_for_agent(connection, agent_id)
        estimates = load_estimates(connection, [agent_id], as_of=now,
                                   settings=settings).get(agent_id, {})
    this_week = [r for r in records if r.week == week]
    if any(r.status in OPEN for r in this_week):
        raise Conflict("you have drills waiting this week; open one of them from your home page")
    focus = focus_of_week(records, estimates, week=week, min_evidence=settings.min_evidence)
    target = dimension or focus.dimension or scenario.dimensions[0]
    if focus.dimension is not None and target != focus.dimension:
        raise Unprocessable(f"this week's focus is {skill_name(focus.dimension)}; pick a "
                            "scenario for it")
    if target not in scenario.dimensions:
        trains = ", ".join(skill_name(d) for d in scenario.dimensions)
        raise Unprocessable(f"scenario '{scenario_id}' does not train {skill_name(target)}; "
                            f"it trains {trains}")
    reason = _reason(target, estimates.get(target))
    next_slot = max((r.slot for r in this_week), default=0) + 1
    for slot in range(next_slot, next_slot + _SLOT_TRIES):
        planned = PlannedAssignment(assignment_id(week, agent_id, slot), agent_id, scenario.id,
                                    target, week, slot, scenario.difficulty, reason)
        with context.engine.begin() as connection:
            if assignment_store.insert_planned(connection, [planned], now):
                record = assignment_store.get_assignment(connection, planned.assignment_id)
                break
    else:
        raise Conflict("this week's drill slots changed while picking; try again")
    assert record is not None  # inserted in the same transaction
    _publish(context)
    return record


def _reason(dimension: Dimension, estimate: DimensionEstimate | None) -> AssignmentReason:
    explanation = f"{SELF_CHOSEN} to practise {skill_name(dimension)}."
    if estimate is None:  # no scored reply for this skill yet: an uninformative reason
        return AssignmentReason(dimension=dimension, estimate=0.5, interval_low=0.0,
                                interval_high=1.0, evidence_count=0, team_mean=0.5,
                                explanation=explanation)
    return AssignmentReason(dimension=dimension, estimate=estimate.estimate,
                            interval_low=estimate.interval_low,
                            interval_high=estimate.interval_high,
                            evidence_count=estimate.scored_messages,
                            team_mean=estimate.team_mean, explanation=explanation)


def _publish(context: CoachContext) -> None:
    # The drill is stored and practicable now; a broker that does not answer only delays the
    # event, which stays in the outbox for the next publishing run.
    try:
        context.assignments.publish_pending()
    except PublishError:
        log.warning("coach.assignments.v1 did not acknowledge a picked drill; it stays in the "
                    "outbox")
