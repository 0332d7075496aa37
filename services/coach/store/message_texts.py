"""The public turns of conversations, from ``support.interactions.v1``: what a reply looked like.

Scores reach the coach without text. A calibration circle and a dispute need the reply with
the customer's words it answered, exactly as the scorer saw them: ``customer`` is every customer
message since the previous agent reply and ``history`` the visible turns before (at most
``HISTORY_TURNS``), the rule of services/scorer/conversation_context.py. Bodies arrive redacted
by ingest; internal notes and system messages are never stored.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import sqlalchemy as sa

from services.coach.domain.timeutil import as_utc
from services.coach.store.calibration_tables import conversation_messages
from services.coach.store.upserts import bulk_upsert
from shared.events.ids import conversation_key
from shared.events.interactions import AuthorRole, InteractionEvent

HISTORY_TURNS = 8  # the scorer's default max_history_turns
_VISIBLE = (AuthorRole.CUSTOMER, AuthorRole.AGENT, AuthorRole.BOT)


@dataclass(frozen=True)
class ReplyContext:
    """One agent reply with what it answered: the shape of a human label's text fields."""

    customer: str
    history: tuple[tuple[str, str], ...]  # (role, text), oldest first
    reply: str
    customer_id: str | None = None  # the conversation's customer (for their erasure)

    def history_json(self) -> list[dict[str, str]]:
        return [{"role": role, "text": text} for role, text in self.history]


def message_rows(event: InteractionEvent) -> list[dict[str, object]]:
    key = conversation_key(event.provider, event.account, event.conversation.conversation_id)
    rows: list[dict[str, object]] = []
    for message in event.messages:
        if not message.public or message.author_role not in _VISIBLE or not message.body.strip():
            continue
        author = message.author_id if message.author_role is AuthorRole.AGENT else None
        rows.append({"message_id": message.message_id, "conversation_key": key,
                     "agent_id": author or event.conversation.assignee_id,
                     "customer_id": event.conversation.customer_id,
                     "role": message.author_role.value, "body": message.body,
                     "created_at": as_utc(message.created_at)})
    return rows


def record_messages(connection: sa.Connection, events: Iterable[InteractionEvent]) -> int:
    """Store each message once (a redelivery or an edited body changes nothing)."""
    rows: dict[object, dict[str, object]] = {}
    for event in events:
        for row in message_rows(event):
            rows.setdefault(row["message_id"], row)
    bulk_upsert(connection, conversation_messages, list(rows.values()), conflict=("message_id",))
    return len(rows)


def reply_context(connection: sa.Connection, message_id: str) -> ReplyContext | None:
    """The reply and its context, or None when the coach has not (or no longer) got its text."""
    table = conversation_messages.c
    found = connection.execute(sa.select(table.conversation_key, table.role, table.body,
                                          table.created_at, table.customer_id)
                               .where(table.message_id == message_id)).first()
    if found is None or found.role != AuthorRole.AGENT.value:
        return None
    earlier = connection.execute(
        sa.select(table.role, table.body)
        .where(table.conversation_key == found.conversation_key,
               table.created_at < found.created_at)
        .order_by(table.created_at, table.message_id)).all()
    context = context_of([(row.role, row.body) for row in earlier], found.body)
    return None if context is None else replace(context, customer_id=found.customer_id)


def context_of(earlier: Sequence[tuple[str, str]], reply: str) -> ReplyContext | None:
    last_agent = max((i for i, (role, _) in enumerate(earlier) if role == "agent"), default=-1)
    since = earlier[last_agent + 1:]
    customer = "\n".join(text for role, text in since if role == "customer")
    history = [*earlier[:last_agent + 1], *((r, t) for r, t in since if r != "customer")]
    if not customer.strip() and not history:
        return None  # nothing it answered: not something a person can rate
    return ReplyContext(customer=customer, history=tuple(history[-HISTORY_TURNS:]), reply=reply)

