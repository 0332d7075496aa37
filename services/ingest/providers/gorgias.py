"""Gorgias: an HTTP integration on the ``ticket-message-created`` trigger, Rapport's template.

Gorgias neither signs requests nor sends a delivery id. Authentication is the
``X-Rapport-Token`` header set on the integration; the dedupe key is the message id (each
message is created once), falling back to a content hash.
"""

from __future__ import annotations

from services.ingest.html_text import body_text
from services.ingest.payload import Fields, load_json_object
from services.ingest.providers.base import Delivery, Ignored, Normalised, ParseResult, Reply
from services.ingest.providers.building import (
    channel_from,
    content_key,
    event_key,
    message_key,
    qualified_user,
    short_hash,
)
from services.ingest.providers.templated import (
    rendered_flag,
    rendered_text,
    require_template,
    verify_token,
)
from shared.events import AuthorRole, Channel, Conversation, InteractionEvent, Message

NAME = "gorgias"
TEMPLATE_VERSION = "gorgias/v1"
EVENT_TYPE = "ticket-message-created"

BODY_TEMPLATE: dict[str, object] = {
    "rapport_template": TEMPLATE_VERSION,
    "account": "yourstore",
    "ticket": {
        "id": "{{ticket.id}}",
        "subject": "{{ticket.subject}}",
        "status": "{{ticket.status}}",
        "channel": "{{ticket.channel}}",
        "assignee_user_id": "{{ticket.assignee_user.id}}",
        "customer_id": "{{ticket.customer.id}}",
    },
    "message": {
        "id": "{{message.id}}",
        "from_agent": "{{message.from_agent}}",
        "public": "{{message.public}}",
        "channel": "{{message.channel}}",
        "sender_id": "{{message.sender.id}}",
        "body_text": "{{message.body_text}}",
        "created_datetime": "{{message.created_datetime}}",
    },
}

CHANNELS: dict[str, Channel] = {
    "email": Channel.EMAIL, "chat": Channel.CHAT, "api-chat": Channel.CHAT, "sms": Channel.SMS,
    "whatsapp": Channel.MESSAGING, "facebook-messenger": Channel.MESSAGING,
    "instagram-direct-message": Channel.MESSAGING, "facebook": Channel.SOCIAL,
    "instagram": Channel.SOCIAL, "instagram-comment": Channel.SOCIAL, "twitter": Channel.SOCIAL,
    "phone": Channel.VOICE, "contact_form": Channel.WEB_FORM, "help-center": Channel.WEB_FORM,
}


class GorgiasProvider:
    name = NAME
    success_reply: Reply | None = None

    def verify(self, delivery: Delivery, secret: str, *, now_s: float,
               replay_window_s: float) -> None:
        verify_token(delivery, secret)

    def parse(self, delivery: Delivery) -> ParseResult:
        data = load_json_object(delivery.body)
        require_template(data, TEMPLATE_VERSION)
        account = data.ident("account")
        ticket = data.obj("ticket")
        sent = data.obj("message")
        raw = rendered_text(sent, "body_text")
        body = body_text(raw, html=False) if raw else ""
        if not body:
            return [Ignored("the message has no text")]
        ticket_id = ticket.ident("id")
        local_id = sent.opt_ident("id")
        from_agent = rendered_flag(sent, "from_agent", default=False)
        message = Message(
            message_id=message_key(NAME, account, ticket_id, local_id or f"c-{short_hash(body)}"),
            author_role=AuthorRole.AGENT if from_agent else AuthorRole.CUSTOMER,
            author_id=qualified_user(NAME, account, sent.opt_ident("sender_id")),
            body=body,
            public=rendered_flag(sent, "public", default=True),
            created_at=sent.opt_time("created_datetime") or delivery.received_at,
        )
        return [Normalised(InteractionEvent(
            event_id=event_key(NAME, account, "message", local_id) if local_id
            else content_key(NAME, account, data.data),
            provider=NAME, account=account, event_type=EVENT_TYPE,
            occurred_at=message.created_at, received_at=delivery.received_at,
            conversation=_conversation(ticket, sent, account, ticket_id),
            messages=(message,),
        ))]


def _conversation(ticket: Fields, sent: Fields, account: str, ticket_id: str) -> Conversation:
    channel = rendered_text(sent, "channel") or rendered_text(ticket, "channel")
    return Conversation(
        conversation_id=ticket_id,
        channel=channel_from(CHANNELS, channel),
        subject=rendered_text(ticket, "subject"),
        status=rendered_text(ticket, "status"),
        assignee_id=qualified_user(NAME, account, ticket.opt_ident("assignee_user_id")),
        customer_id=qualified_user(NAME, account, ticket.opt_ident("customer_id")),
    )
