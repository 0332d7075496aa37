"""The gratitude spotlight: customers' high ratings and warm thanks, with the reply behind each.

Satisfaction ratings and their comments ride on ``support.interactions.v1`` (the conversation's
``satisfaction``, redacted by ingest like every other customer text). The coach reads that topic
(``gratitude_consumer``) and keeps only praise: a rating the helpdesk calls good (and, where it
has a score, at least ``HIGH_RATING``), or a customer message that thanks the agent warmly
(``thanks.is_warm_thanks``). A low rating is never stored, and a rating later lowered removes
the praise it had earned, so no view can show one.

The reply shown with the praise is read when it is shown, from the conversation texts the coach
keeps (``coach_conversation_messages``): the agent's last reply in the conversation before it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

import sqlalchemy as sa

from services.coach.domain.score_batches import team_id
from services.coach.domain.thanks import is_warm_thanks
from services.coach.domain.timeutil import as_utc
from services.coach.store.calibration_tables import conversation_messages
from services.coach.store.lines_tables import gratitude
from services.coach.store.upserts import bulk_upsert
from shared.events.ids import conversation_key, parse_agent_id
from shared.events.interactions import AuthorRole, InteractionEvent, Satisfaction

# What the providers themselves call good on a numeric scale (four stars of five and up,
# ``services/ingest/providers/building.py``): the spotlight asks no less.
HIGH_RATING = 0.75

PraiseKind = Literal["rating", "thanks"]


@dataclass(frozen=True)
class Praise:
    gratitude_id: str
    agent_id: str
    kind: PraiseKind
    conversation_key: str
    customer_id: str | None
    channel: str
    rating_score: float | None
    customer_words: str | None
    occurred_at: datetime

    def row(self) -> dict[str, Any]:
        return {"gratitude_id": self.gratitude_id, "agent_id": self.agent_id,
                "team_id": team_id(self.agent_id), "kind": self.kind,
                "conversation_key": self.conversation_key, "customer_id": self.customer_id,
                "channel": self.channel, "rating_score": self.rating_score,
                "customer_words": self.customer_words, "occurred_at": self.occurred_at}


@dataclass
class GratitudeChanges:
    praise: dict[str, Praise] = field(default_factory=dict)  # id -> the latest word on it
    withdrawn: set[str] = field(default_factory=set)  # ratings no longer high


def is_high_rating(satisfaction: Satisfaction) -> bool:
    return satisfaction.rating == "good" and (satisfaction.score is None
                                              or satisfaction.score >= HIGH_RATING)


def rating_id(key: str) -> str:
    return f"rating:{key}"  # one rating per conversation: a new one replaces the old


def gratitude_changes(events: Iterable[InteractionEvent]) -> GratitudeChanges:
    """The praise in a batch of events (in topic order), and the ratings it withdrew. Pure."""
    changes = GratitudeChanges()
    for event in events:
        conversation = event.conversation
        key = conversation_key(event.provider, event.account, conversation.conversation_id)
        channel = conversation.channel.value
        last_replier: str | None = None
        for message in sorted(event.messages, key=lambda m: as_utc(m.created_at)):
            if not message.public:
                continue  # an internal note is no reply, and no customer writes one
            if message.author_role is AuthorRole.AGENT and message.author_id:
                last_replier = message.author_id
            elif message.author_role is AuthorRole.CUSTOMER and is_warm_thanks(message.body):
                agent = _agent(last_replier, conversation.assignee_id)
                if agent is not None:
                    praise_id = f"thanks:{message.message_id}"
                    changes.praise[praise_id] = Praise(
                        gratitude_id=praise_id, agent_id=agent, kind="thanks",
                        conversation_key=key, customer_id=conversation.customer_id,
                        channel=channel, rating_score=None, customer_words=message.body,
                        occurred_at=as_utc(message.created_at))
        satisfaction = conversation.satisfaction
        if satisfaction is None:
            continue
        praise_id = rating_id(key)
        # The conversation's owner when it was rated; the last replier if it has none.
        agent = _agent(conversation.assignee_id, last_replier)
        if is_high_rating(satisfaction) and agent is not None:
            changes.withdrawn.discard(praise_id)
            changes.praise[praise_id] = Praise(
                gratitude_id=praise_id, agent_id=agent, kind="rating", conversation_key=key,
                customer_id=conversation.customer_id, channel=channel,
                rating_score=satisfaction.score, customer_words=satisfaction.comment,
                occurred_at=as_utc(event.occurred_at))
        else:
            changes.praise.pop(praise_id, None)
            changes.withdrawn.add(praise_id)
    return changes


def _agent(*candidates: str | None) -> str | None:
    for candidate in candidates:
        if candidate is None:
            continue
        try:
            parse_agent_id(candidate)
        except ValueError:
            continue
        return candidate
    return None


def record_gratitude(connection: sa.Connection, changes: GratitudeChanges) -> None:
    """Apply a batch's changes in the caller's transaction; a redelivery changes nothing."""
    if changes.withdrawn:
        connection.execute(sa.delete(gratitude)
                           .where(gratitude.c.gratitude_id.in_(sorted(changes.withdrawn))))
    # A rating re-sent with a later update of its conversation keeps the moment it was first
    # given (the reply that earned it is the one before that moment); its words may change.
    kept = ("agent_id", "team_id", "customer_id", "channel", "rating_score", "customer_words")
    bulk_upsert(connection, gratitude, [praise.row() for praise in changes.praise.values()],
                conflict=("gratitude_id",),
                update=lambda excluded: {name: excluded[name] for name in kept})


@dataclass(frozen=True)
class PraiseShown:
    """One item of the spotlight: the customer's words and the reply that earned them."""

    agent_id: str
    kind: PraiseKind
    channel: str
    rating_score: float | None
    customer_words: str | None
    occurred_at: datetime
    reply: str | None
    reply_at: datetime | None


def list_praise(connection: sa.Connection, *, since: datetime, agent_id: str | None = None,
                team: str | None = None, limit: int = 100) -> list[PraiseShown]:
    """Newest first, for one agent or one team (exactly one of the two)."""
    if (agent_id is None) == (team is None):
        raise ValueError("name an agent or a team")
    scope = gratitude.c.agent_id == agent_id if agent_id is not None else \
        gratitude.c.team_id == team
    rows = connection.execute(
        sa.select(gratitude).where(scope, gratitude.c.occurred_at >= as_utc(since))
        .order_by(gratitude.c.occurred_at.desc(), gratitude.c.gratitude_id).limit(limit)).all()
    replies = _replies(connection, {row.conversation_key for row in rows})
    shown = []
    for row in rows:
        occurred = as_utc(row.occurred_at)
        reply = _reply_before(replies.get(row.conversation_key, ()), row.agent_id, occurred,
                              inclusive=row.kind == "rating")
        shown.append(PraiseShown(
            agent_id=row.agent_id, kind=row.kind, channel=row.channel,
            rating_score=row.rating_score, customer_words=row.customer_words,
            occurred_at=occurred, reply=None if reply is None else reply[1],
            reply_at=None if reply is None else reply[0]))
    return shown


_Reply = tuple[datetime, str, str]  # (written at, body, agent id)


def _replies(connection: sa.Connection, keys: set[str]) -> dict[str, list[_Reply]]:
    found: dict[str, list[_Reply]] = {}
    if not keys:
        return found
    table = conversation_messages.c
    query = (sa.select(table.conversation_key, table.created_at, table.body, table.agent_id)
             .where(table.conversation_key.in_(sorted(keys)),
                    table.role == AuthorRole.AGENT.value)
             .order_by(table.created_at))
    for row in connection.execute(query):
        found.setdefault(row.conversation_key, []).append(
            (as_utc(row.created_at), row.body, row.agent_id))
    return found


def _reply_before(replies: Sequence[_Reply], agent_id: str, moment: datetime, *,
                  inclusive: bool) -> tuple[datetime, str] | None:
    """The agent's last reply before the praise (a rating may share its reply's moment)."""
    chosen = None
    for at, body, author in replies:
        if author == agent_id and (at < moment or (inclusive and at == moment)):
            chosen = (at, body)
    return chosen
