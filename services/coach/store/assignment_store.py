"""Assignments in the database: the weekly plan, its outbox flag and its status over time.

A drill not yet started can be re-aimed in place (``reaim``): same id and slot, a new scenario,
skill and reason, assigned anew. Its event id names the version (the assignment id and when the
version was assigned), so sinks that dedupe on event ids take the re-aimed drill as news, while
sending one version twice still carries one id.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, cast

import sqlalchemy as sa

from services.coach.domain.dimensions import as_dimension
from services.coach.domain.policy import PastAssignment, PlannedAssignment, ReaimedDrill
from services.coach.domain.timeutil import as_utc
from services.coach.store.tables import assignments
from services.coach.store.upserts import insert_for
from shared.events.assignments import AssignmentEvent, AssignmentReason
from shared.events.scores import Dimension

Status = Literal["assigned", "in_progress", "completed", "expired"]
_CHUNK = 900


@dataclass(frozen=True)
class AssignmentRecord:
    assignment_id: str
    agent_id: str
    week: str
    slot: int
    scenario_id: str
    target_dimension: Dimension
    difficulty: int
    status: Status
    reason: AssignmentReason
    assigned_at: datetime
    started_at: datetime | None
    completed_at: datetime | None
    practice_score: float | None
    published_at: datetime | None

    def to_event(self) -> AssignmentEvent:
        return AssignmentEvent(
            event_id=event_id(self.assignment_id, self.assigned_at),
            assignment_id=self.assignment_id,
            agent_id=self.agent_id, scenario_id=self.scenario_id,
            target_dimension=self.target_dimension, week=self.week, difficulty=self.difficulty,
            status=self.status, reason=self.reason, assigned_at=self.assigned_at,
        )

    def as_past(self) -> PastAssignment:
        return PastAssignment(scenario_id=self.scenario_id, week=self.week, slot=self.slot,
                              target_dimension=self.target_dimension,
                              difficulty=self.difficulty, status=self.status,
                              practice_score=self.practice_score,
                              assigned_at=self.assigned_at)


def event_id(assignment_id: str, assigned_at: datetime) -> str:
    """One id per version of a drill: re-aiming assigns anew (``ReaimedDrill.assigned_at``)."""
    return f"{assignment_id}@{as_utc(assigned_at):%Y%m%dT%H%M%S.%fZ}"


def agents_with_unstarted(connection: sa.Connection, week: str,
                          agent_ids: Collection[str]) -> set[str]:
    """Those of ``agent_ids`` with drills not yet started in ``week`` (re-aim candidates)."""
    found: set[str] = set()
    for chunk in _chunks(list(agent_ids)):
        query = sa.select(assignments.c.agent_id).distinct().where(
            assignments.c.week == week, assignments.c.status == "assigned",
            assignments.c.agent_id.in_(chunk))
        found.update(connection.scalars(query))
    return found


def agents_with_assignments(connection: sa.Connection, week: str,
                            agent_ids: Collection[str]) -> set[str]:
    found: set[str] = set()
    for chunk in _chunks(list(agent_ids)):
        query = sa.select(assignments.c.agent_id).distinct().where(
            assignments.c.week == week, assignments.c.agent_id.in_(chunk))
        found.update(connection.scalars(query))
    return found


def history(connection: sa.Connection, agent_ids: Collection[str], *, from_week: str,
            to_week: str) -> dict[str, list[AssignmentRecord]]:
    """Assignments of these agents between two ISO weeks (inclusive; the strings sort by time)."""
    found: dict[str, list[AssignmentRecord]] = {}
    for chunk in _chunks(list(agent_ids)):
        query = sa.select(assignments).where(
            assignments.c.agent_id.in_(chunk), assignments.c.week >= from_week,
            assignments.c.week <= to_week)
        for row in connection.execute(query):
            record = _record(row)
            found.setdefault(record.agent_id, []).append(record)
    return found


def insert_planned(connection: sa.Connection, planned: Sequence[PlannedAssignment],
                   now: datetime) -> list[str]:
    """Insert the plan; returns the ids this call inserted, in plan order.

    A concurrent run may have taken a slot (or the same id) between planning and this insert:
    ``ON CONFLICT DO NOTHING`` skips such rows, and ``RETURNING`` says which rows really went
    in, so a drill is never reported (and announced) as new twice.
    """
    if not planned:
        return []
    statement = (insert_for(connection, assignments).on_conflict_do_nothing()
                 .returning(assignments.c.assignment_id))
    inserted: set[str] = set()
    for row in (_insert_row(p, now) for p in planned):  # RETURNING with executemany is
        inserted.update(connection.scalars(statement, [row]))  # not portable: one by one
    return [p.assignment_id for p in planned if p.assignment_id in inserted]


def reaim(connection: sa.Connection, drills: Sequence[ReaimedDrill]) -> list[str]:
    """Move not-started drills to their new scenario; returns the ids this call changed.

    Each update holds only while the row is the version that was decided on: still not started
    (an agent's first reply marks it started in the same transaction that records the reply,
    ``claim_for_attempt``) and still holding the scenario it replaces. Clearing ``published_at``
    puts the new version in the outbox.
    """
    changed: list[str] = []
    for item in drills:
        drill = item.drill
        result = connection.execute(
            sa.update(assignments)
            .where(assignments.c.assignment_id == drill.assignment_id,
                   assignments.c.status == "assigned",
                   assignments.c.scenario_id == item.replaces_scenario_id)
            .values(scenario_id=drill.scenario_id, target_dimension=drill.target_dimension,
                    difficulty=drill.difficulty, reason=drill.reason.model_dump(mode="json"),
                    assigned_at=as_utc(item.assigned_at), published_at=None))
        if result.rowcount == 1:
            changed.append(drill.assignment_id)
    return changed


def unpublished(connection: sa.Connection, limit: int = 500) -> list[AssignmentRecord]:
    query = (sa.select(assignments).where(assignments.c.published_at.is_(None))
             .order_by(assignments.c.assigned_at).limit(limit))
    return [_record(row) for row in connection.execute(query)]


def mark_published(connection: sa.Connection, assignment_ids: Sequence[str],
                   now: datetime) -> None:
    for chunk in _chunks(list(assignment_ids)):
        connection.execute(sa.update(assignments).where(assignments.c.assignment_id.in_(chunk))
                           .values(published_at=as_utc(now)))


def get_assignment(connection: sa.Connection, assignment_id: str) -> AssignmentRecord | None:
    row = connection.execute(
        sa.select(assignments).where(assignments.c.assignment_id == assignment_id)).first()
    return _record(row) if row is not None else None


def list_for_agent(connection: sa.Connection, agent_id: str,
                   week: str | None = None) -> list[AssignmentRecord]:
    query = sa.select(assignments).where(assignments.c.agent_id == agent_id)
    if week is not None:
        query = query.where(assignments.c.week == week)
    query = query.order_by(assignments.c.week.desc(), assignments.c.slot)
    return [_record(row) for row in connection.execute(query)]


def latest_focus(connection: sa.Connection, agent_id: str) -> Dimension | None:
    # The latest version within the latest week: a re-aim assigns anew (see policy.week_focus).
    query = (sa.select(assignments.c.target_dimension)
             .where(assignments.c.agent_id == agent_id)
             .order_by(assignments.c.week.desc(), assignments.c.assigned_at.desc(),
                       assignments.c.slot.desc()).limit(1))
    value = connection.scalar(query)
    return as_dimension(value) if value is not None else None


def mark_started(connection: sa.Connection, assignment_id: str, now: datetime) -> None:
    connection.execute(
        sa.update(assignments)
        .where(assignments.c.assignment_id == assignment_id, assignments.c.status == "assigned")
        .values(status="in_progress", started_at=as_utc(now)))


def claim_for_attempt(connection: sa.Connection, assignment_id: str, *, scenario_id: str,
                      now: datetime) -> bool:
    """Mark the drill started for a reply scored against ``scenario_id``; False: refuse it.

    One conditional UPDATE, run before the attempt is inserted in the same transaction: it holds
    only while the drill still has that scenario and is not completed, and it locks the row
    until commit. ``reaim`` updates only while the status is "assigned" and the scenario is the
    one it replaces, so the two cannot interleave: a re-aim that commits first makes this match
    nothing (the reply would be scored against the old script), and one that comes after finds
    the drill "in_progress" and leaves it alone.
    """
    status = assignments.c.status
    result = connection.execute(
        sa.update(assignments)
        .where(assignments.c.assignment_id == assignment_id,
               assignments.c.scenario_id == scenario_id,
               status.in_(("assigned", "in_progress", "expired")))
        .values(status=sa.case((status == "assigned", "in_progress"), else_=status),
                started_at=sa.case((status == "assigned", as_utc(now)),
                                   else_=assignments.c.started_at)))
    return result.rowcount == 1


def mark_completed(connection: sa.Connection, assignment_id: str, *,
                   practice_score: float | None, now: datetime) -> bool:
    """True when this call completed it (False: it was completed already)."""
    result = connection.execute(
        sa.update(assignments)
        .where(assignments.c.assignment_id == assignment_id,
               assignments.c.status != "completed")
        .values(status="completed", completed_at=as_utc(now), practice_score=practice_score))
    return result.rowcount == 1


def _insert_row(planned: PlannedAssignment, now: datetime) -> dict[str, object]:
    return {"assignment_id": planned.assignment_id, "agent_id": planned.agent_id,
            "week": planned.week, "slot": planned.slot, "scenario_id": planned.scenario_id,
            "target_dimension": planned.target_dimension, "difficulty": planned.difficulty,
            "status": "assigned", "reason": planned.reason.model_dump(mode="json"),
            "assigned_at": as_utc(now)}


def _record(row: sa.Row[tuple[object, ...]]) -> AssignmentRecord:
    return AssignmentRecord(
        assignment_id=row.assignment_id, agent_id=row.agent_id, week=row.week, slot=row.slot,
        scenario_id=row.scenario_id, target_dimension=as_dimension(row.target_dimension),
        difficulty=row.difficulty, status=cast(Status, row.status),
        reason=AssignmentReason.model_validate(row.reason),
        assigned_at=as_utc(row.assigned_at), started_at=_maybe_utc(row.started_at),
        completed_at=_maybe_utc(row.completed_at), practice_score=row.practice_score,
        published_at=_maybe_utc(row.published_at),
    )


def _maybe_utc(value: datetime | None) -> datetime | None:
    return as_utc(value) if value is not None else None


def _chunks(values: list[str]) -> list[list[str]]:
    return [values[start:start + _CHUNK] for start in range(0, len(values), _CHUNK)]
