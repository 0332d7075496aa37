"""Helpdesk outcomes per conversation: the satisfaction rating, and whether it was reopened.

Written from ``support.interactions.v1`` in the gratitude consumer's transaction (the same
events, the same idempotent one-batch-one-transaction rule); read by experiments. A
conversation counts for the agent it is assigned to; one without an assignee is skipped.

- Rating: the latest a conversation got, as ingest normalised it (``Satisfaction.score``, or
  good 1, neutral 0.5, bad 0 where the helpdesk gives no number), with when it came.
- Reopened: first seen with a closed status (closed, solved, resolved), then later with any
  other status. Statuses are the helpdesks' own words; these are the ones that mean "done"
  across the providers ingest speaks to.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from services.coach.domain.score_batches import team_id
from services.coach.domain.timeutil import as_utc
from services.coach.store.experiment_tables import conversation_outcomes
from services.coach.store.upserts import bulk_upsert
from shared.events.ids import conversation_key, parse_agent_id
from shared.events.interactions import InteractionEvent, Satisfaction

CLOSED = frozenset({"closed", "solved", "resolved"})
RATING_SCORES = {"good": 1.0, "neutral": 0.5, "bad": 0.0}
# A reopen counts within this long of the first close: a conversation closed a day before the
# window's end and one closed a month before have had the same chance to reopen.
REOPEN_WITHIN = timedelta(days=7)
_CHUNK = 900
_COLUMNS = ("agent_id", "team_id", "rating_score", "rated_at", "first_closed_at",
            "reopened_at", "updated_at")


def rating_score(satisfaction: Satisfaction) -> float:
    return satisfaction.score if satisfaction.score is not None else RATING_SCORES[
        satisfaction.rating]


def record_outcomes(connection: sa.Connection, events: Iterable[InteractionEvent], *,
                    now: datetime) -> int:
    """Fold the events (in the order of their ``occurred_at``) into the stored rows."""
    ordered = sorted((e for e in events if _assignee(e)), key=lambda e: as_utc(e.occurred_at))
    if not ordered:
        return 0
    keys = {_key(e) for e in ordered}
    rows = _load(connection, keys)
    for event in ordered:
        agent = _assignee(event)
        assert agent is not None
        row = rows.setdefault(_key(event), {
            "agent_id": agent, "team_id": team_id(agent), "rating_score": None,
            "rated_at": None, "first_closed_at": None, "reopened_at": None})
        row["agent_id"], row["team_id"] = agent, team_id(agent)
        _apply(row, event)
    bulk_upsert(connection, conversation_outcomes, [
        {"conversation_key": key, **row, "updated_at": as_utc(now)} for key, row in rows.items()
    ], conflict=("conversation_key",),
        update=lambda excluded: {name: excluded[name] for name in _COLUMNS})
    return len(rows)


def ratings_between(connection: sa.Connection, agent_ids: Collection[str], *, start: datetime,
                    end: datetime) -> list[tuple[str, float]]:
    """(agent, rating) for conversations rated in [start, end)."""
    table = conversation_outcomes.c
    found: list[tuple[str, float]] = []
    for chunk in _chunks(sorted(agent_ids)):
        query = sa.select(table.agent_id, table.rating_score).where(
            table.agent_id.in_(chunk), table.rated_at >= as_utc(start),
            table.rated_at < as_utc(end), table.rating_score.is_not(None))
        found.extend((agent, float(score)) for agent, score in connection.execute(query))
    return found


def reopens_between(connection: sa.Connection, agent_ids: Collection[str], *, start: datetime,
                    end: datetime) -> list[tuple[str, float]]:
    """(agent, 1.0 if reopened within ``REOPEN_WITHIN`` of its first close else 0.0) for
    conversations first closed in [start, end)."""
    table = conversation_outcomes.c
    found: list[tuple[str, float]] = []
    for chunk in _chunks(sorted(agent_ids)):
        query = sa.select(table.agent_id, table.first_closed_at, table.reopened_at).where(
            table.agent_id.in_(chunk), table.first_closed_at >= as_utc(start),
            table.first_closed_at < as_utc(end))
        for agent, closed, reopened in connection.execute(query):
            soon = reopened is not None and as_utc(reopened) - as_utc(closed) <= REOPEN_WITHIN
            found.append((agent, 1.0 if soon else 0.0))
    return found


def _apply(row: dict[str, Any], event: InteractionEvent) -> None:
    at = as_utc(event.occurred_at)
    conversation = event.conversation
    if conversation.satisfaction is not None:
        row["rating_score"], row["rated_at"] = rating_score(conversation.satisfaction), at
    status = (conversation.status or "").strip().lower()
    if not status:
        return
    if status in CLOSED:
        if row["first_closed_at"] is None:
            row["first_closed_at"] = at
    elif row["first_closed_at"] is not None and row["reopened_at"] is None \
            and at > as_utc(row["first_closed_at"]):
        row["reopened_at"] = at


def _assignee(event: InteractionEvent) -> str | None:
    agent = event.conversation.assignee_id
    if agent is None:
        return None
    try:
        parse_agent_id(agent)
    except ValueError:
        return None
    return agent


def _key(event: InteractionEvent) -> str:
    return conversation_key(event.provider, event.account, event.conversation.conversation_id)


def _load(connection: sa.Connection, keys: Collection[str]) -> dict[str, dict[str, Any]]:
    table = conversation_outcomes.c
    found: dict[str, dict[str, Any]] = {}
    for chunk in _chunks(sorted(keys)):
        query = sa.select(table.conversation_key, *(table[name] for name in _COLUMNS[:-1]))
        for row in connection.execute(query.where(table.conversation_key.in_(chunk))):
            found[row.conversation_key] = {name: getattr(row, name) for name in _COLUMNS[:-1]}
    return found


def _chunks(values: Sequence[str]) -> Iterable[Sequence[str]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start:start + _CHUNK]
