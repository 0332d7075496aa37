"""Disputes: ``/v1/agents/{agent}/scored-messages`` and ``.../disputes`` for the agent (their own
only), ``/v1/teams/{team}/disputes`` and ``/v1/disputes/{id}/resolution`` for the team's lead."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response

from services.coach.metrics import DISPUTES
from services.coach.schemas.calibration import (
    DisputeIn,
    DisputeListOut,
    DisputeOut,
    ResolutionIn,
    ScoredMessagesOut,
)
from services.coach.schemas.practice import problem_responses
from services.coach.web.access import CallerDep, ContextDep
from services.coach.web.routes.calibration import JSONL, NO_STORE, check_team_id
from services.coach.web.routes.home import check_agent_id
from services.coach.workflows import disputes
from services.coach.workflows.label_export import dispute_label_records, to_jsonl

router = APIRouter(tags=["disputes"])


@router.get("/v1/agents/{agent_id}/scored-messages", response_model=ScoredMessagesOut,
            responses=problem_responses(401, 403, 422))
def get_scored_messages(agent_id: str, caller: CallerDep, context: ContextDep,
                        response: Response) -> ScoredMessagesOut:
    """The agent's latest scored replies with their scores: what they may dispute."""
    check_agent_id(agent_id)
    caller.require_access(agent_id)
    response.headers.update(NO_STORE)
    with context.engine.connect() as connection:
        return disputes.recent_messages(connection, agent_id)


@router.post("/v1/agents/{agent_id}/disputes", response_model=DisputeOut, status_code=201,
             responses=problem_responses(401, 403, 404, 409, 422))
def post_dispute(agent_id: str, body: DisputeIn, caller: CallerDep,
                 context: ContextDep) -> DisputeOut:
    """Dispute one dimension's score on one of the agent's own replies, with a comment."""
    check_agent_id(agent_id)
    caller.require_access(agent_id)
    with context.engine.begin() as connection:
        out = disputes.file_dispute(connection, agent_id, body, context.clock())
    DISPUTES.labels("filed").inc()
    return out


@router.get("/v1/agents/{agent_id}/disputes", response_model=DisputeListOut,
            responses=problem_responses(401, 403, 422))
def get_agent_disputes(agent_id: str, caller: CallerDep, context: ContextDep,
                       response: Response) -> DisputeListOut:
    """The agent's disputes and their outcomes."""
    check_agent_id(agent_id)
    caller.require_access(agent_id)
    response.headers.update(NO_STORE)
    with context.engine.connect() as connection:
        return disputes.agent_disputes(connection, agent_id)


@router.get("/v1/teams/{team_id}/disputes", response_model=DisputeListOut,
            responses=problem_responses(401, 403, 422))
def get_team_disputes(
    team_id: str, caller: CallerDep, context: ContextDep, response: Response,
    status: Annotated[Literal["open", "upheld", "corrected"] | None,
                      Query(description="Only disputes in this state (the queue: open).")] = None,
) -> DisputeListOut:
    """The lead's queue."""
    check_team_id(team_id)
    caller.require_lead_of(team_id)
    response.headers.update(NO_STORE)
    with context.engine.connect() as connection:
        return disputes.team_disputes(connection, team_id, status)


@router.post("/v1/disputes/{dispute_id}/resolution", response_model=DisputeOut,
             responses=problem_responses(401, 403, 404, 409, 422))
def post_resolution(dispute_id: str, body: ResolutionIn, caller: CallerDep,
                    context: ContextDep) -> DisputeOut:
    """Uphold the score or correct it; a correction changes the agent's profile at once."""
    half_life_s = context.settings.profile.half_life_days * 86_400
    with context.engine.begin() as connection:
        dispute = disputes.get_dispute(connection, dispute_id)
        caller.require_lead_of(dispute.team_id)
        out = disputes.resolve(connection, dispute, body, now=context.clock(),
                               half_life_s=half_life_s)
    DISPUTES.labels(body.outcome).inc()
    return out


@router.get("/v1/teams/{team_id}/disputes/export", response_class=Response,
            responses={200: {"description": "Corrections as human labels, one JSON object a "
                                            "line (lab/scorer/human_labels.py).",
                             "content": {JSONL: {"schema": {"type": "string"}}}},
                       **problem_responses(401, 403, 422)})
def export_corrections(team_id: str, caller: CallerDep, context: ContextDep) -> Response:
    check_team_id(team_id)
    caller.require_lead_of(team_id)
    with context.engine.connect() as connection:
        body = to_jsonl(dispute_label_records(connection, team_id=team_id))
    return Response(body, media_type=JSONL, headers={
        **NO_STORE, "Content-Disposition": 'attachment; filename="dispute-corrections.jsonl"'})
