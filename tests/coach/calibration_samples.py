"""A team with scored replies and their texts, and the people of calibration and disputes."""

from __future__ import annotations

from datetime import datetime, timedelta

from services.coach.store.message_texts import record_messages
from services.coach.web.links import StaffRole, issue_staff_token
from shared.events.interactions import (
    AuthorRole,
    Channel,
    Conversation,
    InteractionEvent,
    Message,
)
from shared.events.scores import DIMENSIONS, ScoreEvent
from tests.coach.conftest import LINK_SECRET, CoachHarness
from tests.coach.factories import NOW, score_event

TEAM, OTHER_TEAM = "zendesk:10000001", "zendesk:20000002"
A, B = f"{TEAM}:902000000001", f"{TEAM}:902000000002"
C = f"{OTHER_TEAM}:902000000003"  # an agent of another team
LEAD, OTHER_LEAD = f"{TEAM}:900000000001", f"{OTHER_TEAM}:900000000001"
REVIEWER_1, REVIEWER_2 = f"{TEAM}:900000000002", f"{TEAM}:900000000003"
OUTSIDER = f"{TEAM}:900000000009"  # a reviewer of the team who is not in the circle
REPLIES = 6
# Customer and reply texts; the scores vary so that agreement has something to measure.
CUSTOMER_WORDS = "My order {n} never arrived and it was a birthday present."
REPLY_WORDS = "I'm sorry order {n} went missing. I've sent a new one by courier today."


def staff_headers(person: str, role: StaffRole, team: str, coach: CoachHarness) -> dict[str, str]:
    token = issue_staff_token(person, role, team, LINK_SECRET,
                              expires_at=coach.clock() + timedelta(hours=2))
    return {"Authorization": f"Bearer {token}"}


def staff_token(person: str, role: StaffRole, team: str, coach: CoachHarness) -> str:
    return staff_headers(person, role, team, coach)["Authorization"].removeprefix("Bearer ")


def scores_for(index: int) -> dict[str, float | None]:
    step = (index % 5) / 4
    return {**{dim: round((step + i / 10) % 1, 2) for i, dim in enumerate(DIMENSIONS)},
            "boundaries": None}


def interaction(event: ScoreEvent, index: int) -> InteractionEvent:
    provider, account, _ = event.agent_id.split(":")
    at = event.message_at
    return InteractionEvent(
        event_id=f"delivery-{event.message_id}", provider=provider, account=account,
        event_type="comment.added", occurred_at=at, received_at=at,
        conversation=Conversation(conversation_id=event.conversation_key.split(":")[2],
                                  channel=event.channel, assignee_id=event.agent_id,
                                  customer_id=f"{provider}:{account}:customer{index}"),
        messages=(
            Message(message_id=f"{event.message_id}-customer", author_role=AuthorRole.CUSTOMER,
                    body=CUSTOMER_WORDS.format(n=index), created_at=at - timedelta(minutes=5)),
            Message(message_id=event.message_id, author_role=AuthorRole.AGENT,
                    author_id=event.agent_id, body=REPLY_WORDS.format(n=index), created_at=at),
        ))


def seed_team(coach: CoachHarness, *, now: datetime = NOW) -> list[ScoreEvent]:
    """A and B (team) and C (another team) with REPLIES scored replies each over two weeks."""
    events = [score_event(agent, base + i, scores_for(i), at=now - timedelta(days=2 * i + 1),
                          channel=Channel.CHAT)
              for agent, base in ((A, 0), (B, 100), (C, 200)) for i in range(REPLIES)]
    coach.seed_scores(events)
    with coach.engine.begin() as connection:
        record_messages(connection, [interaction(event, index)
                                     for index, event in enumerate(events)])
    return events
