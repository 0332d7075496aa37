"""What the coach's routes need, created by the app's lifespan and found on ``app.state``."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from sqlalchemy import Engine

from services.coach.clients.scorer_client import ScorerClient
from services.coach.domain.scenario_library import ScenarioLibrary
from services.coach.domain.timeutil import Clock
from services.coach.settings import CoachSettings
from services.coach.workflows.assignment_service import AssignmentService
from shared.http.problems import ServiceUnavailable


@dataclass
class CoachContext:
    settings: CoachSettings
    engine: Engine
    library: ScenarioLibrary
    assignments: AssignmentService
    scorer: ScorerClient
    clock: Clock


def get_context(request: Request) -> CoachContext:
    context = getattr(request.app.state, "coach", None)
    if not isinstance(context, CoachContext):
        raise ServiceUnavailable("the coach is starting or stopping")
    return context
