"""``/v1/teams/{team}/circles``, ``/v1/circles/...``, ``/v1/reviews``: calibration circles.

Leads (of the circle's team) create, follow, reveal, agree and export; reviewers (named in the
circle, with a reviewer's token for its team) see the replies and their own ratings only, until
the reveal, when they may read the results too. Agents have no access at all.
"""

from __future__ import annotations

from typing import Annotated, Any

import sqlalchemy as sa
from fastapi import APIRouter, Path, Response

from services.coach.schemas.calibration import (
    AgreedIn,
    CircleIn,
    CircleListOut,
    CircleOut,
    RatingIn,
    ResultsOut,
    ReviewListOut,
    ReviewOut,
)
from services.coach.schemas.practice import problem_responses
from services.coach.web.access import CallerDep, ContextDep, Principal
from services.coach.web.links import parse_team_id
from services.coach.workflows import calibration
from services.coach.workflows.calibration_metrics import publish_calibration_metrics
from services.coach.workflows.label_export import circle_label_records, to_jsonl
from shared.http.problems import Forbidden, Unprocessable

router = APIRouter(tags=["calibration"])
JSONL = "application/x-ndjson"
NO_STORE = {"Cache-Control": "no-store"}
Position = Annotated[int, Path(ge=0, le=1000, description="The reply's place in the circle.")]


def check_team_id(team_id: str) -> None:
    try:
        parse_team_id(team_id)
    except ValueError as exc:
        raise Unprocessable(str(exc)) from None


def require_circle_reviewer(caller: Principal, connection: sa.Connection,
                            circle: sa.Row[Any]) -> str:
    reviewer = caller.require_reviewer()
    if caller.team_id != circle.team_id or not calibration.is_reviewer(
            connection, circle.circle_id, reviewer):
        raise Forbidden("you are not a reviewer of this circle")
    return reviewer


@router.post("/v1/teams/{team_id}/circles", response_model=CircleOut, status_code=201,
             responses=problem_responses(401, 403, 422))
def create_circle(team_id: str, body: CircleIn, caller: CallerDep,
                  context: ContextDep) -> CircleOut:
    """Sample the team's scored replies by the filters and ask the reviewers to rate them."""
    check_team_id(team_id)
    caller.require_lead_of(team_id)
    with context.engine.begin() as connection:
        circle_id = calibration.create_circle(connection, team_id, body, context.clock())
        return calibration.circle_out(connection, calibration.get_circle(connection, circle_id))


@router.get("/v1/teams/{team_id}/circles", response_model=CircleListOut,
            responses=problem_responses(401, 403, 422))
def list_circles(team_id: str, caller: CallerDep, context: ContextDep) -> CircleListOut:
    check_team_id(team_id)
    caller.require_lead_of(team_id)
    with context.engine.connect() as connection:
        return calibration.list_circles(connection, team_id)


@router.get("/v1/circles/{circle_id}", response_model=CircleOut,
            responses=problem_responses(401, 403, 404))
def get_circle(circle_id: str, caller: CallerDep, context: ContextDep) -> CircleOut:
    """The circle's filters and each reviewer's progress (never their ratings)."""
    with context.engine.connect() as connection:
        circle = calibration.get_circle(connection, circle_id)
        caller.require_lead_of(circle.team_id)
        return calibration.circle_out(connection, circle)


@router.post("/v1/circles/{circle_id}/reveal", response_model=CircleOut,
             responses=problem_responses(401, 403, 404, 409))
def reveal_circle(circle_id: str, caller: CallerDep, context: ContextDep) -> CircleOut:
    """Close the ratings (at least two reviewers submitted) and show the results."""
    now = context.clock()
    with context.engine.begin() as connection:
        circle = calibration.get_circle(connection, circle_id)
        caller.require_lead_of(circle.team_id)
        calibration.reveal(connection, circle, now)
        out = calibration.circle_out(connection, calibration.get_circle(connection, circle_id))
    with context.engine.connect() as connection:
        publish_calibration_metrics(connection, now)
    return out


@router.get("/v1/circles/{circle_id}/results", response_model=ResultsOut,
            responses=problem_responses(401, 403, 404, 409))
def get_results(circle_id: str, caller: CallerDep, context: ContextDep,
                response: Response) -> ResultsOut:
    """Per dimension alpha between reviewers and model vs consensus; the replies, most
    disagreed first, with every rating side by side. 409 before the reveal."""
    response.headers.update(NO_STORE)
    with context.engine.connect() as connection:
        circle = calibration.get_circle(connection, circle_id)
        if caller.role == "reviewer":
            require_circle_reviewer(caller, connection, circle)
        else:
            caller.require_lead_of(circle.team_id)
        return calibration.results(connection, circle)


@router.put("/v1/circles/{circle_id}/items/{position}/agreed", status_code=204,
            responses=problem_responses(401, 403, 404, 409, 422))
def put_agreed(circle_id: str, position: Position, body: AgreedIn, caller: CallerDep,
               context: ContextDep) -> Response:
    """The rating the circle agreed on for one reply (a human label) and a note."""
    with context.engine.begin() as connection:
        circle = calibration.get_circle(connection, circle_id)
        caller.require_lead_of(circle.team_id)
        calibration.save_agreed(connection, circle, position, body.labels, body.note,
                                context.clock())
    return Response(status_code=204)


@router.get("/v1/circles/{circle_id}/export", response_class=Response,
            responses={200: {"description": "Human labels, one JSON object a line "
                                            "(lab/scorer/human_labels.py).",
                             "content": {JSONL: {"schema": {"type": "string"}}}},
                       **problem_responses(401, 403, 404)})
def export_labels(circle_id: str, caller: CallerDep, context: ContextDep) -> Response:
    """The agreed ratings as JSONL for ``python -m services.scorer train --human-labels``."""
    with context.engine.connect() as connection:
        circle = calibration.get_circle(connection, circle_id)
        caller.require_lead_of(circle.team_id)
        body = to_jsonl(circle_label_records(connection, circle_id))
    return Response(body, media_type=JSONL, headers={
        **NO_STORE, "Content-Disposition": f'attachment; filename="circle-{circle_id}.jsonl"'})


@router.get("/v1/reviews", response_model=ReviewListOut, responses=problem_responses(401, 403))
def list_reviews(caller: CallerDep, context: ContextDep) -> ReviewListOut:
    """The circles this reviewer was asked to rate."""
    reviewer = caller.require_reviewer()
    with context.engine.connect() as connection:
        return calibration.reviewer_circles(connection, reviewer, caller.team_id or "")


@router.get("/v1/circles/{circle_id}/review", response_model=ReviewOut,
            responses=problem_responses(401, 403, 404))
def get_review(circle_id: str, caller: CallerDep, context: ContextDep,
               response: Response) -> ReviewOut:
    """The replies to rate and this reviewer's own ratings: no one else's, no model scores."""
    response.headers.update(NO_STORE)
    with context.engine.connect() as connection:
        circle = calibration.get_circle(connection, circle_id)
        reviewer = require_circle_reviewer(caller, connection, circle)
        return calibration.review(connection, circle, reviewer)


@router.put("/v1/circles/{circle_id}/ratings/{position}", status_code=204,
            responses=problem_responses(401, 403, 404, 409, 422))
def put_rating(circle_id: str, position: Position, body: RatingIn, caller: CallerDep,
               context: ContextDep) -> Response:
    """Save (or replace) this reviewer's rating of one reply, until they submit."""
    with context.engine.begin() as connection:
        circle = calibration.get_circle(connection, circle_id)
        reviewer = require_circle_reviewer(caller, connection, circle)
        calibration.save_rating(connection, circle, reviewer, position, body.labels,
                                context.clock())
    return Response(status_code=204)


@router.post("/v1/circles/{circle_id}/submit", status_code=204,
             responses=problem_responses(401, 403, 404, 409))
def submit_ratings(circle_id: str, caller: CallerDep, context: ContextDep) -> Response:
    """Hand in this reviewer's ratings (every reply rated); they can no longer change."""
    with context.engine.begin() as connection:
        circle = calibration.get_circle(connection, circle_id)
        reviewer = require_circle_reviewer(caller, connection, circle)
        calibration.submit(connection, circle, reviewer, context.clock())
    return Response(status_code=204)
