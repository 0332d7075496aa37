"""Pages of calibration circles and disputes, opened from sign-in links (``?token=``).

``/team/calibration`` and ``/team/disputes`` for a team's lead, ``/review`` for a reviewer,
``/disputes`` for an agent. The token in the query is checked here as the API checks a bearer
token, so a bad or foreign link gets a page saying so; the page's forms call the API.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Query, Response
from fastapi.responses import HTMLResponse

from services.coach.context import CoachContext
from services.coach.web import team_pages
from services.coach.web.access import ContextDep, Principal, authenticate
from services.coach.web.page_shell import message_page, page_headers
from services.coach.web.routes.calibration import JSONL, require_circle_reviewer
from services.coach.workflows import calibration, disputes
from services.coach.workflows.label_export import circle_label_records, to_jsonl
from shared.http.problems import Forbidden, RapportError, Unauthorized

router = APIRouter(tags=["pages"], include_in_schema=False)
TokenQuery = Annotated[str, Query(description="The token from the sign-in link.")]


def _render(context: CoachContext, token: str, title: str,
            build: Callable[[Principal, sa.Connection, str], str]) -> HTMLResponse:
    nonce = secrets.token_urlsafe(16)
    try:
        caller = _caller(context, token)
        with context.engine.connect() as connection:
            body = build(caller, connection, nonce)
    except RapportError as exc:
        return _refusal(title, exc)
    return HTMLResponse(body, headers=page_headers(nonce))


def _caller(context: CoachContext, token: str) -> Principal:
    if not token:
        raise Unauthorized("open this page from your sign-in link")
    return authenticate(token, context)


def _refusal(title: str, exc: RapportError) -> HTMLResponse:
    return message_page(exc.status, title, exc.detail)



def _lead_team(caller: Principal) -> str:
    if caller.role != "lead" or caller.team_id is None:
        raise Forbidden("this page is for a team lead: open it from a lead's sign-in link")
    return caller.team_id


@router.get("/team/calibration", response_class=HTMLResponse)
def circles_page(context: ContextDep, token: TokenQuery = "") -> HTMLResponse:
    def build(caller: Principal, connection: sa.Connection, nonce: str) -> str:
        team = _lead_team(caller)
        return team_pages.circles_page(calibration.list_circles(connection, team), token, nonce)
    return _render(context, token, "Calibration circles", build)


@router.get("/team/calibration/{circle_id}", response_class=HTMLResponse)
def circle_page(circle_id: str, context: ContextDep, token: TokenQuery = "") -> HTMLResponse:
    def build(caller: Principal, connection: sa.Connection, nonce: str) -> str:
        circle = calibration.get_circle(connection, circle_id)
        caller.require_lead_of(circle.team_id)
        results = (calibration.results(connection, circle) if circle.status == "revealed"
                   else None)
        return team_pages.circle_page(calibration.circle_out(connection, circle), results,
                                      token, nonce)
    return _render(context, token, "Calibration circle", build)


@router.get("/team/calibration/{circle_id}/labels.jsonl", response_class=Response)
def circle_labels(circle_id: str, context: ContextDep, token: TokenQuery = "") -> Response:
    """The export link of the circle page (the API's export, authenticated by the link)."""
    try:
        caller = _caller(context, token)
        with context.engine.connect() as connection:
            circle = calibration.get_circle(connection, circle_id)
            caller.require_lead_of(circle.team_id)
            body = to_jsonl(circle_label_records(connection, circle_id))
    except RapportError as exc:
        return _refusal("Human labels", exc)
    return Response(body, media_type=JSONL, headers={
        "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
        "Content-Disposition": f'attachment; filename="circle-{circle_id}.jsonl"'})


@router.get("/review", response_class=HTMLResponse)
def reviews_page(context: ContextDep, token: TokenQuery = "") -> HTMLResponse:
    def build(caller: Principal, connection: sa.Connection, nonce: str) -> str:
        reviewer = caller.require_reviewer()
        return team_pages.reviews_page(
            calibration.reviewer_circles(connection, reviewer, caller.team_id or ""), token,
            nonce)
    return _render(context, token, "Your calibration circles", build)


@router.get("/review/{circle_id}", response_class=HTMLResponse)
def review_page(circle_id: str, context: ContextDep, token: TokenQuery = "") -> HTMLResponse:
    def build(caller: Principal, connection: sa.Connection, nonce: str) -> str:
        circle = calibration.get_circle(connection, circle_id)
        reviewer = require_circle_reviewer(caller, connection, circle)
        results = (calibration.results(connection, circle) if circle.status == "revealed"
                   else None)
        return team_pages.review_page(calibration.review(connection, circle, reviewer),
                                      results, token, nonce)
    return _render(context, token, "Calibration circle", build)


@router.get("/team/disputes", response_class=HTMLResponse)
def queue_page(context: ContextDep, token: TokenQuery = "") -> HTMLResponse:
    def build(caller: Principal, connection: sa.Connection, nonce: str) -> str:
        team = _lead_team(caller)
        everything = disputes.team_disputes(connection, team, None).disputes
        return team_pages.queue_page(team, [d for d in everything if d.status == "open"],
                                     [d for d in everything if d.status != "open"], token,
                                     nonce)
    return _render(context, token, "Disputes", build)


@router.get("/disputes", response_class=HTMLResponse)
def agent_disputes_page(context: ContextDep, token: TokenQuery = "") -> HTMLResponse:
    def build(caller: Principal, connection: sa.Connection, nonce: str) -> str:
        if caller.agent_id is None:
            raise Forbidden("this page is for an agent: open it from your sign-in link")
        return team_pages.agent_disputes_page(
            disputes.recent_messages(connection, caller.agent_id),
            disputes.agent_disputes(connection, caller.agent_id).disputes, nonce)
    return _render(context, token, "Disputes", build)
