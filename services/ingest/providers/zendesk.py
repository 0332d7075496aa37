"""Zendesk: event-subscription webhooks (``zen:event-type:*``) and trigger webhooks.

Signature: ``X-Zendesk-Webhook-Signature = base64(HMAC-SHA256(secret, TIMESTAMP + BODY))`` where
TIMESTAMP is the literal ``X-Zendesk-Webhook-Signature-Timestamp`` (ISO-8601), no separator.
Both kinds of webhook share the URL; a trigger webhook sends the body template Rapport ships
(``docs/ingest/setup.md``), recognised by its ``rapport_template`` field.
"""

from __future__ import annotations

from services.ingest.payload import Fields, InvalidPayload, load_json_object
from services.ingest.providers.base import Delivery, Ignored, Normalised, ParseResult, Reply
from services.ingest.providers.building import (
    channel_from,
    content_key,
    event_key,
    message_key,
    qualified_user,
)
from services.ingest.providers.zendesk_common import CHANNELS, NAME, SYSTEM_USER
from services.ingest.providers.zendesk_trigger import parse_trigger
from services.ingest.signatures import check_base64, check_fresh, iso_header, require_header
from shared.events import AuthorRole, Channel, Conversation, InteractionEvent, Message

SIGNATURE_HEADER = "X-Zendesk-Webhook-Signature"
TIMESTAMP_HEADER = "X-Zendesk-Webhook-Signature-Timestamp"
COMMENT_ADDED = "zen:event-type:ticket.comment_added"
MESSAGE_ADDED = "zen:event-type:messaging_ticket.message_added"

MESSAGING_ROLES: dict[str, AuthorRole] = {
    "end_user": AuthorRole.CUSTOMER, "agent": AuthorRole.AGENT,
    "trigger": AuthorRole.BOT, "bot": AuthorRole.BOT, "system": AuthorRole.SYSTEM,
}


class ZendeskProvider:
    name = NAME
    success_reply: Reply | None = None

    def verify(self, delivery: Delivery, secret: str, *, now_s: float,
               replay_window_s: float) -> None:
        signature = require_header(delivery.headers, SIGNATURE_HEADER)
        timestamp = require_header(delivery.headers, TIMESTAMP_HEADER)
        check_base64("sha256", secret, timestamp.encode("utf-8") + delivery.body, signature)
        check_fresh(iso_header(timestamp), now_s, replay_window_s)

    def parse(self, delivery: Delivery) -> ParseResult:
        data = load_json_object(delivery.body)
        if data.has("rapport_template"):
            return parse_trigger(delivery, data)
        event_type = data.text("type")
        if event_type == COMMENT_ADDED:
            return _comment_added(delivery, data)
        if event_type == MESSAGE_ADDED:
            return _message_added(delivery, data)
        return [Ignored(f"{event_type} carries no conversation content")]


def _conversation(account: str, detail: Fields, ticket_id: str) -> Conversation:
    via = detail.opt_obj("via")
    status = detail.opt_text("status")
    return Conversation(
        conversation_id=ticket_id,
        channel=channel_from(CHANNELS, via.opt_text("channel") if via else None),
        subject=detail.opt_text("subject"),
        status=status.lower() if status else None,
        assignee_id=qualified_user(NAME, account, detail.opt_ident("assignee_id")),
        customer_id=qualified_user(NAME, account, detail.opt_ident("requester_id")),
        tags=detail.strings("tags"),
    )


def _ticket_id(data: Fields, detail: Fields) -> str:
    ticket_id = detail.opt_ident("id")
    if ticket_id is None:
        subject = data.opt_text("subject") or ""
        ticket_id = subject.removeprefix("zen:ticket:") if subject.startswith("zen:ticket:") \
            else None
    if not ticket_id:
        raise InvalidPayload("detail.id", "required ticket id is missing")
    return ticket_id


def _comment_added(delivery: Delivery, data: Fields) -> ParseResult:
    account = data.ident("account_id")
    detail = data.obj("detail")
    ticket_id = _ticket_id(data, detail)
    comment = data.obj("event").obj("comment")
    body = comment.text("body").strip()
    if not body:
        return [Ignored("the comment has no text (attachments only)")]
    author = comment.obj("author")
    author_id = author.opt_ident("id")
    role = (AuthorRole.SYSTEM if author_id == SYSTEM_USER
            else AuthorRole.AGENT if author.flag("is_staff", False) else AuthorRole.CUSTOMER)
    occurred_at = data.time("time")
    message = Message(
        message_id=message_key(NAME, account, ticket_id, comment.ident("id")),
        author_role=role,
        author_id=None if role is AuthorRole.SYSTEM else qualified_user(NAME, account, author_id),
        body=body,
        public=comment.flag("is_public", True),
        created_at=occurred_at,
    )
    conversation = _conversation(account, detail, ticket_id)
    return [_normalised(delivery, data, account, conversation, message)]


def _message_added(delivery: Delivery, data: Fields) -> ParseResult:
    account = data.ident("account_id")
    detail = data.obj("detail")
    ticket_id = _ticket_id(data, detail)
    event = data.obj("event")
    sent = event.obj("message")
    body = sent.text("body").strip()
    if not body:
        return [Ignored("the message has no text")]
    actor = event.obj("actor")
    role = MESSAGING_ROLES.get((actor.opt_text("type") or "").lower(), AuthorRole.SYSTEM)
    occurred_at = data.time("time")
    local_id = sent.opt_ident("id") or data.ident("id")
    message = Message(
        message_id=message_key(NAME, account, ticket_id, local_id),
        author_role=role,
        author_id=qualified_user(NAME, account, actor.opt_ident("id"))
        if role in (AuthorRole.AGENT, AuthorRole.CUSTOMER) else None,
        body=body,
        public=True,
        created_at=occurred_at,
    )
    conversation = _conversation(account, detail, ticket_id).model_copy(
        update={"channel": Channel.MESSAGING})
    return [_normalised(delivery, data, account, conversation, message)]


def _normalised(delivery: Delivery, data: Fields, account: str, conversation: Conversation,
                message: Message) -> Normalised:
    event_id = data.opt_ident("id")
    return Normalised(InteractionEvent(
        event_id=event_key(NAME, event_id) if event_id else content_key(NAME, account, data.data),
        provider=NAME,
        account=account,
        event_type=data.text("type"),
        occurred_at=message.created_at,
        received_at=delivery.received_at,
        conversation=conversation,
        messages=(message,),
    ))

