"""Which replies a calibration circle rates: the lead's filters over the team's scored replies.

Candidates are the team's agent replies scored between two dates (``coach_message_scores``)
whose text the coach holds (``coach_conversation_messages``), optionally of one channel and,
with a dimension, only those the model scored on it.

"Model disagreement" picks replies where the model is most likely wrong, in this order:

1. replies a person already rated differently: an agreed circle rating or a dispute correction
   at least one scale step (0.25) away from the model's score on the dimension;
2. replies whose score sits far from the team's usual: ``|score - team mean| / team sd`` on the
   dimension (over the same team, window and channel) of at least ``UNUSUAL_Z``; without a
   dimension, the largest such z over all eight.

Ordered by that (people's disagreement first, then z), the top ``size`` are taken. Without it,
a random sample, seeded by the circle's id so the same circle always draws the same replies.
"""

from __future__ import annotations

import random
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from services.coach.store.calibration_tables import circle_items, conversation_messages, disputes
from services.coach.store.experiment_tables import message_scores
from shared.events.scores import DIMENSIONS

UNUSUAL_Z = 1.0
HUMAN_GAP = 0.25
MAX_CANDIDATES = 20_000  # the most recent; a window wider than that is sampled from its end


@dataclass(frozen=True)
class SampleFilters:
    date_from: date
    date_to: date  # inclusive
    channel: str | None = None
    dimension: str | None = None
    disagreement: bool = False


@dataclass(frozen=True)
class Candidate:
    message_id: str
    agent_id: str
    channel: str
    model_version: str
    scores: dict[str, float | None]


def candidates(connection: sa.Connection, team_id: str,
               filters: SampleFilters) -> list[Candidate]:
    scores = message_scores.c
    start = datetime.combine(filters.date_from, time.min, tzinfo=UTC)
    end = datetime.combine(filters.date_to + timedelta(days=1), time.min, tzinfo=UTC)
    has_text = sa.exists().where(conversation_messages.c.message_id == scores.message_id,
                                 conversation_messages.c.role == "agent")
    query = (sa.select(scores.message_id, scores.agent_id, scores.channel, scores.model_version,
                       *(scores[dim] for dim in DIMENSIONS))
             .where(scores.team_id == team_id, scores.message_at >= start,
                    scores.message_at < end, has_text)
             .order_by(scores.message_at.desc(), scores.message_id).limit(MAX_CANDIDATES))
    if filters.channel:
        query = query.where(scores.channel == filters.channel)
    if filters.dimension:
        query = query.where(scores[filters.dimension].is_not(None))
    return [Candidate(message_id=row.message_id, agent_id=row.agent_id, channel=row.channel,
                      model_version=row.model_version,
                      scores={dim: getattr(row, dim) for dim in DIMENSIONS})
            for row in connection.execute(query)]


def human_gaps(connection: sa.Connection,
               message_ids: Sequence[str]) -> dict[str, dict[str, float]]:
    """Per message and dimension, the largest gap between a person's earlier rating and the
    model's score (agreed circle ratings, dispute corrections)."""
    gaps: dict[str, dict[str, float]] = {}
    wanted = set(message_ids)

    def note(message_id: str, dim: str, human: float | None, model: float | None) -> None:
        if human is None or model is None:
            return
        mine = gaps.setdefault(message_id, {})
        mine[dim] = max(mine.get(dim, 0.0), abs(human - model))

    items = connection.execute(sa.select(circle_items.c.message_id, circle_items.c.model_scores,
                                         circle_items.c.agreed_labels)
                               .where(circle_items.c.agreed_labels.is_not(None)))
    for row in items:
        if row.message_id in wanted:
            for dim in DIMENSIONS:
                note(row.message_id, dim, row.agreed_labels.get(dim), row.model_scores.get(dim))
    corrected = connection.execute(sa.select(disputes.c.message_id, disputes.c.dimension,
                                             disputes.c.corrected_score,
                                             disputes.c.model_scores)
                                   .where(disputes.c.status == "corrected"))
    for fixed in corrected:
        if fixed.message_id in wanted:
            note(fixed.message_id, fixed.dimension, fixed.corrected_score,
                 fixed.model_scores.get(fixed.dimension))
    return gaps


def choose(found: Sequence[Candidate], filters: SampleFilters, size: int, *, seed: str,
           gaps: dict[str, dict[str, float]]) -> list[Candidate]:
    if not filters.disagreement:  # a random order: the caller may skip some (no text)
        return random.Random(seed).sample(list(found), min(size, len(found)))
    dims = [filters.dimension] if filters.dimension else list(DIMENSIONS)
    usual = {dim: _mean_sd([c.scores[dim] for c in found]) for dim in dims}
    ranked: list[tuple[float, float, str, Candidate]] = []
    for candidate in found:
        human = max((gaps.get(candidate.message_id, {}).get(dim, 0.0) for dim in dims),
                    default=0.0)
        z = max((_z(candidate.scores[dim], usual[dim]) for dim in dims), default=0.0)
        if human >= HUMAN_GAP or z >= UNUSUAL_Z:
            ranked.append((human if human >= HUMAN_GAP else 0.0, z, candidate.message_id,
                           candidate))
    ranked.sort(key=lambda entry: (-entry[0], -entry[1], entry[2]))
    return [entry[3] for entry in ranked[:size]]


def _mean_sd(values: Sequence[float | None]) -> tuple[float, float] | None:
    given = [v for v in values if v is not None]
    if len(given) < 2:
        return None
    return statistics.fmean(given), statistics.pstdev(given)


def _z(score: float | None, usual: tuple[float, float] | None) -> float:
    if score is None or usual is None or usual[1] <= 0:
        return 0.0
    return abs(score - usual[0]) / usual[1]
