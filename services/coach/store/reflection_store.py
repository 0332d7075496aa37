"""Reflection answers in the database: saved at a drill's end, listed in the agent's history."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from services.coach.domain.timeutil import as_utc
from services.coach.store.tables import assignments, reflections
from services.coach.store.upserts import insert_for


@dataclass(frozen=True)
class ReflectionRecord:
    assignment_id: str
    scenario_id: str
    question_index: int
    question: str
    answer: str
    created_at: datetime  # when this answer was (last) saved


def save_reflection(connection: sa.Connection, *, assignment_id: str, question_index: int,
                    question: str, answer: str, now: datetime) -> None:
    """Keep the answer to one question; answering the same question again replaces it."""
    statement = insert_for(connection, reflections).values(
        assignment_id=assignment_id, question_index=question_index, question=question,
        answer=answer, created_at=as_utc(now))
    connection.execute(statement.on_conflict_do_update(
        index_elements=[reflections.c.assignment_id, reflections.c.question_index],
        set_={"question": statement.excluded.question, "answer": statement.excluded.answer,
              "created_at": statement.excluded.created_at}))


def reflections_for(connection: sa.Connection, assignment_id: str) -> list[ReflectionRecord]:
    """One drill's answers, in question order."""
    query = (_select().where(reflections.c.assignment_id == assignment_id)
             .order_by(reflections.c.question_index))
    return [_record(row) for row in connection.execute(query)]


def list_reflections(connection: sa.Connection, agent_id: str) -> list[ReflectionRecord]:
    """Every answer this agent saved, newest first (a drill's answers in question order)."""
    query = (_select().where(assignments.c.agent_id == agent_id)
             .order_by(reflections.c.created_at.desc(), reflections.c.assignment_id,
                       reflections.c.question_index))
    return [_record(row) for row in connection.execute(query)]


def _select() -> sa.Select[tuple[object, ...]]:
    # The scenario comes from the assignment: one source of truth for which drill this was.
    return (sa.select(reflections, assignments.c.scenario_id)
            .join(assignments, assignments.c.assignment_id == reflections.c.assignment_id))


def _record(row: sa.Row[tuple[object, ...]]) -> ReflectionRecord:
    return ReflectionRecord(
        assignment_id=row.assignment_id, scenario_id=row.scenario_id,
        question_index=row.question_index, question=row.question, answer=row.answer,
        created_at=as_utc(row.created_at))
