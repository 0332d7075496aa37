"""An agent's scores per dimension and ISO week: written with each score batch, read by the home.

The skill profile is recency-weighted and so cannot say how a skill moved from one week to the
next; these plain sums can. The week is the message's (UTC), not the batch's: a replayed or late
batch adds to the week the replies were written in.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa

from services.coach.domain.dimensions import as_dimension
from services.coach.domain.timeutil import iso_week
from services.coach.domain.week_changes import WeekScore
from services.coach.store.tables import weekly_scores
from services.coach.store.upserts import bulk_upsert
from shared.events.scores import ScoreEvent

WeekKey = tuple[str, str, str]  # (agent id, dimension, ISO week)


def weekly_sums(events: Iterable[ScoreEvent]) -> dict[WeekKey, tuple[float, int]]:
    """(sum of scores, count) per agent, dimension and week; null scores do not count."""
    sums: dict[WeekKey, tuple[float, int]] = {}
    seen: set[str] = set()
    for event in events:
        if event.event_id in seen:
            continue  # the same event twice in one batch (a producer retry)
        seen.add(event.event_id)
        week = iso_week(event.message_at)
        for dimension, result in event.dimensions.items():
            if result.score is None:
                continue
            key = (event.agent_id, dimension, week)
            total, count = sums.get(key, (0.0, 0))
            sums[key] = (total + result.score, count + 1)
    return sums


def record_weekly_scores(connection: sa.Connection, events: Iterable[ScoreEvent]) -> None:
    """Add fresh (not yet applied) events to the weekly sums, in the batch's transaction."""
    table = weekly_scores.c

    def accumulate(excluded: Any) -> dict[str, Any]:
        # Arithmetic in SQL: the addition is right whatever the row held before.
        return {"sum_score": table.sum_score + excluded.sum_score,
                "scored_count": table.scored_count + excluded.scored_count}

    bulk_upsert(connection, weekly_scores, [
        {"agent_id": agent_id, "dimension": dimension, "week": week, "sum_score": total,
         "scored_count": count}
        for (agent_id, dimension, week), (total, count) in weekly_sums(events).items()
    ], conflict=("agent_id", "dimension", "week"), update=accumulate)


def load_weekly_scores(connection: sa.Connection, agent_id: str, *, from_week: str,
                       to_week: str) -> list[WeekScore]:
    """The agent's weekly means between two ISO weeks (inclusive; the strings sort by time)."""
    query = (sa.select(weekly_scores)
             .where(weekly_scores.c.agent_id == agent_id, weekly_scores.c.week >= from_week,
                    weekly_scores.c.week <= to_week)
             .order_by(weekly_scores.c.week, weekly_scores.c.dimension))
    return [WeekScore(dimension=as_dimension(row.dimension), week=row.week,
                      mean=row.sum_score / row.scored_count, scored_count=row.scored_count)
            for row in connection.execute(query) if row.scored_count > 0]
