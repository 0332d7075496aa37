"""Intercom: app webhook notifications (``notification_event``) on conversation topics.

Signature: ``X-Hub-Signature: sha1=<hex HMAC-SHA1(client_secret, raw body)>``; no timestamp, so
replays are stopped by deduplicating on the notification id (``notif_...``). Bodies are HTML
before API 2.15 and plain text after; both are handled.
"""

from __future__ import annotations

from datetime import datetime

from services.ingest.html_text import body_text
from services.ingest.payload import Fields, load_json_object
from services.ingest.providers.base import Delivery, Ignored, Normalised, ParseResult, Reply
from services.ingest.providers.building import (
    channel_from,
    event_key,
    message_key,
    qualified_user,
    rating_from_scale,
)
from services.ingest.signatures import check_hub_signature
from shared.events import (
    AuthorRole,
    Channel,
    Conversation,
    InteractionEvent,
    Message,
    Satisfaction,
)

NAME = "intercom"
# Topics whose item is a conversation carrying the message(s) that triggered it.
CONVERSATION_TOPICS = frozenset({
    "conversation.user.created", "conversation.user.replied", "conversation.admin.replied",
    "conversation.admin.single.created", "conversation.admin.noted", "conversation.admin.closed",
    "conversation.admin.assigned", "conversation.admin.opened", "conversation.operator.replied",
    "conversation.rating.added",
})
# The first message lives in ``source``, not in the parts, for these.
SOURCE_TOPICS = frozenset({"conversation.user.created", "conversation.admin.single.created"})

CHANNELS: dict[str, Channel] = {
    "conversation": Channel.CHAT, "email": Channel.EMAIL, "facebook": Channel.SOCIAL,
    "instagram": Channel.SOCIAL, "twitter": Channel.SOCIAL, "phone_call": Channel.VOICE,
    "phone_switch": Channel.VOICE, "push": Channel.MESSAGING, "sms": Channel.SMS,
    "whatsapp": Channel.MESSAGING,
}
ROLES: dict[str, AuthorRole] = {
    "admin": AuthorRole.AGENT, "team": AuthorRole.AGENT, "bot": AuthorRole.BOT,
    "user": AuthorRole.CUSTOMER, "lead": AuthorRole.CUSTOMER, "contact": AuthorRole.CUSTOMER,
}


class IntercomProvider:
    name = NAME
    success_reply: Reply | None = None

    def verify(self, delivery: Delivery, secret: str, *, now_s: float,
               replay_window_s: float) -> None:
        check_hub_signature(delivery.headers, delivery.body, secret)

    def parse(self, delivery: Delivery) -> ParseResult:
        data = load_json_object(delivery.body)
        topic = data.text("topic")
        if topic not in CONVERSATION_TOPICS:
            return [Ignored(f"topic {topic} carries no conversation content")]
        account = data.ident("app_id")
        item = data.obj("data").obj("item")
        event = conversation_event(item, account=account,
                                   event_id=event_key(NAME, data.ident("id")),
                                   event_type=topic, received_at=delivery.received_at,
                                   include_source=topic in SOURCE_TOPICS)
        if not event.messages and event.conversation.satisfaction is None:
            return [Ignored(f"{topic} has no message text")]
        return [Normalised(event)]


def conversation_event(item: Fields, *, account: str, event_id: str, event_type: str,
                       received_at: datetime, include_source: bool) -> InteractionEvent:
    """One Intercom conversation object as an event (also used by the backfill)."""
    conversation_id = item.ident("id")
    source = item.opt_obj("source")
    messages: list[Message] = []
    if include_source and source is not None:
        messages.extend(_message(source, account, conversation_id, item.time("created_at")))
    parts = item.opt_obj("conversation_parts")
    for part in parts.objects("conversation_parts") if parts else []:
        messages.extend(_message(part, account, conversation_id, None))
    occurred_at = max((m.created_at for m in messages), default=None) or \
        item.opt_time("updated_at") or item.time("created_at")
    return InteractionEvent(
        event_id=event_id, provider=NAME, account=account, event_type=event_type,
        occurred_at=occurred_at, received_at=received_at,
        conversation=_conversation(item, account, conversation_id, source),
        messages=tuple(messages),
    )


def _conversation(item: Fields, account: str, conversation_id: str,
                  source: Fields | None) -> Conversation:
    contacts = item.opt_obj("contacts")
    first_contact = next(iter(contacts.objects("contacts")), None) if contacts else None
    tags = item.opt_obj("tags")
    title = item.opt_text("title") or (source.opt_text("subject") if source else None)
    return Conversation(
        conversation_id=conversation_id,
        channel=channel_from(CHANNELS, source.opt_text("type") if source else None),
        subject=(body_text(title) or None) if title else None,
        status=item.opt_text("state"),
        assignee_id=qualified_user(NAME, account, item.opt_ident("admin_assignee_id")),
        customer_id=qualified_user(NAME, account, first_contact.opt_ident("id"))
        if first_contact else None,
        tags=tuple(tag.text("name") for tag in tags.objects("tags")) if tags else (),
        satisfaction=_satisfaction(item),
    )


def _message(part: Fields, account: str, conversation_id: str,
             created_at: datetime | None) -> list[Message]:
    raw = part.opt_text("body")
    text = body_text(raw) if raw else ""
    if not text or part.flag("redacted", False):
        return []
    author = part.obj("author")
    role = ROLES.get(author.opt_text("type") or "", AuthorRole.SYSTEM)
    if author.flag("from_ai_agent", False) or part.flag("is_ai_answer", False):
        role = AuthorRole.BOT
    return [Message(
        message_id=message_key(NAME, account, conversation_id, part.ident("id")),
        author_role=role,
        author_id=qualified_user(NAME, account, author.opt_ident("id"))
        if role in (AuthorRole.AGENT, AuthorRole.CUSTOMER) else None,
        body=text,
        public=part.opt_text("part_type") != "note",
        created_at=created_at or part.time("created_at"),
    )]


def _satisfaction(item: Fields) -> Satisfaction | None:
    rating = item.opt_obj("conversation_rating")
    value = rating.number("rating") if rating else None
    if rating is None or value is None:
        return None
    return rating_from_scale(value, low=1, high=5, comment=rating.opt_text("remark"))
