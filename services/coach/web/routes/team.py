"""``/v1/teams/{team_id}/...``: the lead's team view and before/after experiments.

Only the lead of the team (a lead's sign-in token for that team) and the admin get in: an agent
or a reviewer gets a 403, a lead of another team too. The figures are the team's or a group's,
never an agent's own, so nothing here ranks or singles out a person.
"""

from __future__ import annotations

import re

from fastapi import APIRouter, Response

from services.coach.context import CoachContext
from services.coach.domain.chart_svg import render_chart
from services.coach.schemas.practice import problem_responses
from services.coach.schemas.teams import (
    ExperimentIn,
    ExperimentListOut,
    ExperimentOut,
    ExperimentSummaryOut,
    TeamAgentsOut,
    TeamViewOut,
)
from services.coach.store.experiment_store import (
    ExperimentRecord,
    get_experiment,
    list_experiments,
    team_agent_ids,
)
from services.coach.web.access import CallerDep, ContextDep, Principal
from services.coach.web.lead_html import experiment_fragment, team_fragment
from services.coach.web.links import parse_team_id
from services.coach.workflows.experiments import define, measure, to_csv
from services.coach.workflows.team_view import build_team_view, chart_input
from shared.http.problems import NotFound, Unprocessable

router = APIRouter(prefix="/v1/teams", tags=["team"])
EXPERIMENT_ID = re.compile(r"exp_[0-9a-f]{16}")  # as experiment_store makes them
SVG, HTML, CSV = "image/svg+xml", "text/html; charset=utf-8", "text/csv; charset=utf-8"
# One team's figures: never cached where another person could be served them.
PRIVATE = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


def _document(media_type: str, description: str) -> dict[int | str, dict[str, object]]:
    return {200: {"description": description,
                  "content": {media_type.split(";")[0]: {"schema": {"type": "string"}}}},
            **problem_responses(401, 403, 404, 422)}


@router.get("/{team_id}/view", response_model=TeamViewOut,
            responses=problem_responses(401, 403, 422))
def get_team_view(team_id: str, caller: CallerDep, context: ContextDep,
                  response: Response) -> TeamViewOut:
    """Skills by dimension across the team over the last eight weeks, drill completion per
    week, calibration health and the number of open disputes."""
    _lead_of(team_id, caller)
    response.headers.update(PRIVATE)
    with context.engine.connect() as connection:
        return build_team_view(connection, team_id, now=context.clock())


@router.get("/{team_id}/skills-chart.svg", response_class=Response,
            responses=_document(SVG, "The team's skills chart: SVG with a text alternative."))
def get_team_chart(team_id: str, caller: CallerDep, context: ContextDep) -> Response:
    _lead_of(team_id, caller)
    with context.engine.connect() as connection:
        view = build_team_view(connection, team_id, now=context.clock())
    return Response(_chart(view), media_type=SVG,
                    headers={**PRIVATE, "Content-Security-Policy": "default-src 'none'"})


@router.get("/{team_id}/view.html", response_class=Response,
            responses=_document(HTML, "The team page's content, rendered (the page at /team "
                                      "shows it)."))
def get_team_view_html(team_id: str, caller: CallerDep, context: ContextDep) -> Response:
    _lead_of(team_id, caller)
    with context.engine.connect() as connection:
        view = build_team_view(connection, team_id, now=context.clock())
        experiments = [_summary(r) for r in list_experiments(connection, team_id)]
        agents = team_agent_ids(connection, team_id)
    return Response(team_fragment(view, _chart(view), experiments, agents), media_type=HTML,
                    headers=PRIVATE)


@router.get("/{team_id}/agents", response_model=TeamAgentsOut,
            responses=problem_responses(401, 403, 422))
def get_team_agents(team_id: str, caller: CallerDep, context: ContextDep,
                    response: Response) -> TeamAgentsOut:
    """The team's agents (ids only), to pick an experiment's cohort."""
    _lead_of(team_id, caller)
    response.headers.update(PRIVATE)
    with context.engine.connect() as connection:
        return TeamAgentsOut(team_id=team_id, agent_ids=team_agent_ids(connection, team_id))


@router.post("/{team_id}/experiments", response_model=ExperimentOut, status_code=201,
             responses=problem_responses(401, 403, 422))
def post_experiment(team_id: str, body: ExperimentIn, caller: CallerDep,
                    context: ContextDep) -> ExperimentOut:
    """Define an experiment: a cohort who practised a skill, a baseline and a practice window;
    the comparison group defaults to the team's other agents. Returns it measured."""
    _lead_of(team_id, caller)
    with context.engine.begin() as connection:
        record = define(connection, team_id, body, now=context.clock())
    with context.engine.connect() as connection:
        return measure(connection, record)


@router.get("/{team_id}/experiments", response_model=ExperimentListOut,
            responses=problem_responses(401, 403, 422))
def get_experiments(team_id: str, caller: CallerDep, context: ContextDep) -> ExperimentListOut:
    _lead_of(team_id, caller)
    with context.engine.connect() as connection:
        records = list_experiments(connection, team_id)
    return ExperimentListOut(team_id=team_id, experiments=[_summary(r) for r in records])


# The .csv and .html routes come first: "{experiment_id}" alone would match "exp_1.csv".
@router.get("/{team_id}/experiments/{experiment_id}.csv", response_class=Response,
            responses=_document(CSV, "The experiment's figures, one row per group, one for "
                                     "the difference and one per helpdesk outcome."))
def get_experiment_csv(team_id: str, experiment_id: str, caller: CallerDep,
                       context: ContextDep) -> Response:
    experiment = _measured(team_id, experiment_id, caller, context)
    return Response(to_csv(experiment), media_type=CSV, headers={
        **PRIVATE, "Content-Disposition": f'attachment; filename="{experiment_id}.csv"'})


@router.get("/{team_id}/experiments/{experiment_id}.html", response_class=Response,
            responses=_document(HTML, "The experiment page's content, rendered."))
def get_experiment_html(team_id: str, experiment_id: str, caller: CallerDep,
                        context: ContextDep) -> Response:
    experiment = _measured(team_id, experiment_id, caller, context)
    return Response(experiment_fragment(experiment), media_type=HTML, headers=PRIVATE)


@router.get("/{team_id}/experiments/{experiment_id}", response_model=ExperimentOut,
            responses=problem_responses(401, 403, 404, 422))
def get_experiment_result(team_id: str, experiment_id: str, caller: CallerDep,
                          context: ContextDep) -> ExperimentOut:
    """The definition, both groups' change with bootstrap intervals, the
    difference-in-differences and what is known of helpdesk outcomes."""
    return _measured(team_id, experiment_id, caller, context)


def _lead_of(team_id: str, caller: Principal) -> None:
    try:
        parse_team_id(team_id)
    except ValueError as exc:
        raise Unprocessable(str(exc)) from None
    if not team_id.isprintable():  # a NUL would not even reach PostgreSQL
        raise Unprocessable("the team id holds a control character")
    caller.require_lead_of(team_id)


def _measured(team_id: str, experiment_id: str, caller: Principal,
              context: CoachContext) -> ExperimentOut:
    _lead_of(team_id, caller)
    if EXPERIMENT_ID.fullmatch(experiment_id) is None:
        raise NotFound(f"team {team_id} has no experiment {experiment_id!r}")
    with context.engine.connect() as connection:
        record = get_experiment(connection, experiment_id)
        # Another team's experiment is "not found" here: its existence is not this lead's.
        if record is None or record.team_id != team_id:
            raise NotFound(f"team {team_id} has no experiment {experiment_id!r}")
        return measure(connection, record)


def _summary(record: ExperimentRecord) -> ExperimentSummaryOut:
    return ExperimentSummaryOut(
        experiment_id=record.experiment_id, name=record.name, dimension=record.dimension,
        baseline_from=record.baseline_from, baseline_to=record.baseline_to,
        practice_from=record.practice_from, practice_to=record.practice_to,
        created_at=record.created_at, cohort_size=len(record.cohort),
        comparison_size=len(record.comparison))


def _chart(view: TeamViewOut) -> str:
    weeks, series, title, description = chart_input(view)
    return render_chart(weeks, series, chart_id="team-chart", title=title,
                        description=description)
