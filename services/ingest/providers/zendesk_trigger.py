"""Zendesk trigger webhooks: the body is the template Rapport ships, filled in by Zendesk.

Placeholders render as unformatted text, so booleans arrive as ``"true"``, tags as one
space-separated string and an unknown placeholder as ``""``. Dedupe on the
``X-Zendesk-Webhook-Invocation-Id`` header, else on the content.
"""

from __future__ import annotations

from services.ingest.payload import Fields, InvalidPayload, is_valid_id
from services.ingest.providers.base import Delivery, Ignored, Normalised, ParseResult
from services.ingest.providers.building import (
    channel_from,
    content_key,
    event_key,
    message_key,
    qualified_user,
    short_hash,
)
from services.ingest.providers.zendesk_common import CHANNELS, NAME
from shared.events import AuthorRole, Channel, Conversation, InteractionEvent, Message, Satisfaction

TEMPLATE_VERSION = "zendesk-trigger/v1"
INVOCATION_HEADER = "X-Zendesk-Webhook-Invocation-Id"
ACCOUNT_HEADER = "X-Zendesk-Account-Id"

TRIGGER_TEMPLATE: dict[str, object] = {
    "rapport_template": TEMPLATE_VERSION,
    "ticket": {
        "id": "{{ticket.id}}",
        "subject": "{{ticket.title}}",
        "status": "{{ticket.status}}",
        "via": "{{ticket.via}}",
        "assignee_id": "{{ticket.assignee.id}}",
        "requester_id": "{{ticket.requester.id}}",
        "tags": "{{ticket.tags}}",
        "updated_at": "{{ticket.updated_at_with_timestamp}}",
        "satisfaction": "{{satisfaction.current_rating}}",
        "satisfaction_comment": "{{satisfaction.current_comment}}",
    },
    "comment": {
        "id": "{{ticket.latest_comment.id}}",
        "body": "{{ticket.latest_comment}}",
        "is_public": "{{ticket.latest_comment.is_public}}",
    },
    "author": {"id": "{{current_user.id}}", "role": "{{current_user.role}}"},
}

ROLES: dict[str, AuthorRole] = {
    "end-user": AuthorRole.CUSTOMER, "end_user": AuthorRole.CUSTOMER,
    "agent": AuthorRole.AGENT, "admin": AuthorRole.AGENT,
}
RATINGS = {"good": 1.0, "bad": 0.0}


def parse_trigger(delivery: Delivery, data: Fields) -> ParseResult:
    if data.text("rapport_template") != TEMPLATE_VERSION:
        raise InvalidPayload("rapport_template", f"expected {TEMPLATE_VERSION!r}")
    account = _account(delivery)
    ticket = data.obj("ticket")
    ticket_id = ticket.ident("id")
    comment = data.obj("comment")
    body = comment.text("body").strip()
    if not body:
        return [Ignored("the ticket has no comment text")]
    author = data.obj("author")
    role = ROLES.get((author.opt_text("role") or "").strip().lower(), AuthorRole.SYSTEM)
    occurred_at = ticket.opt_time("updated_at") or delivery.received_at
    via = (ticket.opt_text("via") or "").strip().lower().replace(" ", "_")
    conversation = Conversation(
        conversation_id=ticket_id,
        channel=channel_from(CHANNELS, via) if via else Channel.OTHER,
        subject=ticket.opt_text("subject") or None,
        status=(ticket.opt_text("status") or "").lower() or None,
        assignee_id=qualified_user(NAME, account, ticket.opt_ident("assignee_id")),
        customer_id=qualified_user(NAME, account, ticket.opt_ident("requester_id")),
        tags=tuple((ticket.opt_text("tags") or "").split()),
        satisfaction=_satisfaction(ticket),
    )
    message = Message(
        message_id=message_key(NAME, account, ticket_id,
                               comment.opt_ident("id") or f"c-{short_hash(body)}"),
        author_role=role,
        author_id=qualified_user(NAME, account, author.opt_ident("id"))
        if role is not AuthorRole.SYSTEM else None,
        body=body,
        public=(comment.opt_text("is_public") or "true").strip().lower() != "false",
        created_at=occurred_at,
    )
    invocation = delivery.header(INVOCATION_HEADER)
    event_id = (event_key(NAME, invocation) if invocation and is_valid_id(invocation)
                else content_key(NAME, account, data.data))
    return [Normalised(InteractionEvent(
        event_id=event_id, provider=NAME, account=account, event_type="trigger",
        occurred_at=occurred_at, received_at=delivery.received_at,
        conversation=conversation, messages=(message,),
    ))]


def _account(delivery: Delivery) -> str:
    account = delivery.header(ACCOUNT_HEADER) or delivery.query.get("account", "")
    if not is_valid_id(account):
        raise InvalidPayload(ACCOUNT_HEADER, "header with the Zendesk account id is required")
    return account


def _satisfaction(ticket: Fields) -> Satisfaction | None:
    rating = (ticket.opt_text("satisfaction") or "").strip().lower()
    if rating not in RATINGS:  # "offered", "unoffered" or nothing: no rating yet
        return None
    return Satisfaction(rating="good" if rating == "good" else "bad", score=RATINGS[rating],
                        comment=ticket.opt_text("satisfaction_comment") or None)
