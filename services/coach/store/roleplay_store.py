"""Role-play sessions in the database: create, read, advance, and what people save in them.

``list_debrief_lines`` is what the team phrasebook reads: the lines participants named worth
keeping in their debriefs, for one team.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, cast

import sqlalchemy as sa

from services.coach.domain.timeutil import as_utc
from services.coach.store.roleplay_tables import (
    roleplay_debriefs,
    roleplay_lines,
    roleplay_participants,
    roleplay_ratings,
    roleplay_replies,
    roleplays,
)
from services.coach.store.upserts import insert_for

Phase = Literal["playing", "debrief"]


@dataclass(frozen=True)
class RoleplayRecord:
    roleplay_id: str
    team_id: str
    scenario_id: str
    round_count: int
    timebox_minutes: int
    current_round: int  # 0-based; stays at the last round once the debrief starts
    phase: Phase
    round_started_at: datetime
    created_at: datetime
    participants: tuple[tuple[int, str], ...]  # (position, agent id), by position

    @property
    def size(self) -> int:
        """Positions the rotation runs over: kept when someone's data was erased, so the
        others' roles stay what they were."""
        return max(position for position, _ in self.participants) + 1

    def position_of(self, agent_id: str | None) -> int | None:
        return next((position for position, who in self.participants if who == agent_id), None)

    def agent_at(self, position: int) -> str | None:
        return next((who for where, who in self.participants if where == position), None)


@dataclass(frozen=True)
class ReplyRecord:
    round: int
    turn: int
    agent_id: str
    text: str


@dataclass(frozen=True)
class RatingRecord:
    round: int
    observer_id: str
    ratings: dict[str, float | None]
    note: str | None


@dataclass(frozen=True)
class DebriefRecord:
    agent_id: str
    what_worked: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class DebriefLine:
    """One line a participant named worth keeping, with where it came from."""

    roleplay_id: str
    scenario_id: str
    team_id: str
    agent_id: str  # who proposed it
    line_index: int
    text: str
    saved_at: datetime


def create_roleplay(connection: sa.Connection, *, team_id: str, scenario_id: str,
                    participants: Sequence[str], round_count: int, timebox_minutes: int,
                    now: datetime) -> RoleplayRecord:
    roleplay_id = f"rp-{uuid.uuid4().hex[:16]}"
    connection.execute(sa.insert(roleplays).values(
        roleplay_id=roleplay_id, team_id=team_id, scenario_id=scenario_id,
        round_count=round_count, timebox_minutes=timebox_minutes, current_round=0,
        phase="playing", round_started_at=as_utc(now), created_at=as_utc(now)))
    connection.execute(sa.insert(roleplay_participants), [
        {"roleplay_id": roleplay_id, "agent_id": agent_id, "position": position}
        for position, agent_id in enumerate(participants)])
    record = get_roleplay(connection, roleplay_id)
    assert record is not None
    return record


def get_roleplay(connection: sa.Connection, roleplay_id: str) -> RoleplayRecord | None:
    row = connection.execute(
        sa.select(roleplays).where(roleplays.c.roleplay_id == roleplay_id)).first()
    if row is None:
        return None
    people = connection.execute(
        sa.select(roleplay_participants.c.position, roleplay_participants.c.agent_id)
        .where(roleplay_participants.c.roleplay_id == roleplay_id)
        .order_by(roleplay_participants.c.position)).all()
    return RoleplayRecord(
        roleplay_id=row.roleplay_id, team_id=row.team_id, scenario_id=row.scenario_id,
        round_count=row.round_count, timebox_minutes=row.timebox_minutes,
        current_round=row.current_round, phase=cast(Phase, row.phase),
        round_started_at=as_utc(row.round_started_at), created_at=as_utc(row.created_at),
        participants=tuple((p.position, p.agent_id) for p in people))


def roleplays_of_agent(connection: sa.Connection, agent_id: str) -> list[RoleplayRecord]:
    """The sessions this agent takes part in, newest first."""
    ids = connection.execute(
        sa.select(roleplays.c.roleplay_id)
        .join(roleplay_participants,
              roleplay_participants.c.roleplay_id == roleplays.c.roleplay_id)
        .where(roleplay_participants.c.agent_id == agent_id)
        .order_by(roleplays.c.created_at.desc(), roleplays.c.roleplay_id)).scalars().all()
    found = [get_roleplay(connection, roleplay_id) for roleplay_id in ids]
    return [record for record in found if record is not None]


def advance(connection: sa.Connection, record: RoleplayRecord, *, from_round: int,
            now: datetime) -> bool:
    """Move from ``from_round`` to the next round, or to the debrief after the last one.

    Conditional on the round still being ``from_round``: of two people pressing "next" at
    once, one moves the session and the other is told it has already moved (False)."""
    last = from_round >= record.round_count - 1
    values: dict[str, object] = ({"phase": "debrief"} if last else
                                 {"current_round": from_round + 1,
                                  "round_started_at": as_utc(now)})
    result = connection.execute(
        sa.update(roleplays)
        .where(roleplays.c.roleplay_id == record.roleplay_id,
               roleplays.c.current_round == from_round, roleplays.c.phase == "playing")
        .values(**values))
    return result.rowcount == 1


def add_reply(connection: sa.Connection, roleplay_id: str, *, round_index: int, agent_id: str,
              text: str, now: datetime) -> int:
    """Keep what the round's agent typed; returns its turn (0, 1, ... within the round)."""
    latest = connection.execute(
        sa.select(sa.func.max(roleplay_replies.c.turn))
        .where(roleplay_replies.c.roleplay_id == roleplay_id,
               roleplay_replies.c.round == round_index)).scalar()
    turn = 0 if latest is None else int(latest) + 1
    connection.execute(sa.insert(roleplay_replies).values(
        roleplay_id=roleplay_id, round=round_index, turn=turn, agent_id=agent_id, text=text,
        created_at=as_utc(now)))
    return turn


def replies_of(connection: sa.Connection, roleplay_id: str,
               round_index: int | None = None) -> list[ReplyRecord]:
    query = (sa.select(roleplay_replies).where(roleplay_replies.c.roleplay_id == roleplay_id)
             .order_by(roleplay_replies.c.round, roleplay_replies.c.turn))
    if round_index is not None:
        query = query.where(roleplay_replies.c.round == round_index)
    return [ReplyRecord(round=row.round, turn=row.turn, agent_id=row.agent_id, text=row.text)
            for row in connection.execute(query)]


def save_rating(connection: sa.Connection, roleplay_id: str, *, round_index: int,
                observer_id: str, ratings: Mapping[str, float | None], note: str | None,
                now: datetime) -> None:
    """An observer's ratings of a round; rating the round again replaces them."""
    statement = insert_for(connection, roleplay_ratings).values(
        roleplay_id=roleplay_id, round=round_index, agent_id=observer_id, ratings=dict(ratings),
        note=note, rated_at=as_utc(now))
    connection.execute(statement.on_conflict_do_update(
        index_elements=[roleplay_ratings.c.roleplay_id, roleplay_ratings.c.round,
                        roleplay_ratings.c.agent_id],
        set_={"ratings": statement.excluded.ratings, "note": statement.excluded.note,
              "rated_at": statement.excluded.rated_at}))


def ratings_of(connection: sa.Connection, roleplay_id: str) -> list[RatingRecord]:
    query = (sa.select(roleplay_ratings).where(roleplay_ratings.c.roleplay_id == roleplay_id)
             .order_by(roleplay_ratings.c.round, roleplay_ratings.c.agent_id))
    return [RatingRecord(round=row.round, observer_id=row.agent_id, ratings=dict(row.ratings),
                         note=row.note) for row in connection.execute(query)]


def save_debrief(connection: sa.Connection, roleplay_id: str, *, agent_id: str,
                 what_worked: str, lines: Sequence[str], now: datetime) -> None:
    """A participant's debrief; saving again replaces their notes and their lines."""
    statement = insert_for(connection, roleplay_debriefs).values(
        roleplay_id=roleplay_id, agent_id=agent_id, what_worked=what_worked,
        saved_at=as_utc(now))
    connection.execute(statement.on_conflict_do_update(
        index_elements=[roleplay_debriefs.c.roleplay_id, roleplay_debriefs.c.agent_id],
        set_={"what_worked": statement.excluded.what_worked,
              "saved_at": statement.excluded.saved_at}))
    connection.execute(sa.delete(roleplay_lines).where(
        roleplay_lines.c.roleplay_id == roleplay_id, roleplay_lines.c.agent_id == agent_id))
    if lines:
        connection.execute(sa.insert(roleplay_lines), [
            {"roleplay_id": roleplay_id, "agent_id": agent_id, "line_index": index,
             "text": text, "saved_at": as_utc(now)} for index, text in enumerate(lines)])


def debriefs_of(connection: sa.Connection, roleplay_id: str) -> list[DebriefRecord]:
    """Each participant's saved debrief, with their lines in the order they gave them."""
    notes = connection.execute(
        sa.select(roleplay_debriefs.c.agent_id, roleplay_debriefs.c.what_worked)
        .where(roleplay_debriefs.c.roleplay_id == roleplay_id)
        .order_by(roleplay_debriefs.c.agent_id)).all()
    lines: dict[str, list[str]] = {}
    for row in connection.execute(
            sa.select(roleplay_lines.c.agent_id, roleplay_lines.c.text)
            .where(roleplay_lines.c.roleplay_id == roleplay_id)
            .order_by(roleplay_lines.c.agent_id, roleplay_lines.c.line_index)):
        lines.setdefault(row.agent_id, []).append(row.text)
    return [DebriefRecord(agent_id=row.agent_id, what_worked=row.what_worked,
                          lines=tuple(lines.get(row.agent_id, ()))) for row in notes]


def list_debrief_lines(connection: sa.Connection, team_id: str) -> list[DebriefLine]:
    """Every line worth keeping named in the team's role-play debriefs, newest first."""
    query = (sa.select(roleplay_lines, roleplays.c.scenario_id, roleplays.c.team_id)
             .join(roleplays, roleplays.c.roleplay_id == roleplay_lines.c.roleplay_id)
             .where(roleplays.c.team_id == team_id)
             .order_by(roleplay_lines.c.saved_at.desc(), roleplay_lines.c.roleplay_id,
                       roleplay_lines.c.agent_id, roleplay_lines.c.line_index))
    return [DebriefLine(roleplay_id=row.roleplay_id, scenario_id=row.scenario_id,
                        team_id=row.team_id, agent_id=row.agent_id, line_index=row.line_index,
                        text=row.text, saved_at=as_utc(row.saved_at))
            for row in connection.execute(query)]


def remove_emptied_roleplays(connection: sa.Connection, _person: object) -> int:
    """Erasure's step for ``coach_roleplays``, which names nobody itself: a session left
    without participants (their rows go first) was only about the people erased, so it goes
    too, with whatever still hangs off it."""
    taking_part = sa.select(roleplay_participants.c.roleplay_id)
    return connection.execute(sa.delete(roleplays).where(
        roleplays.c.roleplay_id.not_in(taking_part))).rowcount
