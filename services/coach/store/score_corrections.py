"""A lead's correction of one score, applied to everything the coach summed it into.

The profile holds recency-weighted sums anchored at the agent's latest message: the corrected
reply, ``h`` half-lives older than the anchor, weighs ``w = 2**-h`` there. Replacing its score
``x`` by ``y`` changes ``sum_wx`` by ``w*(y - x)`` and ``sum_wxx`` by ``w*(y*y - x*x)``; the
weights and the count stay. That is exactly the profile the consumer would have built had the
scorer said ``y`` (up to float rounding), whatever came before or after. The weekly sums take
``y - x`` in the reply's week and the per-message scores take ``y``.

The profile row is read ``FOR UPDATE`` (PostgreSQL), as the consumer reads it, so a batch and a
correction never write over each other.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import datetime

import sqlalchemy as sa

from services.coach.domain.profile_math import WeightedStats
from services.coach.domain.timeutil import as_utc, iso_week
from services.coach.store.experiment_tables import message_scores
from services.coach.store.tables import dimension_profiles, weekly_scores


def corrected(stats: WeightedStats, *, message_at: datetime, old: float, new: float,
              half_life_s: float) -> WeightedStats:
    weight = math.exp2((as_utc(message_at).timestamp() - stats.anchor_s) / half_life_s)
    return replace(stats, sum_wx=stats.sum_wx + weight * (new - old),
                   sum_wxx=stats.sum_wxx + weight * (new * new - old * old))


def apply_correction(connection: sa.Connection, *, agent_id: str, dimension: str,
                     message_id: str, message_at: datetime, old: float, new: float,
                     half_life_s: float) -> bool:
    """Whether the profile held the score to correct (erased or expired evidence: nothing)."""
    profile = dimension_profiles.c
    key = (profile.agent_id == agent_id, profile.dimension == dimension)
    row = connection.execute(sa.select(profile.anchor_s, profile.sum_w, profile.sum_wx,
                                       profile.sum_wxx, profile.scored_count)
                             .where(*key).with_for_update()).first()
    if row is None:
        return False
    stats = corrected(WeightedStats(anchor_s=row.anchor_s, sum_w=row.sum_w, sum_wx=row.sum_wx,
                                    sum_wxx=row.sum_wxx, count=row.scored_count),
                      message_at=message_at, old=old, new=new, half_life_s=half_life_s)
    connection.execute(dimension_profiles.update().where(*key)
                       .values(sum_wx=stats.sum_wx, sum_wxx=stats.sum_wxx))
    weekly = weekly_scores.c
    connection.execute(weekly_scores.update()
                       .where(weekly.agent_id == agent_id, weekly.dimension == dimension,
                              weekly.week == iso_week(message_at))
                       .values(sum_score=weekly.sum_score + (new - old)))
    connection.execute(message_scores.update()
                       .where(message_scores.c.message_id == message_id,
                              message_scores.c.agent_id == agent_id)
                       .values({dimension: new}))
    return True
