"""Each scored message's dimension scores, by agent, team and time: what experiments average.

Written in the score batch's transaction (``profile_store.apply_score_events``) for the events
not applied before; read per team between two moments. A message scored again by a newer model
keeps one row with the newer scores: an experiment compares messages, not model runs.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from services.coach.domain.dimensions import as_dimension
from services.coach.domain.score_batches import team_id
from services.coach.domain.timeutil import as_utc
from services.coach.store.experiment_tables import message_scores
from services.coach.store.upserts import bulk_upsert
from shared.events.scores import DIMENSIONS, ScoreEvent

_CHUNK = 900


@dataclass(frozen=True)
class MessageScore:
    agent_id: str
    message_at: datetime
    score: float
    model_version: str


def record_message_scores(connection: sa.Connection, events: Iterable[ScoreEvent]) -> None:
    """Upsert one row per message; the later ``scored_at`` of two events for it wins."""
    latest: dict[str, ScoreEvent] = {}
    for event in events:
        seen = latest.get(event.message_id)
        if seen is None or as_utc(event.scored_at) >= as_utc(seen.scored_at):
            latest[event.message_id] = event
    rows = [_row(event) for event in latest.values()]
    replaced = ("agent_id", "team_id", "message_at", "channel", "model_version", *DIMENSIONS)
    bulk_upsert(connection, message_scores, rows, conflict=("message_id",),
                update=lambda excluded: {name: excluded[name] for name in replaced})


def _row(event: ScoreEvent) -> dict[str, Any]:
    row: dict[str, Any] = {
        "message_id": event.message_id, "agent_id": event.agent_id,
        "team_id": team_id(event.agent_id), "message_at": as_utc(event.message_at),
        "channel": event.channel.value, "model_version": event.model_version}
    for dimension in DIMENSIONS:
        result = event.dimensions.get(as_dimension(dimension))
        row[dimension] = None if result is None else result.score
    return row


def scores_between(connection: sa.Connection, agent_ids: Collection[str], dimension: str, *,
                   start: datetime, end: datetime) -> list[MessageScore]:
    """The agents' scores on ``dimension`` for messages in [start, end); nulls left out."""
    column = message_scores.c[as_dimension(dimension)]
    found: list[MessageScore] = []
    for chunk in _chunks(sorted(agent_ids)):
        query = (sa.select(message_scores.c.agent_id, message_scores.c.message_at, column,
                           message_scores.c.model_version)
                 .where(message_scores.c.agent_id.in_(chunk),
                        message_scores.c.message_at >= as_utc(start),
                        message_scores.c.message_at < as_utc(end), column.is_not(None)))
        found.extend(MessageScore(agent_id=row[0], message_at=as_utc(row[1]), score=row[2],
                                  model_version=row[3]) for row in connection.execute(query))
    return found


def _chunks(values: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start:start + _CHUNK]
