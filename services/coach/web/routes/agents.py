"""``/v1/agents/{agent_id}/...``: an agent's skill profile and assignments."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from services.coach.domain.focus import choose_focus
from services.coach.domain.score_batches import team_id
from services.coach.domain.timeutil import is_iso_week, iso_week
from services.coach.schemas.practice import (
    AssignmentListOut,
    ProfileOut,
    problem_responses,
)
from services.coach.store import assignment_store
from services.coach.store.agent_states import load_estimates
from services.coach.store.profile_store import load_channels
from services.coach.web.access import CallerDep, ContextDep
from services.coach.web.views import assignment_out, profile_out
from shared.events.ids import parse_agent_id
from shared.http.problems import Unprocessable

router = APIRouter(prefix="/v1/agents", tags=["agents"])


@router.get("/{agent_id}/profile", response_model=ProfileOut,
            responses=problem_responses(401, 403, 422))
def get_profile(agent_id: str, caller: CallerDep, context: ContextDep) -> ProfileOut:
    """Per-dimension estimates with intervals, and the focus the policy would pick now."""
    _check_agent_id(agent_id)
    caller.require_access(agent_id)
    as_of = context.clock()
    settings = context.settings.profile
    with context.engine.connect() as connection:
        estimates = load_estimates(connection, [agent_id], as_of=as_of,
                                   settings=settings).get(agent_id, {})
        channels = load_channels(connection, [agent_id]).get(agent_id, frozenset())
        current = assignment_store.latest_focus(connection, agent_id)
    focus = choose_focus(estimates, current_focus=current, min_evidence=settings.min_evidence)
    return profile_out(agent_id, team_id(agent_id), estimates, focus, sorted(channels),
                       as_of=as_of, settings=settings)


@router.get("/{agent_id}/assignments", response_model=AssignmentListOut,
            responses=problem_responses(401, 403, 422))
def list_assignments(agent_id: str, caller: CallerDep, context: ContextDep,
                     week: Annotated[str | None, Query(description="ISO week, 2026-W48.")] = None,
                     ) -> AssignmentListOut:
    """Newest week first; each with its scenario, target dimension, status and reason."""
    _check_agent_id(agent_id)
    caller.require_access(agent_id)
    if week is not None and not is_iso_week(week):
        raise Unprocessable(f"week {week!r} is not an ISO week like 2026-W48")
    week_now = iso_week(context.clock())
    with context.engine.connect() as connection:
        records = assignment_store.list_for_agent(connection, agent_id, week)
    return AssignmentListOut(agent_id=agent_id,
                             assignments=[assignment_out(r, context.library, current_week=week_now)
                                          for r in records])


def _check_agent_id(agent_id: str) -> None:
    try:
        parse_agent_id(agent_id)
    except ValueError as exc:
        raise Unprocessable(str(exc)) from None
