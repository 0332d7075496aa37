"""The gratitude spotlight: ``/v1/agents/{id}/gratitude`` and ``/v1/teams/{team}/gratitude``.

An agent reads their own praise; the lead of their team reads it too, and the whole team's for a
retro; the admin reads all. Only praise is ever stored (``gratitude.py``), so neither view can
show a low rating.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Response

from services.coach.schemas.lines import (
    AgentGratitudeOut,
    PraiseOut,
    TeamGratitudeOut,
    TeamPraiseOut,
)
from services.coach.schemas.practice import problem_responses
from services.coach.web.access import CallerDep, ContextDep
from services.coach.web.routes.home import check_agent_id
from services.coach.web.routes.lines import check_team
from services.coach.workflows.gratitude import PraiseShown, list_praise
from shared.events.interactions import Channel

router = APIRouter(tags=["gratitude"])
DaysQuery = Annotated[int, Query(ge=1, le=366, description="How many days back.")]


@router.get("/v1/agents/{agent_id}/gratitude", response_model=AgentGratitudeOut,
            responses=problem_responses(401, 403, 422))
def get_agent_gratitude(agent_id: str, caller: CallerDep, context: ContextDep,
                        response: Response, days: DaysQuery = 90) -> AgentGratitudeOut:
    """Customers' high ratings and warm thanks for this agent, newest first, each with the
    reply that earned it."""
    check_agent_id(agent_id)
    if not caller.leads_team_of(agent_id):
        caller.require_access(agent_id)
    response.headers["Cache-Control"] = "no-store"
    since = context.clock() - timedelta(days=days)
    with context.engine.connect() as connection:
        found = list_praise(connection, since=since, agent_id=agent_id)
    return AgentGratitudeOut(agent_id=agent_id, since=since,
                             items=[PraiseOut.model_validate(_fields(item)) for item in found])


@router.get("/v1/teams/{team_id}/gratitude", response_model=TeamGratitudeOut,
            responses=problem_responses(401, 403, 422))
def get_team_gratitude(team_id: str, caller: CallerDep, context: ContextDep,
                       response: Response, days: DaysQuery = 30) -> TeamGratitudeOut:
    """The team's praise for a retro, newest first: the lead of the team (or the admin)."""
    check_team(team_id)
    caller.require_lead_of(team_id)
    response.headers["Cache-Control"] = "no-store"
    since = context.clock() - timedelta(days=days)
    with context.engine.connect() as connection:
        found = list_praise(connection, since=since, team=team_id)
    return TeamGratitudeOut(team_id=team_id, since=since, items=[
        TeamPraiseOut.model_validate({**_fields(item), "agent_id": item.agent_id})
        for item in found])


def _fields(item: PraiseShown) -> dict[str, object]:
    return {"kind": item.kind, "channel": Channel(item.channel),
            "rating_score": item.rating_score, "customer_words": item.customer_words,
            "occurred_at": item.occurred_at, "reply": item.reply, "reply_at": item.reply_at}
