"""``/v1/admin/...``: operations for the admin token only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from services.coach.domain.timeutil import is_iso_week
from services.coach.schemas.practice import AdminAssignOut, DecisionOut, problem_responses
from services.coach.web.access import CallerDep, ContextDep
from services.coach.workflows.summary import CoachSummary, build_summary
from shared.http.problems import ServiceUnavailable, Unprocessable
from shared.kafka.producer import PublishError

router = APIRouter(prefix="/v1/admin", tags=["admin"])


@router.post("/assign", response_model=AdminAssignOut,
             responses=problem_responses(401, 403, 422, 503))
def assign_everyone(caller: CallerDep, context: ContextDep,
                    week: Annotated[str | None,
                                    Query(description="ISO week (default: this week).")] = None,
                    ) -> AdminAssignOut:
    """Run the assignment policy for every profiled agent; agents already planned keep their
    drills (the weekly cap counts them), so running it twice adds nothing."""
    caller.require_admin()
    if week is not None and not is_iso_week(week):
        raise Unprocessable(f"week {week!r} is not an ISO week like 2026-W48")
    try:
        run = context.assignments.assign_everyone(week)
    except PublishError:
        # The plan is stored; the outbox sends it with the next run.
        raise ServiceUnavailable("assignments are stored but coach.assignments.v1 did not "
                                 "acknowledge them; they are re-sent on the next run") from None
    created = set(run.created)
    return AdminAssignOut(
        week=run.week, agents_considered=len(run.decisions),
        agents_assigned=run.agents_assigned, assignments_created=len(created),
        decisions=[DecisionOut(
            agent_id=d.agent_id,
            focus_dimension=d.focus.dimension if d.focus else None,
            assignment_ids=[a.assignment_id for a in d.assignments if a.assignment_id in created],
            notes=list(d.notes)) for d in run.decisions])


@router.get("/summary", response_model=CoachSummary, responses=problem_responses(401, 403))
def summary(caller: CallerDep, context: ContextDep) -> CoachSummary:
    """Agents with a profile, their scored messages and this week's focus and drills."""
    caller.require_admin()
    with context.engine.connect() as connection:
        return build_summary(connection, week=context.assignments.current_week())
