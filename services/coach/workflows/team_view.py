"""The lead's view of a team: skills by dimension over the weeks, drill completion, calibration
health and open disputes.

Everything is summed over the team: no figure names, ranks or singles out an agent, and no
agent's weak skill is listed (behaviour, not people). A team is a helpdesk account, the agent
ids' ``provider:account``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa

from services.coach.domain.chart_svg import Point, Series
from services.coach.domain.dimensions import as_dimension
from services.coach.domain.skill_words import measures, percent, skill_title
from services.coach.domain.timeutil import iso_week, shift_week
from services.coach.schemas.teams import (
    CalibrationHealthOut,
    DrillWeekOut,
    SkillAgreementOut,
    TeamSkillPointOut,
    TeamSkillSeriesOut,
    TeamViewOut,
)
from services.coach.store.calibration_tables import circles, disputes
from services.coach.store.experiment_store import team_agent_ids
from services.coach.store.tables import assignments, weekly_scores
from services.coach.workflows import calibration
from shared.events.scores import DIMENSIONS

WEEKS_SHOWN = 8


def team_weeks(now: datetime) -> list[str]:
    this_week = iso_week(now)
    return [shift_week(this_week, offset) for offset in range(1 - WEEKS_SHOWN, 1)]


def build_team_view(connection: sa.Connection, team_id: str, *, now: datetime) -> TeamViewOut:
    weeks = team_weeks(now)
    return TeamViewOut(
        team_id=team_id, as_of=now, agents=len(team_agent_ids(connection, team_id)),
        weeks=weeks, skills=team_skills(connection, team_id, weeks),
        drills=drill_weeks(connection, team_id, weeks),
        calibration=calibration_health(connection, team_id),
        open_disputes=open_disputes(connection, team_id))


def team_skills(connection: sa.Connection, team_id: str,
                weeks: Sequence[str]) -> list[TeamSkillSeriesOut]:
    """Per dimension and week, the team's mean score per scored reply (every reply weighs the
    same: the team's behaviour that week, not an average of people)."""
    table = weekly_scores.c
    query = (sa.select(table.dimension, table.week, sa.func.sum(table.sum_score),
                       sa.func.sum(table.scored_count))
             .where(_of_team(table.agent_id, team_id), table.week >= weeks[0],
                    table.week <= weeks[-1])
             .group_by(table.dimension, table.week))
    points: dict[str, list[TeamSkillPointOut]] = {}
    for dimension, week, total, count in connection.execute(query):
        if count:
            points.setdefault(dimension, []).append(
                TeamSkillPointOut(week=week, mean=float(total) / int(count),
                                  scored_count=int(count)))
    return [TeamSkillSeriesOut(dimension=as_dimension(d), measures=measures(d),
                               points=sorted(points[d], key=lambda p: p.week))
            for d in DIMENSIONS if d in points]


def drill_weeks(connection: sa.Connection, team_id: str,
                weeks: Sequence[str]) -> list[DrillWeekOut]:
    table = assignments.c
    completed = sa.func.sum(sa.case((table.status == "completed", 1), else_=0))
    query = (sa.select(table.week, sa.func.count(), completed)
             .where(_of_team(table.agent_id, team_id), table.week >= weeks[0],
                    table.week <= weeks[-1])
             .group_by(table.week))
    found = {week: (int(assigned), int(done or 0))
             for week, assigned, done in connection.execute(query)}
    return [DrillWeekOut(week=week, assigned=found.get(week, (0, 0))[0],
                         completed=found.get(week, (0, 0))[1]) for week in weeks]


def calibration_health(connection: sa.Connection, team_id: str) -> CalibrationHealthOut:
    """How many circles the team ran, and the agreement per skill in the latest one revealed
    (reviewers among themselves, and the model against their consensus)."""
    table = circles.c
    revealed = sa.func.sum(sa.case((table.status == "revealed", 1), else_=0))
    total, done = connection.execute(
        sa.select(sa.func.count(), revealed).where(table.team_id == team_id)).one()
    total, done = int(total), int(done or 0)
    latest = connection.execute(
        sa.select(circles).where(table.team_id == team_id, table.status == "revealed")
        .order_by(table.revealed_at.desc(), table.circle_id).limit(1)).first()
    agreement = [] if latest is None else [
        SkillAgreementOut(dimension=row.dimension, reviewers_alpha=row.reviewers_alpha,
                          model_alpha=row.model_alpha)
        for row in calibration.results(connection, latest).dimensions]
    if not total:
        note = ("No calibration circle yet: run one to see how far the team and the model "
                "agree on the rubric.")
    else:
        note = (f"{total} calibration circle{'s' if total != 1 else ''}, {done} with results "
                "revealed.")
        if latest is not None:
            note += (f" Agreement per skill in the latest, \u201c{latest.title}\u201d "
                     "(Krippendorff's alpha: 1 is full agreement, 0 no better than chance):")
    return CalibrationHealthOut(available=bool(total), circles=total, revealed=done,
                                latest_title=None if latest is None else latest.title,
                                agreement=agreement, note=note)


def open_disputes(connection: sa.Connection, team_id: str) -> int:
    table = disputes.c
    return int(connection.execute(sa.select(sa.func.count()).where(
        table.team_id == team_id, table.status == "open")).scalar_one())


def chart_input(view: TeamViewOut) -> tuple[list[str], list[Series], str, str]:
    """The team view's skills as ``chart_svg`` series, with the chart's title and description."""
    series = [Series(s.dimension, tuple(Point(week=p.week, value=p.mean, count=p.scored_count)
                                        for p in s.points)) for s in view.skills]
    title = "The team's average score per skill, week by week"
    shown = [s for s in series if s.points]
    if not shown:
        description = "No scored replies in these weeks, so there is nothing to chart."
    else:
        latest = "; ".join(f"{skill_title(s.dimension)} {percent(s.points[-1].value)} in "
                           f"{s.points[-1].week}" for s in shown)
        description = (f"Weeks {view.weeks[0]} to {view.weeks[-1]}, 0 to 100% (how strongly "
                       "the team's scored replies showed each skill, averaged over every reply "
                       f"of the week). Latest: {latest}.")
    return list(view.weeks), series, title, description


def _of_team(column: sa.Column[str], team_id: str) -> sa.ColumnElement[bool]:
    return column.startswith(f"{team_id}:", autoescape=True)
