"""A small team's conversations for the phrasebook and gratitude tests.

Team ``zendesk:1`` has agents A and B; team ``zendesk:2`` has agent C. Each conversation is an
interaction event (customer, agent reply, perhaps the customer's answer and a rating) and a score
event for the agent's reply, with the same message ids the scorer would use.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Engine

from services.coach.store.message_texts import record_messages
from services.coach.web.links import issue_staff_token
from services.coach.workflows.gratitude import gratitude_changes, record_gratitude
from shared.events.interactions import (
    AuthorRole,
    Channel,
    Conversation,
    InteractionEvent,
    Message,
    Satisfaction,
)
from shared.events.scores import ScoreEvent
from tests.coach.conftest import LINK_SECRET
from tests.coach.factories import NOW, score_event, uniform_scores

TEAM, OTHER_TEAM = "zendesk:1", "zendesk:2"
A, B, C = "zendesk:1:agent-a", "zendesk:1:agent-b", "zendesk:2:agent-c"
LEAD, OTHER_LEAD = "zendesk:1:lead-1", "zendesk:2:lead-2"

A_REPLY = ("I can see how worrying a missing parcel is, especially before a birthday. I have "
           "opened a trace with the courier and I will email you at dana@example.com by 5pm.")
A_LINE = "I can see how worrying a missing parcel is, especially before a birthday."
WARM_THANKS = "Thank you so much, you have been amazing and put my mind at ease!"
HIGH_COMMENT = "Ada was kind and sorted it in minutes"
LOW_COMMENT = "Felt like talking to a wall"
B_REPLY = "Please check with your neighbours first."


@dataclass(frozen=True)
class Sample:
    index: int
    agent_id: str
    reply: str
    scores: dict[str, float | None]
    customer_after: str | None = None
    rating: Satisfaction | None = None


CONVERSATIONS = (
    # A's strong reply, thanked warmly and rated high with a comment.
    Sample(1, A, A_REPLY, uniform_scores(0.55, acknowledgment=0.9, next_steps=0.85),
                  customer_after=WARM_THANKS,
                  rating=Satisfaction(rating="good", score=1.0, comment=HIGH_COMMENT)),
    # B's weak reply: a low rating with a comment (never shown), a plain "thanks" (not warm).
    Sample(2, B, B_REPLY, uniform_scores(0.3), customer_after="Thanks.",
                  rating=Satisfaction(rating="bad", score=0.0, comment=LOW_COMMENT)),
    # B again: a middling rating (neutral) with a comment: not praise either.
    Sample(3, B, "Let me look into it.", uniform_scores(0.5),
                  rating=Satisfaction(rating="neutral", score=0.5, comment="It was fine")),
    # C, another team: a high rating; no lead of team 1 may see it.
    Sample(4, C, "I have refunded the order and confirmed it by email.",
                  uniform_scores(0.8),
                  rating=Satisfaction(rating="good", score=0.8, comment="Quick refund, thanks")),
)


def interaction_event(conversation: Sample, *, now: datetime = NOW) -> InteractionEvent:
    provider, account, _ = conversation.agent_id.split(":")
    key = f"c{conversation.index}"
    start = now - timedelta(days=2, hours=conversation.index)
    messages = [
        Message(message_id=f"{provider}:{account}:{key}:q{conversation.index}",
                author_role=AuthorRole.CUSTOMER, author_id=f"{provider}:{account}:cust-1",
                body="My parcel has not arrived and I need it tomorrow.", created_at=start),
        Message(message_id=f"{provider}:{account}:{key}:m{conversation.index}",
                author_role=AuthorRole.AGENT, author_id=conversation.agent_id,
                body=conversation.reply, created_at=start + timedelta(minutes=2)),
        Message(message_id=f"{provider}:{account}:{key}:note", author_role=AuthorRole.AGENT,
                author_id=conversation.agent_id, body="internal: VIP customer", public=False,
                created_at=start + timedelta(minutes=3)),
    ]
    if conversation.customer_after is not None:
        messages.append(Message(
            message_id=f"{provider}:{account}:{key}:t{conversation.index}",
            author_role=AuthorRole.CUSTOMER, author_id=f"{provider}:{account}:cust-1",
            body=conversation.customer_after, created_at=start + timedelta(minutes=5)))
    return InteractionEvent(
        event_id=f"{provider}:{account}:evt-{conversation.index}", provider=provider,
        account=account, event_type="ticket.updated", occurred_at=start + timedelta(minutes=6),
        received_at=start + timedelta(minutes=6),
        conversation=Conversation(conversation_id=key, channel=Channel.CHAT,
                                  assignee_id=conversation.agent_id,
                                  customer_id=f"{provider}:{account}:cust-1",
                                  satisfaction=conversation.rating),
        messages=tuple(messages))


def score_events(*, now: datetime = NOW) -> list[ScoreEvent]:
    return [score_event(c.agent_id, c.index, c.scores,
                        at=now - timedelta(days=2, hours=c.index) + timedelta(minutes=2))
            for c in CONVERSATIONS]


def interaction_events(*, now: datetime = NOW) -> list[InteractionEvent]:
    return [interaction_event(c, now=now) for c in CONVERSATIONS]


def seed_texts_and_praise(engine: Engine, *, now: datetime = NOW) -> None:
    """What the coach's interactions consumer writes, written directly."""
    events = interaction_events(now=now)
    with engine.begin() as connection:
        record_messages(connection, events)
        record_gratitude(connection, gratitude_changes(events))


def staff_headers(person: str, team: str, *, role: str = "lead",
                  now: datetime = NOW) -> dict[str, str]:
    token = issue_staff_token(person, role, team, LINK_SECRET,  # type: ignore[arg-type]
                              expires_at=now + timedelta(hours=1))
    return {"Authorization": f"Bearer {token}"}


def count_rows(engine: Engine, table: sa.Table, **where: Any) -> int:
    with engine.connect() as connection:
        query = sa.select(sa.func.count()).select_from(table)
        for name, value in where.items():
            query = query.where(table.c[name] == value)
        return int(connection.scalar(query) or 0)
