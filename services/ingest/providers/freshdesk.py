"""Freshdesk: an automation rule's "Trigger webhook" action posting Rapport's body template.

Freshdesk neither signs webhooks nor sends a delivery id. Authentication is the
``X-Rapport-Token`` custom header; the dedupe key is a hash of the rendered content, so
Freshdesk's retries (after 5, 30 and 60 minutes) collapse into one event. One rule per event
(``customer_reply``, ``agent_reply``, ``note_added``, ``ticket_created``) sets the ``event``
field, because the placeholders do not say who wrote the latest comment.
"""

from __future__ import annotations

from services.ingest.html_text import body_text
from services.ingest.payload import Fields, InvalidPayload, load_json_object
from services.ingest.providers.base import Delivery, Ignored, Normalised, ParseResult, Reply
from services.ingest.providers.building import (
    channel_from,
    content_key,
    message_key,
    qualified_user,
    short_hash,
)
from services.ingest.providers.templated import (
    rendered_text,
    require_template,
    verify_token,
)
from services.ingest.pseudonyms import Pseudonyms
from shared.events import AuthorRole, Channel, Conversation, InteractionEvent, Message

NAME = "freshdesk"
TEMPLATE_VERSION = "freshdesk/v1"

BODY_TEMPLATE: dict[str, object] = {
    "rapport_template": TEMPLATE_VERSION,
    "event": "customer_reply",
    "account": "yourcompany",
    "ticket": {
        "id": "{{ticket.id}}",
        "subject": "{{ticket.subject}}",
        "status": "{{ticket.status}}",
        "source": "{{ticket.source}}",
        "tags": "{{ticket.tags}}",
        "agent_email": "{{ticket.agent.email}}",
        "requester_email": "{{ticket.requester.email}}",
        "description": "{{ticket.description}}",
        "latest_public_comment": "{{ticket.latest_public_comment}}",
        "latest_private_comment": "{{ticket.latest_private_comment}}",
    },
}

# event -> (author role, the ticket field holding the text, public?)
EVENTS: dict[str, tuple[AuthorRole, str, bool]] = {
    "ticket_created": (AuthorRole.CUSTOMER, "description", True),
    "customer_reply": (AuthorRole.CUSTOMER, "latest_public_comment", True),
    "agent_reply": (AuthorRole.AGENT, "latest_public_comment", True),
    "note_added": (AuthorRole.AGENT, "latest_private_comment", False),
}
# ``{{ticket.source}}`` renders the name; the API's numeric codes are accepted too.
CHANNELS: dict[str, Channel] = {
    "email": Channel.EMAIL, "1": Channel.EMAIL, "outbound email": Channel.EMAIL,
    "10": Channel.EMAIL, "portal": Channel.WEB_FORM, "2": Channel.WEB_FORM,
    "feedback widget": Channel.WEB_FORM, "9": Channel.WEB_FORM, "phone": Channel.VOICE,
    "3": Channel.VOICE, "chat": Channel.CHAT, "7": Channel.CHAT, "whatsapp": Channel.MESSAGING,
    "facebook": Channel.SOCIAL, "twitter": Channel.SOCIAL, "sms": Channel.SMS,
}


class FreshdeskProvider:
    name = NAME
    success_reply: Reply | None = None

    def __init__(self, pseudonyms: Pseudonyms) -> None:
        self.pseudonyms = pseudonyms

    def verify(self, delivery: Delivery, secret: str, *, now_s: float,
               replay_window_s: float) -> None:
        verify_token(delivery, secret)

    def parse(self, delivery: Delivery) -> ParseResult:
        data = load_json_object(delivery.body)
        require_template(data, TEMPLATE_VERSION)
        event_type = data.text("event")
        if event_type not in EVENTS:
            raise InvalidPayload("event", f"expected one of {', '.join(sorted(EVENTS))}")
        role, text_field, public = EVENTS[event_type]
        account = data.ident("account")
        ticket = data.obj("ticket")
        raw = rendered_text(ticket, text_field)
        body = body_text(raw) if raw else ""
        if not body:
            return [Ignored(f"ticket.{text_field} rendered empty")]
        ticket_id = ticket.ident("id")
        agent = self._person(account, rendered_text(ticket, "agent_email"))
        customer = self._person(account, rendered_text(ticket, "requester_email"))
        message = Message(
            message_id=message_key(NAME, account, ticket_id, f"c-{short_hash(body)}"),
            author_role=role,
            author_id=customer if role is AuthorRole.CUSTOMER else agent,
            body=body,
            public=public,
            created_at=delivery.received_at,  # the placeholders carry no comment timestamp
        )
        return [Normalised(InteractionEvent(
            event_id=content_key(NAME, account, data.data),
            provider=NAME, account=account, event_type=event_type,
            occurred_at=delivery.received_at, received_at=delivery.received_at,
            conversation=Conversation(
                conversation_id=ticket_id,
                channel=channel_from(CHANNELS, rendered_text(ticket, "source")),
                subject=rendered_text(ticket, "subject"),
                status=(rendered_text(ticket, "status") or "").lower() or None,
                assignee_id=agent,
                customer_id=customer,
                tags=_tags(ticket),
            ),
            messages=(message,),
        ))]

    def _person(self, account: str, email: str | None) -> str | None:
        return qualified_user(NAME, account, self.pseudonyms(email)) if email else None


def _tags(ticket: Fields) -> tuple[str, ...]:
    tags = rendered_text(ticket, "tags") or ""
    return tuple(tag.strip() for tag in tags.split(",") if tag.strip())
