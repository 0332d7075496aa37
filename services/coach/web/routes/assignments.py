"""``/v1/assignments/{assignment_id}``: one drill, its practice attempts, its completion."""

from __future__ import annotations

from fastapi import APIRouter

from services.coach.domain.timeutil import iso_week
from services.coach.schemas.practice import (
    AssignmentDetailOut,
    AssignmentOut,
    AttemptIn,
    AttemptOut,
    problem_responses,
)
from services.coach.store.attempt_store import attempts_for
from services.coach.web.access import CallerDep, ContextDep, owned_assignment
from services.coach.web.views import assignment_detail_out, assignment_out, attempt_out
from services.coach.workflows.practice import (
    complete,
    feedback_in_order,
    in_practice_order,
    record_attempt,
    scenario_of,
)

router = APIRouter(prefix="/v1/assignments", tags=["assignments"])


@router.get("/{assignment_id}", response_model=AssignmentDetailOut,
            responses=problem_responses(401, 403, 404))
def get_assignment(assignment_id: str, caller: CallerDep,
                   context: ContextDep) -> AssignmentDetailOut:
    """The drill with its script (curveball in place), success signals and attempts so far."""
    record = owned_assignment(assignment_id, caller, context)
    with context.engine.connect() as connection:
        attempts = attempts_for(connection, assignment_id)
    return assignment_detail_out(record, scenario_of(context, record), context.library, attempts,
                                 current_week=iso_week(context.clock()))


@router.post("/{assignment_id}/attempts", response_model=AttemptOut, status_code=201,
             responses=problem_responses(401, 403, 404, 409, 422, 503))
def post_attempt(assignment_id: str, body: AttemptIn, caller: CallerDep,
                 context: ContextDep) -> AttemptOut:
    """Score one practice reply live; the score, evidence and a suggestion come back.

    409: the drill is completed, or it was re-aimed to another scenario (``scenario_id``
    differs, or the re-aim landed while the reply was scored); nothing is stored.
    """
    record = owned_assignment(assignment_id, caller, context)
    attempt = record_attempt(context, record, turn=body.turn, reply=body.reply,
                             scenario_id=body.scenario_id)
    with context.engine.connect() as connection:
        earlier = in_practice_order([a for a in attempts_for(connection, assignment_id)
                                     if a.attempt_id != attempt.attempt_id])
    [*_, (_, given)] = feedback_in_order([*earlier, attempt], record.target_dimension)
    return attempt_out(attempt, record.target_dimension, given)


@router.post("/{assignment_id}/complete", response_model=AssignmentOut,
             responses=problem_responses(401, 403, 404))
def post_complete(assignment_id: str, caller: CallerDep, context: ContextDep) -> AssignmentOut:
    """Close the drill; its practice score feeds next week's difficulty. Idempotent."""
    record = owned_assignment(assignment_id, caller, context)
    return assignment_out(complete(context, record), context.library,
                          current_week=iso_week(context.clock()))
