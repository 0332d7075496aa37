"""Zendesk REST records (a ticket from the incremental export, its comments and side-loaded
users) as one ``InteractionEvent`` per ticket version. Pure: the API calls live in
``backfill/zendesk.py``."""

from __future__ import annotations

from datetime import datetime

from services.ingest.html_text import body_text
from services.ingest.payload import Fields
from services.ingest.providers.building import (
    channel_from,
    event_key,
    message_key,
    qualified_user,
)
from services.ingest.providers.zendesk_common import CHANNELS, NAME, SYSTEM_USER
from shared.events import (
    AuthorRole,
    Conversation,
    InteractionEvent,
    Message,
    Satisfaction,
)

ROLES: dict[str, AuthorRole] = {"end-user": AuthorRole.CUSTOMER, "agent": AuthorRole.AGENT,
                                "admin": AuthorRole.AGENT}
EVENT_TYPE = "backfill.ticket"


def ticket_event(ticket: Fields, comments: list[Fields], roles: dict[str, str], *,
                 account: str, received_at: datetime) -> InteractionEvent | None:
    """The ticket with every comment that has text; ``None`` when none has."""
    ticket_id = ticket.ident("id")
    requester = ticket.opt_ident("requester_id")
    messages = [message for comment in comments
                if (message := _message(comment, account, ticket_id, roles, requester))]
    if not messages:
        return None
    updated_at = ticket.opt_time("updated_at") or messages[-1].created_at
    via = ticket.opt_obj("via")
    status = ticket.opt_text("status")
    return InteractionEvent(
        event_id=event_key(NAME, account, "backfill", ticket_id, str(int(updated_at.timestamp()))),
        provider=NAME, account=account, event_type=EVENT_TYPE, occurred_at=updated_at,
        received_at=received_at,
        conversation=Conversation(
            conversation_id=ticket_id,
            channel=channel_from(CHANNELS, via.opt_text("channel") if via else None),
            subject=ticket.opt_text("subject") or None,
            status=status.lower() if status else None,
            assignee_id=qualified_user(NAME, account, ticket.opt_ident("assignee_id")),
            customer_id=qualified_user(NAME, account, requester),
            tags=ticket.strings("tags"),
            satisfaction=_satisfaction(ticket),
        ),
        messages=tuple(messages),
    )


def user_roles(users: list[Fields]) -> dict[str, str]:
    return {user.ident("id"): user.opt_text("role") or "" for user in users}


def _message(comment: Fields, account: str, ticket_id: str, roles: dict[str, str],
             requester: str | None) -> Message | None:
    plain, html = comment.opt_text("plain_body"), comment.opt_text("html_body")
    body = (body_text(plain, html=False) if plain
            else body_text(html, html=True) if html else body_text(comment.opt_text("body") or ""))
    if not body:
        return None
    author = comment.opt_ident("author_id")
    role = _role(author, roles, requester)
    return Message(
        message_id=message_key(NAME, account, ticket_id, comment.ident("id")),
        author_role=role,
        author_id=qualified_user(NAME, account, author) if role is not AuthorRole.SYSTEM else None,
        body=body,
        public=comment.flag("public", True),
        created_at=comment.time("created_at"),
    )


def _role(author: str | None, roles: dict[str, str], requester: str | None) -> AuthorRole:
    if author is None or author == SYSTEM_USER:
        return AuthorRole.SYSTEM
    if author in roles:
        return ROLES.get(roles[author], AuthorRole.SYSTEM)
    # Not side-loaded: the requester is the customer, anyone else on the ticket staff.
    return AuthorRole.CUSTOMER if author == requester else AuthorRole.AGENT


def _satisfaction(ticket: Fields) -> Satisfaction | None:
    rating = ticket.opt_obj("satisfaction_rating")
    score = (rating.opt_text("score") or "").lower() if rating else ""
    if rating is None or score not in {"good", "bad"}:  # offered / unoffered: no answer yet
        return None
    return Satisfaction(rating="good" if score == "good" else "bad",
                        score=1.0 if score == "good" else 0.0,
                        comment=rating.opt_text("comment") or None)
