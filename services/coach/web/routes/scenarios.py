"""``/v1/scenarios``: the scenario library, read-only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from services.coach.domain.scenario_library import UnknownScenarioError
from services.coach.domain.scenario_models import Scenario
from services.coach.schemas.practice import ScenarioSummaryOut, problem_responses
from services.coach.web.access import CallerDep, ContextDep
from services.coach.web.views import scenario_summary_out
from shared.events.interactions import Channel
from shared.events.scores import Dimension
from shared.http.problems import NotFound

router = APIRouter(prefix="/v1/scenarios", tags=["scenarios"])


@router.get("", response_model=list[ScenarioSummaryOut], responses=problem_responses(401))
def list_scenarios(
    _caller: CallerDep, context: ContextDep,
    dimension: Annotated[Dimension | None, Query(description="Only scenarios training it.")] = None,
    channel: Annotated[Channel | None, Query(description="Only scenarios in it.")] = None,
) -> list[ScenarioSummaryOut]:
    scenarios = context.library.all()
    if dimension is not None:
        scenarios = context.library.by_dimension(dimension)
    if channel is not None:
        scenarios = tuple(s for s in scenarios if s.channel == channel)
    return [scenario_summary_out(s) for s in scenarios]


@router.get("/{scenario_id}", response_model=Scenario, responses=problem_responses(401, 404))
def get_scenario(scenario_id: str, _caller: CallerDep, context: ContextDep) -> Scenario:
    try:
        return context.library.get(scenario_id)
    except UnknownScenarioError as exc:
        raise NotFound(str(exc)) from None
