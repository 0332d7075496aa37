"""The scorer's tables: conversation messages (context) and scores (idempotency and QA review).

Both writes are idempotent: a message is stored once per id, a score once per (message id,
model version), whatever the number of redeliveries. Timestamps are stored in UTC.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy import Connection
from sqlalchemy.dialects import postgresql, sqlite

from services.scorer.conversation_context import ContextWindow, StoredMessage

metadata = sa.MetaData()

messages = sa.Table(
    "scorer_messages", metadata,
    sa.Column("seq", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True,
              autoincrement=True),
    sa.Column("message_id", sa.String(300), nullable=False, unique=True),
    sa.Column("conversation_key", sa.String(300), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("public", sa.Boolean(), nullable=False),
    sa.Column("author_id", sa.String(300)),
    sa.Column("body", sa.Text(), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    # The conversation's customer, so erasure finds conversations they never wrote in.
    sa.Column("customer_id", sa.String(300)),
)

scores = sa.Table(
    "scorer_scores", metadata,
    sa.Column("message_id", sa.String(300), primary_key=True),
    sa.Column("model_version", sa.String(120), primary_key=True),
    sa.Column("event_id", sa.String(500), nullable=False, unique=True),
    sa.Column("conversation_key", sa.String(300), nullable=False),
    sa.Column("agent_id", sa.String(300)),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("skip_reason", sa.Text()),
    sa.Column("event_json", sa.Text()),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("published_at", sa.DateTime(timezone=True)),
)

ScoreStatus = Literal["scored", "skipped"]
# Keeps every IN (...) list well under SQLite's and PostgreSQL's bound-parameter limits.
_IN_CHUNK = 500
# Windows read per statement: SQLite allows 500 parts in one UNION ALL.
_WINDOWS_PER_QUERY = 200


@dataclass(frozen=True)
class MessageRow:
    message_id: str
    conversation_key: str
    role: str
    public: bool
    author_id: str | None
    body: str
    created_at: datetime
    customer_id: str | None = None


@dataclass(frozen=True)
class ScoreRow:
    message_id: str
    model_version: str
    event_id: str
    conversation_key: str
    agent_id: str | None
    status: ScoreStatus
    skip_reason: str | None = None
    event_json: str | None = None


@dataclass(frozen=True)
class ScoreState:
    """What is recorded for one message under one model version."""

    status: ScoreStatus
    agent_id: str | None
    event_json: str | None
    published: bool


def store_messages(connection: Connection, *, rows: Sequence[MessageRow]) -> None:
    if not rows:
        return
    values = [{**row.__dict__, "created_at": _utc(row.created_at)} for row in rows]
    connection.execute(_insert_ignoring_duplicates(connection, messages, ["message_id"]), values)


def load_conversations(
    connection: Connection, *, conversation_keys: Iterable[str]
) -> dict[str, list[StoredMessage]]:
    """Every stored message of each conversation, oldest first (scoring reads only the end of
    one: ``load_recent_messages``)."""
    found: dict[str, list[StoredMessage]] = {}
    for chunk in _chunks(sorted(set(conversation_keys))):
        query = (
            sa.select(messages.c.conversation_key, messages.c.message_id, messages.c.role,
                      messages.c.public, messages.c.body)
            .where(messages.c.conversation_key.in_(chunk))
            .order_by(messages.c.conversation_key, messages.c.created_at, messages.c.seq)
        )
        for key, message_id, role, public, body in connection.execute(query):
            found.setdefault(key, []).append(StoredMessage(message_id, role, bool(public), body))
    return found


def load_recent_messages(
    connection: Connection, *, windows: Sequence[ContextWindow]
) -> dict[str, list[StoredMessage]]:
    """The last ``limit`` messages of each window's conversation, oldest first."""
    found: dict[str, list[tuple[datetime, int, StoredMessage]]] = {}
    for start in range(0, len(windows), _WINDOWS_PER_QUERY):
        query = recent_messages_query(windows[start:start + _WINDOWS_PER_QUERY])
        for key, message_id, role, public, body, created_at, seq in connection.execute(query):
            found.setdefault(key, []).append(
                (created_at, seq, StoredMessage(message_id, role, bool(public), body)))
    return {key: [message for _, _, message in sorted(rows, key=lambda row: row[:2])]
            for key, rows in found.items()}


def recent_messages_query(
    windows: Sequence[ContextWindow],
) -> sa.Select[Any] | sa.CompoundSelect[Any]:
    """One statement: per window, the conversation's newest rows by its (key, time, seq) index,
    read backwards and cut by LIMIT, so the rows read do not grow with the conversation."""
    parts = [
        sa.select(messages.c.conversation_key, messages.c.message_id, messages.c.role,
                  messages.c.public, messages.c.body, messages.c.created_at, messages.c.seq)
        .where(messages.c.conversation_key == window.conversation_key)
        .order_by(messages.c.created_at.desc(), messages.c.seq.desc())
        .limit(window.limit)
        for window in windows
    ]
    if len(parts) == 1:
        return parts[0]
    return sa.union_all(*(sa.select(part.subquery()) for part in parts))


def load_score_states(
    connection: Connection, *, model_version: str, message_ids: Iterable[str]
) -> dict[str, ScoreState]:
    states: dict[str, ScoreState] = {}
    for chunk in _chunks(sorted(set(message_ids))):
        query = sa.select(
            scores.c.message_id, scores.c.status, scores.c.agent_id, scores.c.event_json,
            scores.c.published_at,
        ).where(scores.c.model_version == model_version, scores.c.message_id.in_(chunk))
        for message_id, status, agent, event_json, published_at in connection.execute(query):
            states[message_id] = ScoreState(status, agent, event_json, published_at is not None)
    return states


def record_scores(connection: Connection, *, rows: Sequence[ScoreRow], at: datetime) -> None:
    """Insert new score rows; a row another scorer recorded first is kept as it is."""
    if not rows:
        return
    values = [{**row.__dict__, "recorded_at": _utc(at), "published_at": None} for row in rows]
    statement = _insert_ignoring_duplicates(connection, scores, ["message_id", "model_version"])
    connection.execute(statement, values)


def mark_published(
    connection: Connection, *, model_version: str, message_ids: Iterable[str], at: datetime
) -> None:
    for chunk in _chunks(sorted(set(message_ids))):
        connection.execute(
            sa.update(scores)
            .where(scores.c.model_version == model_version, scores.c.message_id.in_(chunk),
                   scores.c.published_at.is_(None))
            .values(published_at=_utc(at))
        )


def conversation_scores(
    connection: Connection, *, conversation_key: str, model_version: str | None = None
) -> list[str]:
    """The published score events (JSON) of one conversation, in message order."""
    query = (
        sa.select(scores.c.event_json)
        .join(messages, messages.c.message_id == scores.c.message_id)
        .where(scores.c.conversation_key == conversation_key, scores.c.status == "scored",
               scores.c.published_at.is_not(None))
        .order_by(messages.c.created_at, messages.c.seq, scores.c.recorded_at)
    )
    if model_version is not None:
        query = query.where(scores.c.model_version == model_version)
    return [event_json for (event_json,) in connection.execute(query)]


def _insert_ignoring_duplicates(
    connection: Connection, table: sa.Table, conflict_columns: list[str]
) -> Any:
    dialect = connection.dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing(index_elements=conflict_columns)
    if dialect == "sqlite":
        return sqlite.insert(table).on_conflict_do_nothing(index_elements=conflict_columns)
    raise NotImplementedError(f"no idempotent insert for the {dialect} dialect")


def _chunks(values: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(values), _IN_CHUNK):
        yield values[start:start + _IN_CHUNK]


def _utc(moment: datetime) -> datetime:
    # SQLite keeps no offset, so every stored moment is UTC; naive input is taken as UTC.
    return moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)


def utc_now() -> datetime:
    return datetime.now(UTC)
