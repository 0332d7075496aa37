"""Role-play sessions: ``/v1/roleplays`` (API) and ``/roleplay/{id}`` (each participant's page).

A team lead (or the admin) starts a session for a scenario with three or more agents of their
team. Roles rotate each round (``roleplay_roles``); each person's page shows their role card,
the round's countdown and forms, and follows the session by polling ``.../state``. The round's
agent may type their replies, its observers rate the round on the rubric (kept as human labels,
``.../labels``), and after the last round everyone saves a debrief: what worked and the lines
worth keeping (``/v1/teams/{team_id}/roleplay-lines``).

Participants see only the sessions they are in; the team's lead and the admin see the team's.
"""

from __future__ import annotations

import html
import secrets
from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.exc import IntegrityError

from services.coach.context import CoachContext
from services.coach.domain.practice_script import script_steps
from services.coach.domain.roleplay_roles import role_of
from services.coach.domain.scenario_library import UnknownScenarioError
from services.coach.domain.scenario_models import Scenario
from services.coach.domain.score_batches import team_id as team_of_agent
from services.coach.schemas.practice import problem_responses
from services.coach.schemas.roleplay import (
    MAX_ROUNDS,
    AdvanceIn,
    DebriefIn,
    DebriefLineOut,
    DebriefListOut,
    DebriefOut,
    ParticipantOut,
    RatingIn,
    RatingOut,
    ReplyIn,
    ReplyOut,
    RoleplayIn,
    RoleplayListOut,
    RoleplayOut,
    RoleplayStateOut,
)
from services.coach.store import roleplay_store as store
from services.coach.store.roleplay_store import RoleplayRecord
from services.coach.web.access import CallerDep, ContextDep, Principal, authenticate
from services.coach.web.links import parse_team_id
from services.coach.web.page_shell import message_page, page_headers, static_page
from services.coach.web.roleplay_view import ViewInput, render_view
from services.coach.workflows.label_export import to_jsonl
from services.coach.workflows.roleplay_labels import label_records
from shared.events.ids import parse_agent_id
from shared.events.scores import DIMENSIONS
from shared.http.problems import Conflict, Forbidden, NotFound, RapportError, Unprocessable

router = APIRouter(tags=["role-play"])
PAGE = static_page("roleplay.html")
TokenQuery = Annotated[str, Query(description="The token from the participant's sign-in link.")]
RoundNumber = Annotated[int, Path(ge=1, le=MAX_ROUNDS, description="The round, 1-based.")]


def page_path(roleplay_id: str) -> str:
    return f"/roleplay/{roleplay_id}"


@router.post("/v1/roleplays", response_model=RoleplayOut, status_code=201,
             responses=problem_responses(401, 403, 422))
def create_roleplay(body: RoleplayIn, caller: CallerDep, context: ContextDep) -> RoleplayOut:
    """Start a session: round 1 begins now, roles rotate through the participants in order."""
    team_id = _team_of(body.participants)
    caller.require_lead_of(team_id)
    try:
        scenario = context.library.get(body.scenario_id)
    except UnknownScenarioError as exc:
        raise Unprocessable(str(exc)) from None
    with context.engine.begin() as connection:
        record = store.create_roleplay(
            connection, team_id=team_id, scenario_id=scenario.id,
            participants=body.participants, round_count=body.rounds or len(body.participants),
            timebox_minutes=body.timebox_minutes or scenario.timebox_minutes,
            now=context.clock())
    return _out(record, scenario, caller, context)


@router.get("/v1/roleplays/{roleplay_id}", response_model=RoleplayOut,
            responses=problem_responses(401, 403, 404))
def get_roleplay(roleplay_id: str, caller: CallerDep, context: ContextDep) -> RoleplayOut:
    """The session as the caller sees it: round, phase, who plays what, time left."""
    record = _visible(roleplay_id, caller, context)
    return _out(record, _scenario(record, context), caller, context)


@router.get("/v1/roleplays/{roleplay_id}/state", response_model=RoleplayStateOut,
            responses=problem_responses(401, 403, 404))
def get_state(roleplay_id: str, caller: CallerDep, context: ContextDep) -> RoleplayStateOut:
    """What the page polls: the round, the phase and the round's typed replies."""
    record = _visible(roleplay_id, caller, context)
    with context.engine.connect() as connection:
        replies = store.replies_of(connection, roleplay_id, record.current_round)
        rated = [r for r in store.ratings_of(connection, roleplay_id)
                 if r.round == record.current_round]
        debriefs = store.debriefs_of(connection, roleplay_id)
    return RoleplayStateOut(
        roleplay_id=roleplay_id, round=record.current_round + 1, round_count=record.round_count,
        phase=record.phase, remaining_seconds=_remaining(record, context),
        replies=[ReplyOut(round=r.round + 1, turn=r.turn + 1, text=r.text) for r in replies],
        ratings_saved=len(rated), debriefs_saved=len(debriefs))


@router.post("/v1/roleplays/{roleplay_id}/advance", response_model=RoleplayOut,
             responses=problem_responses(401, 403, 404, 409))
def advance(roleplay_id: str, body: AdvanceIn, caller: CallerDep,
            context: ContextDep) -> RoleplayOut:
    """Rotate roles into the next round, or open the debrief after the last round. Any
    participant (or the lead) may; the round named must still be the current one."""
    record = _visible(roleplay_id, caller, context)
    if record.phase != "playing":
        raise Conflict("the role-play is over: its debrief is open")
    with context.engine.begin() as connection:
        moved = store.advance(connection, record, from_round=body.from_round - 1,
                              now=context.clock())
    if not moved:
        raise Conflict(f"round {body.from_round} is not the current round any more (it is "
                       f"round {record.current_round + 1}): someone moved the session on")
    return get_roleplay(roleplay_id, caller, context)


@router.post("/v1/roleplays/{roleplay_id}/replies", response_model=ReplyOut, status_code=201,
             responses=problem_responses(401, 403, 404, 409, 422))
def add_reply(roleplay_id: str, body: ReplyIn, caller: CallerDep,
              context: ContextDep) -> ReplyOut:
    """The round's agent types what they said, one reply per scripted customer message."""
    record = _visible(roleplay_id, caller, context)
    position = _require_participant(record, caller)
    _require_current_round(record, body.round)
    if role_of(position, record.current_round, record.size) != "agent":
        raise Forbidden("only this round's agent types replies")
    text = body.text.strip()
    if not text:
        raise Unprocessable("text is blank")
    steps = len(script_steps(_scenario(record, context)))
    try:
        with context.engine.begin() as connection:
            typed = len(store.replies_of(connection, roleplay_id, record.current_round))
            if typed >= steps:
                raise Unprocessable(f"this scenario has {steps} scripted messages and each "
                                    f"reply answers one: all {steps} are answered")
            turn = store.add_reply(connection, roleplay_id, round_index=record.current_round,
                                   agent_id=caller.agent_id or "", text=text,
                                   now=context.clock())
    except IntegrityError:  # two replies sent at the same moment took the same turn
        raise Conflict("another reply was saved at the same moment; send this one again") \
            from None
    return ReplyOut(round=record.current_round + 1, turn=turn + 1, text=text)


@router.put("/v1/roleplays/{roleplay_id}/rounds/{round_number}/ratings",
            response_model=RatingOut, responses=problem_responses(401, 403, 404, 409, 422))
def put_rating(roleplay_id: str, round_number: RoundNumber, body: RatingIn, caller: CallerDep,
               context: ContextDep) -> RatingOut:
    """An observer's ratings of a round they observed (the current one or an earlier one),
    every dimension 0..1 or null; saving again replaces them. Kept as human labels."""
    record = _visible(roleplay_id, caller, context)
    position = _require_participant(record, caller)
    if not 1 <= round_number <= record.round_count:
        raise NotFound(f"round {round_number} does not exist; this role-play has rounds 1 to "
                       f"{record.round_count}")
    if round_number - 1 > record.current_round:
        raise Conflict(f"round {round_number} has not started yet")
    if role_of(position, round_number - 1, record.size) != "observer":
        raise Forbidden(f"only round {round_number}'s observers rate it")
    missing = [d for d in DIMENSIONS if d not in body.ratings]
    if missing:
        raise Unprocessable(f"ratings must cover every rubric dimension; missing: "
                            f"{', '.join(missing)} (null where one does not apply)")
    outside = sorted(d for d, v in body.ratings.items() if v is not None and not 0 <= v <= 1)
    if outside:
        raise Unprocessable(f"ratings must be between 0 and 1: {', '.join(outside)}")
    if body.ratings.get("tone") is None:
        raise Unprocessable("tone always applies: rate it 0..1")
    note = (body.note or "").strip() or None
    ratings = {str(dimension): value for dimension, value in body.ratings.items()}
    with context.engine.begin() as connection:
        store.save_rating(connection, roleplay_id, round_index=round_number - 1,
                          observer_id=caller.agent_id or "", ratings=ratings, note=note,
                          now=context.clock())
    return RatingOut(round=round_number, ratings=body.ratings, note=note)


@router.put("/v1/roleplays/{roleplay_id}/debrief", response_model=DebriefListOut,
            responses=problem_responses(401, 403, 404, 409, 422))
def put_debrief(roleplay_id: str, body: DebriefIn, caller: CallerDep,
                context: ContextDep) -> DebriefListOut:
    """A participant's debrief once the last round is over; saving again replaces it."""
    record = _visible(roleplay_id, caller, context)
    _require_participant(record, caller)
    if record.phase != "debrief":
        raise Conflict(f"the debrief opens after the last round; this is round "
                       f"{record.current_round + 1} of {record.round_count}")
    what_worked = body.what_worked.strip()
    if not what_worked:
        raise Unprocessable("what_worked is blank")
    lines = [line.strip() for line in body.lines if line.strip()]
    with context.engine.begin() as connection:
        store.save_debrief(connection, roleplay_id, agent_id=caller.agent_id or "",
                           what_worked=what_worked, lines=lines, now=context.clock())
    return get_debriefs(roleplay_id, caller, context)


@router.get("/v1/roleplays/{roleplay_id}/debrief", response_model=DebriefListOut,
            responses=problem_responses(401, 403, 404))
def get_debriefs(roleplay_id: str, caller: CallerDep, context: ContextDep) -> DebriefListOut:
    """Every participant's saved debrief, by their place in the session."""
    record = _visible(roleplay_id, caller, context)
    with context.engine.connect() as connection:
        saved = store.debriefs_of(connection, roleplay_id)
    seat = {agent: position + 1 for position, agent in record.participants}
    listed = [DebriefOut(position=seat.get(d.agent_id, 0), what_worked=d.what_worked,
                         lines=list(d.lines)) for d in saved]
    return DebriefListOut(roleplay_id=roleplay_id,
                          debriefs=sorted(listed, key=lambda d: d.position))


@router.get("/v1/roleplays/{roleplay_id}/labels", response_class=Response,
            responses={**problem_responses(401, 403, 404),
                       200: {"description": "JSONL human labels (lab/scorer/human_labels.py)",
                             "content": {"application/x-ndjson": {}}}})
def get_labels(roleplay_id: str, caller: CallerDep, context: ContextDep) -> Response:
    """The observers' ratings as human labels for the scorer's training (the team's lead or
    the admin): one JSONL record per observer and round the agent typed replies in."""
    record = _found(roleplay_id, context)
    caller.require_lead_of(record.team_id)
    with context.engine.connect() as connection:
        records = label_records(connection, record, _scenario(record, context))
    return Response(to_jsonl(records), media_type="application/x-ndjson")


@router.get("/v1/teams/{team_id}/roleplay-lines", response_model=list[DebriefLineOut],
            responses=problem_responses(401, 403, 422))
def get_team_lines(team_id: str, caller: CallerDep,
                   context: ContextDep) -> list[DebriefLineOut]:
    """Lines worth keeping from the team's role-play debriefs, newest first (the team's lead or
    the admin): what the team phrasebook offers for approval."""
    try:
        parse_team_id(team_id)
    except ValueError as exc:
        raise Unprocessable(str(exc)) from None
    caller.require_lead_of(team_id)
    with context.engine.connect() as connection:
        lines = store.list_debrief_lines(connection, team_id)
    return [DebriefLineOut(roleplay_id=line.roleplay_id, scenario_id=line.scenario_id,
                           agent_id=line.agent_id, text=line.text, saved_at=line.saved_at)
            for line in lines]


@router.get("/v1/agents/{agent_id}/roleplays", response_model=RoleplayListOut,
            responses=problem_responses(401, 403))
def list_agent_roleplays(agent_id: str, caller: CallerDep,
                         context: ContextDep) -> RoleplayListOut:
    """The sessions an agent takes part in, newest first (the agent, their lead, the admin)."""
    if not (caller.agent_id == agent_id or caller.leads_team_of(agent_id)):
        raise Forbidden("this token belongs to another agent")
    with context.engine.connect() as connection:
        found = store.roleplays_of_agent(connection, agent_id)
    return RoleplayListOut(roleplays=[_out(r, _scenario(r, context), caller, context)
                                      for r in found])


@router.get("/roleplay/{roleplay_id}/view", response_class=HTMLResponse,
            responses=problem_responses(401, 403, 404))
def get_view(roleplay_id: str, caller: CallerDep, context: ContextDep) -> HTMLResponse:
    """The caller's part of the page as HTML, rendered here: their role card, the countdown
    and the round's forms, or the debrief. The page fetches it with the caller's token."""
    record = _visible(roleplay_id, caller, context)
    position = record.position_of(caller.agent_id)
    with context.engine.connect() as connection:
        replies = store.replies_of(connection, roleplay_id)
        mine = next((r for r in store.ratings_of(connection, roleplay_id)
                     if r.round == record.current_round and r.observer_id == caller.agent_id),
                    None)
        debriefs = store.debriefs_of(connection, roleplay_id)
    body = render_view(ViewInput(
        record=record, scenario=_scenario(record, context), viewer_position=position,
        remaining_seconds=_remaining(record, context), replies=replies, my_rating=mine,
        debriefs=debriefs))
    return HTMLResponse(body, headers={"Cache-Control": "no-store"})


@router.get("/roleplay/{roleplay_id}", response_class=HTMLResponse,
            responses={status: {"description": text,
                                "content": {"text/html": {"schema": {"type": "string"}}}}
                       for status, text in ((401, "The link's token is not valid"),
                                            (403, "Not taking part in this role-play"),
                                            (404, "No such role-play"))})
def roleplay_page(roleplay_id: str, context: ContextDep, token: TokenQuery = "") -> HTMLResponse:
    """A participant's role-play page. With the sign-in token in the query the link is checked
    here, so a wrong one gets a clear page; the page then keeps the token out of the address."""
    if token:
        try:
            _visible(roleplay_id, authenticate(token, context), context)
        except RapportError as exc:
            return message_page(exc.status, "Role-play", exc.detail)
    nonce = secrets.token_urlsafe(16)
    body = (PAGE.replace("{{NONCE}}", nonce)
            .replace("{{ROLEPLAY_ID}}", html.escape(roleplay_id, quote=True)))
    return HTMLResponse(body, headers=page_headers(nonce))


def _team_of(participants: list[str]) -> str:
    problems = []
    for agent_id in participants:
        try:
            parse_agent_id(agent_id)
        except ValueError as exc:
            problems.append(str(exc))
    if problems:
        raise Unprocessable("; ".join(problems))
    repeated = sorted({a for a in participants if participants.count(a) > 1})
    if repeated:
        raise Unprocessable(f"participants are listed twice: {', '.join(repeated)}")
    teams = sorted({team_of_agent(agent_id) for agent_id in participants})
    if len(teams) != 1:
        raise Unprocessable(f"participants must be of one team; they are of {', '.join(teams)}")
    return teams[0]


def _found(roleplay_id: str, context: CoachContext) -> RoleplayRecord:
    with context.engine.connect() as connection:
        record = store.get_roleplay(connection, roleplay_id)
    if record is None:
        raise NotFound(f"no role-play {roleplay_id!r}")
    return record


def _visible(roleplay_id: str, caller: Principal, context: CoachContext) -> RoleplayRecord:
    """The session, if the caller takes part in it or leads its team (or is the admin)."""
    record = _found(roleplay_id, context)
    if record.position_of(caller.agent_id) is None and not (
            caller.is_admin or (caller.role == "lead" and caller.team_id == record.team_id)):
        raise Forbidden("you are not taking part in this role-play")
    return record


def _require_participant(record: RoleplayRecord, caller: Principal) -> int:
    position = record.position_of(caller.agent_id)
    if position is None:
        raise Forbidden("only the role-play's participants do this, with their own sign-in "
                        "token")
    return position


def _require_current_round(record: RoleplayRecord, round_number: int) -> None:
    if record.phase != "playing":
        raise Conflict("the role-play is over: its debrief is open")
    if round_number != record.current_round + 1:
        raise Conflict(f"round {round_number} is not the current round (it is round "
                       f"{record.current_round + 1})")


def _scenario(record: RoleplayRecord, context: CoachContext) -> Scenario:
    try:
        return context.library.get(record.scenario_id)
    except UnknownScenarioError:
        raise NotFound(f"the role-play's scenario {record.scenario_id!r} is no longer in the "
                       "library") from None


def _remaining(record: RoleplayRecord, context: CoachContext) -> int:
    elapsed = (context.clock() - record.round_started_at).total_seconds()
    return max(0, int(record.timebox_minutes * 60 - elapsed))


def _out(record: RoleplayRecord, scenario: Scenario, caller: Principal,
         context: CoachContext) -> RoleplayOut:
    mine = record.position_of(caller.agent_id)
    return RoleplayOut(
        roleplay_id=record.roleplay_id, team_id=record.team_id, scenario_id=record.scenario_id,
        scenario_title=scenario.title, round=record.current_round + 1,
        round_count=record.round_count, phase=record.phase,
        timebox_minutes=record.timebox_minutes, round_started_at=record.round_started_at,
        remaining_seconds=_remaining(record, context),
        your_role=None if mine is None else role_of(mine, record.current_round, record.size),
        participants=[ParticipantOut(
            position=position + 1, role=role_of(position, record.current_round, record.size),
            # Co-participants are "Participant 2" to each other; the lead sees who is who.
            agent_id=agent_id if mine is None or agent_id == caller.agent_id else None)
            for position, agent_id in record.participants],
        page_path=page_path(record.roleplay_id), created_at=record.created_at)
