"""``/v1/agents/{agent_id}/home``, its score chart, and picking a drill: the agent home page's API.

Each route checks the token against the agent first: an agent reads only their own home, the
admin any. The chart is server-rendered SVG (see ``chart_svg``) the page inlines.
"""

from __future__ import annotations

from fastapi import APIRouter, Response

from services.coach.domain.chart_svg import render_chart
from services.coach.domain.timeutil import iso_week
from services.coach.schemas.practice import AssignmentOut, ChooseDrillIn, HomeOut, problem_responses
from services.coach.web.access import CallerDep, ContextDep
from services.coach.web.views import assignment_out
from services.coach.workflows.home import build_home, chart_series
from services.coach.workflows.self_chosen import choose_drill
from shared.events.ids import parse_agent_id
from shared.http.problems import Unprocessable

router = APIRouter(prefix="/v1/agents", tags=["home"])
SVG = "image/svg+xml"
NO_STORE = "no-store"


@router.get("/{agent_id}/home", response_model=HomeOut,
            responses=problem_responses(401, 403, 422))
def get_home(agent_id: str, caller: CallerDep, context: ContextDep,
             response: Response) -> HomeOut:
    """Greeting, this week's focus with its reason and evidence, the drills, scores per week,
    what changed since last week, past practice and, when nothing waits, drills to pick."""
    check_agent_id(agent_id)
    caller.require_access(agent_id)
    response.headers["Cache-Control"] = NO_STORE  # one agent's data: no shared or stale copy
    with context.engine.connect() as connection:
        return build_home(connection, agent_id=agent_id, now=context.clock(),
                          settings=context.settings.profile, library=context.library)


@router.get("/{agent_id}/score-chart.svg", response_class=Response,
            responses={200: {"description": "The chart as an SVG image with a text alternative.",
                             "content": {SVG: {"schema": {"type": "string"}}}},
                       **problem_responses(401, 403, 422)})
def get_score_chart(agent_id: str, caller: CallerDep, context: ContextDep) -> Response:
    """The agent's average score per skill and week (the last eight weeks)."""
    check_agent_id(agent_id)
    caller.require_access(agent_id)
    with context.engine.connect() as connection:
        weeks, series = chart_series(connection, agent_id, context.clock())
    return Response(render_chart(weeks, series), media_type=SVG,
                    headers={"Cache-Control": NO_STORE, "X-Content-Type-Options": "nosniff",
                             "Content-Security-Policy": "default-src 'none'"})


@router.post("/{agent_id}/drills", response_model=AssignmentOut, status_code=201,
             responses=problem_responses(401, 403, 409, 422))
def post_drill(agent_id: str, body: ChooseDrillIn, caller: CallerDep,
               context: ContextDep) -> AssignmentOut:
    """Pick a drill when none is waiting this week: any scenario for this week's focus (or,
    before there is a focus, for any skill it trains). 409 while drills are waiting."""
    check_agent_id(agent_id)
    caller.require_access(agent_id)
    record = choose_drill(context, agent_id=agent_id, scenario_id=body.scenario_id,
                          dimension=body.dimension)
    return assignment_out(record, context.library, current_week=iso_week(context.clock()))


def check_agent_id(agent_id: str) -> None:
    try:
        parse_agent_id(agent_id)
    except ValueError as exc:
        raise Unprocessable(str(exc)) from None
