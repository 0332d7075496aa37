"""Practice attempts: each reply an agent typed in a drill, with the scorer's verdict."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from services.coach.domain.timeutil import as_utc
from services.coach.store.tables import attempts


@dataclass(frozen=True)
class AttemptRecord:
    attempt_id: str
    assignment_id: str
    turn: int
    reply: str
    scores: dict[str, float | None]
    overall: float
    target_score: float | None
    evidence: dict[str, list[str]]
    suggestions: list[dict[str, str]]
    model_version: str
    created_at: datetime


def insert_attempt(connection: sa.Connection, attempt: AttemptRecord) -> None:
    connection.execute(sa.insert(attempts).values(
        attempt_id=attempt.attempt_id, assignment_id=attempt.assignment_id, turn=attempt.turn,
        reply=attempt.reply, scores=attempt.scores, overall=attempt.overall,
        target_score=attempt.target_score, evidence=attempt.evidence,
        suggestions=attempt.suggestions, model_version=attempt.model_version,
        created_at=as_utc(attempt.created_at)))


def attempts_for(connection: sa.Connection, assignment_id: str) -> list[AttemptRecord]:
    query = (sa.select(attempts).where(attempts.c.assignment_id == assignment_id)
             .order_by(attempts.c.created_at, attempts.c.attempt_id))
    return [_record(row) for row in connection.execute(query)]


def latest_per_turn(records: list[AttemptRecord]) -> dict[int, AttemptRecord]:
    """The agent may retry a turn; the last try is the one that counts."""
    latest: dict[int, AttemptRecord] = {}
    for record in sorted(records, key=lambda r: r.created_at):
        latest[record.turn] = record
    return latest


def _record(row: Any) -> AttemptRecord:
    return AttemptRecord(
        attempt_id=row.attempt_id, assignment_id=row.assignment_id, turn=row.turn,
        reply=row.reply, scores=dict(row.scores), overall=row.overall,
        target_score=row.target_score, evidence={k: list(v) for k, v in row.evidence.items()},
        suggestions=[dict(s) for s in row.suggestions], model_version=row.model_version,
        created_at=as_utc(row.created_at))
