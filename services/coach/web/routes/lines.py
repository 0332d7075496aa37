"""Best lines and the team phrasebook: ``/v1/agents/{id}/...``, ``/v1/teams/{team}/...``,
``/v1/lines/{line_id}/decision``.

Who may do what: an agent shares lines and reads their own lines' outcomes; the lead of the
agent's team reads the queue and decides; the team's phrasebook (approved lines, no authors) is
read by the team's agents and its lead. The admin may do all of it. Nobody reads another team's.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from services.coach.domain.score_batches import team_id as team_of_agent
from services.coach.metrics import LINES
from services.coach.schemas.lines import (
    DebriefLineOut,
    DebriefLinesOut,
    DecisionIn,
    LineOut,
    LineQueueOut,
    LineStatus,
    OwnLinesOut,
    PhrasebookOut,
    ReplyCandidatesOut,
    ShareLineIn,
)
from services.coach.schemas.practice import problem_responses
from services.coach.store import assignment_store, roleplay_store
from services.coach.web.access import CallerDep, ContextDep, Principal
from services.coach.web.links import parse_team_id
from services.coach.web.routes.home import check_agent_id
from services.coach.web.views import candidate_out, line_out, phrasebook_line_out, queued_line_out
from services.coach.workflows.phrasebook import (
    HIGH_SCORE,
    NewLine,
    decide,
    get_line,
    list_lines,
    phrasebook_order,
    reply_candidates,
    share_line,
)
from shared.events.interactions import Channel
from shared.events.scores import Dimension, Emotion
from shared.http.problems import Forbidden, NotFound, Unprocessable

router = APIRouter(tags=["phrasebook"])
NO_STORE = "no-store"
DimensionQuery = Annotated[Dimension | None, Query(description="One rubric dimension.")]


@router.get("/v1/agents/{agent_id}/reply-candidates", response_model=ReplyCandidatesOut,
            responses=problem_responses(401, 403, 422))
def get_reply_candidates(agent_id: str, caller: CallerDep, context: ContextDep,
                         response: Response) -> ReplyCandidatesOut:
    """The agent's recent replies that scored high on some skill: where a shared line comes
    from. The agent's own (and the admin's) only."""
    check_agent_id(agent_id)
    caller.require_access(agent_id)
    response.headers["Cache-Control"] = NO_STORE
    with context.engine.connect() as connection:
        found = reply_candidates(connection, agent_id, now=context.clock())
    return ReplyCandidatesOut(agent_id=agent_id, min_score=HIGH_SCORE,
                              replies=[candidate_out(c) for c in found])


@router.get("/v1/agents/{agent_id}/debrief-lines", response_model=DebriefLinesOut,
            responses=problem_responses(401, 403, 422))
def get_debrief_lines(agent_id: str, caller: CallerDep, context: ContextDep,
                      response: Response) -> DebriefLinesOut:
    """The lines this agent named worth keeping in role-play debriefs: a debrief line to share
    starts from one of them. The agent's own (and the admin's) only."""
    check_agent_id(agent_id)
    caller.require_access(agent_id)
    response.headers["Cache-Control"] = NO_STORE
    with context.engine.connect() as connection:
        lines = roleplay_store.list_debrief_lines(connection, team_of_agent(agent_id))
    return DebriefLinesOut(agent_id=agent_id, lines=[
        DebriefLineOut(text=line.text, scenario_id=line.scenario_id, saved_at=line.saved_at)
        for line in lines if line.agent_id == agent_id])


@router.post("/v1/agents/{agent_id}/lines", response_model=LineOut, status_code=201,
             responses=problem_responses(401, 403, 409, 422))
def post_line(agent_id: str, body: ShareLineIn, caller: CallerDep,
              context: ContextDep) -> LineOut:
    """Share a line for the team's lead to consider. It is redacted (e-mail, phone, card, IBAN,
    national id) before it is stored; ``redacted`` says how many items were replaced."""
    check_agent_id(agent_id)
    caller.require_access(agent_id)
    line = NewLine(text=body.text, dimension=body.dimension, emotion=body.emotion,
                   channel=body.channel.value, source=body.source, message_id=body.message_id)
    with context.engine.begin() as connection:
        record = share_line(connection, agent_id, line, now=context.clock())
    LINES.labels("shared").inc()
    return line_out(record)


@router.get("/v1/agents/{agent_id}/lines", response_model=OwnLinesOut,
            responses=problem_responses(401, 403, 422))
def get_own_lines(agent_id: str, caller: CallerDep, context: ContextDep,
                  response: Response) -> OwnLinesOut:
    """The lines the agent shared, newest first, each with its outcome and the lead's note."""
    check_agent_id(agent_id)
    caller.require_access(agent_id)
    response.headers["Cache-Control"] = NO_STORE
    with context.engine.connect() as connection:
        lines = list_lines(connection, agent_id=agent_id)
    return OwnLinesOut(agent_id=agent_id, lines=[line_out(line) for line in lines])


@router.get("/v1/agents/{agent_id}/phrasebook", response_model=PhrasebookOut,
            responses=problem_responses(401, 403, 422))
def get_agent_phrasebook(agent_id: str, caller: CallerDep, context: ContextDep,
                         dimension: DimensionQuery = None) -> PhrasebookOut:
    """The team's approved lines for one skill: ``dimension``, else the agent's current focus
    (all skills before there is one). What the practice page offers as examples."""
    check_agent_id(agent_id)
    if not caller.leads_team_of(agent_id):
        caller.require_access(agent_id)
    team = team_of_agent(agent_id)
    with context.engine.connect() as connection:
        skill = dimension or assignment_store.latest_focus(connection, agent_id)
        lines = list_lines(connection, team=team, status="approved", dimension=skill)
    return PhrasebookOut(team_id=team, dimension=skill,
                         lines=[phrasebook_line_out(line) for line in phrasebook_order(lines)])


@router.get("/v1/teams/{team_id}/phrasebook", response_model=PhrasebookOut,
            responses=problem_responses(401, 403, 422))
def get_team_phrasebook(
        team_id: str, caller: CallerDep, context: ContextDep, dimension: DimensionQuery = None,
        emotion: Annotated[Emotion | None, Query(description="The customer's emotion.")] = None,
        channel: Annotated[Channel | None, Query(description="The channel.")] = None,
) -> PhrasebookOut:
    """The team's phrasebook: approved lines by skill, emotion and channel, without authors."""
    check_team(team_id)
    _require_team_member(caller, team_id)
    with context.engine.connect() as connection:
        lines = list_lines(connection, team=team_id, status="approved", dimension=dimension,
                           emotion=emotion, channel=None if channel is None else channel.value)
    return PhrasebookOut(team_id=team_id, dimension=dimension,
                         lines=[phrasebook_line_out(line) for line in phrasebook_order(lines)])


@router.get("/v1/teams/{team_id}/lines", response_model=LineQueueOut,
            responses=problem_responses(401, 403, 422))
def get_line_queue(
        team_id: str, caller: CallerDep, context: ContextDep, response: Response,
        status: Annotated[LineStatus, Query(description="Which lines.")] = "pending",
) -> LineQueueOut:
    """The lead's queue: the team's shared lines with a status (default: waiting for a
    decision), newest first, with who shared each."""
    check_team(team_id)
    caller.require_lead_of(team_id)
    response.headers["Cache-Control"] = NO_STORE
    with context.engine.connect() as connection:
        lines = list_lines(connection, team=team_id, status=status)
    return LineQueueOut(team_id=team_id, lines=[queued_line_out(line) for line in lines])


@router.post("/v1/lines/{line_id}/decision", response_model=LineOut,
             responses=problem_responses(401, 403, 404, 409, 422))
def post_decision(line_id: str, body: DecisionIn, caller: CallerDep,
                  context: ContextDep) -> LineOut:
    """Approve a waiting line into the team's phrasebook, or reject it with a note. The lead of
    the line's team only; a decided line stays decided (409)."""
    with context.engine.begin() as connection:
        line = get_line(connection, line_id)
        if line is None:
            raise NotFound("no shared line has this id")
        caller.require_lead_of(line.team_id)
        decided = decide(connection, line, approve=body.decision == "approve",
                         note=(body.note or "").strip() or None, now=context.clock())
    LINES.labels("approved" if body.decision == "approve" else "rejected").inc()
    return line_out(decided)



def check_team(team_id: str) -> None:
    try:
        parse_team_id(team_id)
    except ValueError as exc:
        raise Unprocessable(str(exc)) from None


def _require_team_member(caller: Principal, team_id: str) -> None:
    """The team's agents, its lead, or the admin (the phrasebook is the team's own)."""
    if caller.is_admin or (caller.role in ("agent", "lead") and caller.team_id == team_id):
        return
    raise Forbidden("the phrasebook belongs to another team")
