"""``/practice``: the agent's practice page (plain HTML + JS, no build step, no CDN).

The sign-in link carries the token in the query string; the page moves it into session storage
and out of the address bar at once, and sends it as a bearer token to the API. The server
checks a token in the query here too, so a bad link gets a clear page instead of a broken one.
Without one (a drill opened from the index, a reload) the page is served bare: it holds no
data, and the API checks the stored token on every request.
"""

from __future__ import annotations

import html
import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from services.coach.web.access import ContextDep, authenticate, owned_assignment
from services.coach.web.page_shell import message_page, page_headers, static_page
from shared.http.problems import NotFound, RapportError

router = APIRouter(tags=["practice"])
PAGE = static_page("practice.html")
# The agent's home (focus, drills, progress, history): what a sign-in link without a drill opens.
HOME = static_page("home.html")
TokenQuery = Annotated[str, Query(description="The token from the sign-in link.")]
_REFUSALS = {401: "The link's token is not valid or has expired",
             403: "The drill belongs to another agent", 404: "The drill does not exist"}


def _error_pages(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """A bad link gets a page saying so (not problem+json): what a browser shows."""
    return {status: {"description": _REFUSALS[status],
                     "content": {"text/html": {"schema": {"type": "string"}}}}
            for status in statuses}


@router.get("/practice", response_class=HTMLResponse, responses=_error_pages(401))
def practice_index(context: ContextDep, token: TokenQuery = "") -> HTMLResponse:
    """The agent's home: this week's focus and drills, progress over time and past practice."""
    if not token:
        return _home_page(agent_id="")
    try:
        caller = authenticate(token, context)
    except RapportError as exc:
        return _error_page(exc)
    return _home_page(agent_id=caller.agent_id or "")


@router.get("/practice/{assignment_id}", response_class=HTMLResponse,
            responses=_error_pages(401, 403, 404))
def practice_drill(assignment_id: str, context: ContextDep,
                   token: TokenQuery = "") -> HTMLResponse:
    """One drill: the customer speaks turn by turn, each reply is scored live."""
    if not token:  # no lookup: whether the drill exists is for the API to tell a signed-in agent
        return _page(assignment_id=assignment_id, agent_id="")
    try:
        record = owned_assignment(assignment_id, authenticate(token, context), context)
    except NotFound:
        return message_page(404, "Practice", "This drill does not exist (any more).")
    except RapportError as exc:
        return _error_page(exc)
    return _page(assignment_id=assignment_id, agent_id=record.agent_id)


def _page(*, assignment_id: str, agent_id: str) -> HTMLResponse:
    nonce = secrets.token_urlsafe(16)
    body = (PAGE.replace("{{NONCE}}", nonce)
            .replace("{{ASSIGNMENT_ID}}", html.escape(assignment_id, quote=True))
            .replace("{{AGENT_ID}}", html.escape(agent_id, quote=True)))
    return HTMLResponse(body, headers=page_headers(nonce))


def _home_page(*, agent_id: str) -> HTMLResponse:
    nonce = secrets.token_urlsafe(16)
    body = (HOME.replace("{{NONCE}}", nonce)
            .replace("{{AGENT_ID}}", html.escape(agent_id, quote=True)))
    return HTMLResponse(body, headers=page_headers(nonce))


def _error_page(exc: RapportError) -> HTMLResponse:
    return message_page(exc.status, "Practice", exc.detail)
