"""``/lines`` (best lines and the team phrasebook) and ``/gratitude`` (the spotlight): pages.

Served like the practice pages (``routes_practice``): plain HTML with a nonce'd script and no
CDN; a sign-in link's token in the query is checked here (a bad link gets a page saying so), then
moved by the page into session storage and out of the address bar. The page is served bare
without one (a reload): it holds no data, and the API checks the stored token on every request.
The same page serves an agent (their own lines, their own praise) and a lead (the team's queue,
the team's praise): which is decided by the token, and enforced by the API.
"""

from __future__ import annotations

import html
import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from services.coach.web.access import ContextDep, Principal, authenticate
from services.coach.web.page_shell import message_page, page_headers, static_page
from shared.http.problems import RapportError

router = APIRouter(tags=["pages"])
LINES_PAGE = static_page("lines.html")
GRATITUDE_PAGE = static_page("gratitude.html")
TokenQuery = Annotated[str, Query(description="The token from the sign-in link.")]
_REFUSED: dict[int | str, dict[str, Any]] = {
    401: {"description": "The link's token is not valid or has expired",
          "content": {"text/html": {"schema": {"type": "string"}}}}}


@router.get("/lines", response_class=HTMLResponse, responses=_REFUSED)
def lines_page(context: ContextDep, token: TokenQuery = "") -> HTMLResponse:
    """Best lines: an agent shares lines that worked and reads the team phrasebook; a lead
    approves or rejects the lines waiting."""
    return _serve(LINES_PAGE, "Best lines", token, context)


@router.get("/gratitude", response_class=HTMLResponse, responses=_REFUSED)
def gratitude_page(context: ContextDep, token: TokenQuery = "") -> HTMLResponse:
    """Thanks from customers: an agent's own, or (for a lead) the team's, for a retro."""
    return _serve(GRATITUDE_PAGE, "Gratitude", token, context)


def _serve(template: str, title: str, token: str, context: ContextDep) -> HTMLResponse:
    caller = Principal(agent_id=None)
    if token:
        try:
            caller = authenticate(token, context)
        except RapportError as exc:
            return _refusal(title, exc)
    nonce = secrets.token_urlsafe(16)
    values = {"NONCE": nonce, "AGENT_ID": caller.agent_id or "", "ROLE": caller.role if token
              else "", "TEAM_ID": caller.team_id or ""}
    body = template
    for name, value in values.items():
        body = body.replace("{{" + name + "}}", html.escape(value, quote=True))
    return HTMLResponse(body, headers=page_headers(nonce))


def _refusal(title: str, exc: RapportError) -> HTMLResponse:
    return message_page(exc.status, title, exc.detail)
