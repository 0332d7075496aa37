"""FastAPI routers, one module per resource; ``services/coach/app.py`` mounts ``ROUTERS``."""

from fastapi import APIRouter

from services.coach.web.routes import (
    admin,
    agents,
    assets,
    assignments,
    calibration,
    disputes,
    gratitude,
    home,
    lead_pages,
    lines,
    lines_pages,
    practice,
    reflections,
    roleplay,
    scenarios,
    team,
    team_pages,
)

# The agent's own pages and API first, then the team's: the lead's view and experiments, best
# lines and gratitude, calibration circles and disputes; last the style and script the pages share.
ROUTERS: tuple[APIRouter, ...] = tuple(module.router for module in (
    agents, scenarios, assignments, admin, practice, reflections, home, roleplay,
    team, lead_pages,
    lines, lines_pages, gratitude,
    calibration, disputes, team_pages,
    assets,
))
