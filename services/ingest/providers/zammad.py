"""Zammad: a Trigger calls a Webhook with the default payload ``{ticket: {...}, article: {...}}``.

Signature: ``X-Hub-Signature: sha1=<hex HMAC-SHA1(token, raw body)>`` (when the webhook has an
HMAC token, which Rapport requires). Dedupe on ``X-Zammad-Delivery``: Zammad retries a failed
delivery as the same job. Zammad names no account: add ``?account=<name>`` to the webhook URL.
"""

from __future__ import annotations

from services.ingest.html_text import body_text
from services.ingest.payload import Fields, is_valid_id, load_json_object
from services.ingest.providers.base import Delivery, Ignored, Normalised, ParseResult, Reply
from services.ingest.providers.building import (
    account_from_query,
    channel_from,
    event_key,
    message_key,
    qualified_user,
)
from services.ingest.signatures import check_hub_signature
from shared.events import AuthorRole, Channel, Conversation, InteractionEvent, Message

NAME = "zammad"
DELIVERY_HEADER = "X-Zammad-Delivery"
TRIGGER_HEADER = "X-Zammad-Trigger"
ROLES: dict[str, AuthorRole] = {"customer": AuthorRole.CUSTOMER, "agent": AuthorRole.AGENT,
                                "system": AuthorRole.SYSTEM}
CHANNELS: dict[str, Channel] = {
    "email": Channel.EMAIL, "phone": Channel.VOICE, "web": Channel.WEB_FORM,
    "chat": Channel.CHAT, "sms": Channel.SMS, "twitter status": Channel.SOCIAL,
    "twitter direct-message": Channel.SOCIAL, "facebook feed post": Channel.SOCIAL,
    "facebook feed comment": Channel.SOCIAL, "telegram personal-message": Channel.MESSAGING,
    "whatsapp message": Channel.MESSAGING,
}


class ZammadProvider:
    name = NAME
    success_reply: Reply | None = None

    def verify(self, delivery: Delivery, secret: str, *, now_s: float,
               replay_window_s: float) -> None:
        check_hub_signature(delivery.headers, delivery.body, secret)

    def parse(self, delivery: Delivery) -> ParseResult:
        data = load_json_object(delivery.body)
        ticket = data.obj("ticket")
        article = data.opt_obj("article")
        if article is None:
            return [Ignored("the trigger sent a ticket without an article")]
        body = body_text(article.opt_text("body") or "",
                         html=(article.opt_text("content_type") or "") == "text/html")
        if not body:
            return [Ignored("the article has no text")]
        account = account_from_query(delivery.query)
        ticket_id = ticket.ident("id")
        role = ROLES.get(_name(article, "sender").lower(), AuthorRole.SYSTEM)
        created_by = article.opt_obj("created_by")
        author = article.opt_ident("created_by_id") or (
            created_by.opt_ident("id") if created_by else None)
        message = Message(
            message_id=message_key(NAME, account, ticket_id, article.ident("id")),
            author_role=role,
            author_id=qualified_user(NAME, account, author) if role is not AuthorRole.SYSTEM
            else None,
            body=body,
            public=not article.flag("internal", False),
            created_at=article.time("created_at"),
        )
        return [Normalised(InteractionEvent(
            event_id=_event_id(delivery, message.message_id),
            provider=NAME, account=account,
            event_type=delivery.header(TRIGGER_HEADER) or "trigger",
            occurred_at=message.created_at, received_at=delivery.received_at,
            conversation=_conversation(ticket, article, account, ticket_id),
            messages=(message,),
        ))]


def _name(container: Fields, key: str) -> str:
    """Zammad expands references: ``"sender": "Agent"`` or ``"sender": {"name": "Agent"}``."""
    value = container.raw(key)
    if isinstance(value, dict):
        return Fields(value, container.where(key)).opt_text("name") or ""
    return container.opt_text(key) or ""


def _conversation(ticket: Fields, article: Fields, account: str, ticket_id: str) -> Conversation:
    article_type = _name(article, "type").lower()
    if article_type in {"note", ""}:  # notes happen on any channel: use the ticket's own
        article_type = (ticket.opt_text("create_article_type") or "").lower()
    owner = ticket.opt_obj("owner")
    owner_id = ticket.opt_ident("owner_id") or (owner.opt_ident("id") if owner else None)
    return Conversation(
        conversation_id=ticket_id,
        channel=channel_from(CHANNELS, article_type),
        subject=ticket.opt_text("title") or None,
        status=_name(ticket, "state").lower() or None,
        # Zammad's "nobody" (id 1) owns unassigned tickets.
        assignee_id=qualified_user(NAME, account, owner_id) if owner_id not in {None, "1"}
        else None,
        customer_id=qualified_user(NAME, account, ticket.opt_ident("customer_id")),
        tags=ticket.strings("tags"),
    )


def _event_id(delivery: Delivery, message_id: str) -> str:
    delivery_id = delivery.header(DELIVERY_HEADER)
    if delivery_id and is_valid_id(delivery_id):
        return event_key(NAME, delivery_id)
    return event_key(NAME, "article", message_id)
