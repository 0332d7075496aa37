"""``/team`` and ``/team/experiments/{experiment_id}``: the lead's pages.

The page is a shell (``static/lead.html``) that fetches its content, rendered on the server,
from ``/v1/teams/{team}/view.html`` or ``.../experiments/{id}.html`` with the lead's token. As
on the practice page, the sign-in link carries the token in the query string and the page moves
it into session storage at once; a token in the query is checked here, so a bad link or a token
that is not a lead's gets a clear page. Without one the shell is served bare: it holds no data.
"""

from __future__ import annotations

import html
import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from services.coach.web.access import ContextDep, Principal, authenticate
from services.coach.web.page_shell import message_page, page_headers, static_page
from shared.http.problems import Forbidden, RapportError

router = APIRouter(tags=["team"])
PAGE = static_page("lead.html")
TokenQuery = Annotated[str, Query(description="The token from a lead's sign-in link.")]
_ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"description": text, "content": {"text/html": {"schema": {"type": "string"}}}}
    for status, text in ((401, "The link's token is not valid or has expired"),
                         (403, "The token is not a team lead's"))}


@router.get("/team", response_class=HTMLResponse, responses=_ERRORS)
def team_page(context: ContextDep, token: TokenQuery = "") -> HTMLResponse:
    """The team view: skills across the team, drills, calibration, disputes, experiments."""
    return _page(context, token, page="team", title="Your team")


@router.get("/team/experiments/{experiment_id}", response_class=HTMLResponse,
            responses=_ERRORS)
def experiment_page(experiment_id: str, context: ContextDep,
                    token: TokenQuery = "") -> HTMLResponse:
    """One before/after experiment: the change, its interval, the comparison, the CSV."""
    return _page(context, token, page="experiment", title="Experiment",
                 experiment_id=experiment_id)


def _page(context: ContextDep, token: str, *, page: str, title: str,
          experiment_id: str = "") -> HTMLResponse:
    team_id = ""
    if token:
        try:
            caller = authenticate(token, context)
            team_id = _lead_team(caller)
        except RapportError as exc:
            return message_page(exc.status, "Team", exc.detail)
    nonce = secrets.token_urlsafe(16)
    body = (PAGE.replace("{{NONCE}}", nonce).replace("{{PAGE}}", page)
            .replace("{{TITLE}}", html.escape(title))
            .replace("{{TEAM_ID}}", html.escape(team_id, quote=True))
            .replace("{{EXPERIMENT_ID}}", html.escape(experiment_id, quote=True)))
    return HTMLResponse(body, headers=page_headers(nonce))


def _lead_team(caller: Principal) -> str:
    if caller.role != "lead" or caller.team_id is None:
        raise Forbidden("this page is for team leads: open it with a lead's sign-in link")
    return caller.team_id
