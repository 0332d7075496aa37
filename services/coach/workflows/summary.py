"""A one-screen summary of the coach's state, for operators and ``make up``'s closing report."""

from __future__ import annotations

from collections import defaultdict

import sqlalchemy as sa
from pydantic import BaseModel

from services.coach.store.tables import assignments, dimension_profiles, score_events


class AgentSummary(BaseModel):
    agent_id: str
    scored_messages: int
    focus_dimension: str | None
    drills: list[str]


class CoachSummary(BaseModel):
    week: str
    score_events_applied: int
    assignments_this_week: int
    agents: list[AgentSummary]


def build_summary(connection: sa.Connection, *, week: str) -> CoachSummary:
    applied = connection.execute(sa.select(sa.func.count()).select_from(score_events)).scalar_one()
    # .all(): a list of 2-tuples; a bare result would be mistaken for a mapping by dict().
    scored: dict[str, int] = dict(
        connection.execute(
            sa.select(dimension_profiles.c.agent_id,
                      sa.func.max(dimension_profiles.c.scored_count))
            .group_by(dimension_profiles.c.agent_id)
        ).all()
    )
    drills: dict[str, list[str]] = defaultdict(list)
    focus: dict[str, str] = {}
    rows = connection.execute(
        sa.select(assignments.c.agent_id, assignments.c.scenario_id,
                  assignments.c.target_dimension)
        .where(assignments.c.week == week).order_by(assignments.c.agent_id, assignments.c.slot)
    )
    for agent_id, scenario_id, dimension in rows:
        drills[agent_id].append(scenario_id)
        focus[agent_id] = dimension
    agents = [
        AgentSummary(agent_id=agent_id, scored_messages=int(count),
                     focus_dimension=focus.get(agent_id), drills=drills.get(agent_id, []))
        for agent_id, count in sorted(scored.items())
    ]
    return CoachSummary(week=week, score_events_applied=int(applied),
                        assignments_this_week=sum(len(d) for d in drills.values()), agents=agents)
