"""HubSpot: app webhook subscriptions on conversations, batched as a JSON array of events.

Signature v3: ``X-HubSpot-Signature-v3 = base64(HMAC-SHA256(client secret, METHOD + URI + BODY +
TIMESTAMP))``, ``X-HubSpot-Request-Timestamp`` in milliseconds, the URI exactly as HubSpot
called it with a fixed set of percent-escapes decoded. ``conversation.newMessage`` events name
a message but carry no text: parsing yields a ``HubSpotMessageRef`` that the resolver fetches
(``services/ingest/hubspot_api.py``), and ``normalise_message`` turns the answer into an event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.ingest.html_text import body_text
from services.ingest.payload import Fields, InvalidPayload, load_json, parse_instant
from services.ingest.providers.base import (
    Deferred,
    Delivery,
    Ignored,
    Normalised,
    Outcome,
    ParseResult,
    Reply,
)
from services.ingest.providers.building import (
    channel_from,
    event_key,
    message_key,
    qualified_user,
)
from services.ingest.signatures import check_base64, check_fresh, epoch_header, require_header
from shared.events import AuthorRole, Channel, Conversation, InteractionEvent, Message

NAME = "hubspot"
SIGNATURE_HEADER = "X-HubSpot-Signature-v3"
TIMESTAMP_HEADER = "X-HubSpot-Request-Timestamp"
NEW_MESSAGE = "conversation.newMessage"
# HubSpot's v3 recipe decodes exactly these escapes in the URI before signing.
URI_DECODES: tuple[tuple[str, str], ...] = (
    ("%3A", ":"), ("%2F", "/"), ("%3F", "?"), ("%40", "@"), ("%21", "!"), ("%24", "$"),
    ("%27", "'"), ("%28", "("), ("%29", ")"), ("%2A", "*"), ("%2C", ","), ("%3B", ";"),
)
# Actor ids are prefixed by kind: A- agent, V- visitor, E- e-mail sender, B- bot, S- system,
# I- integration.
ACTOR_ROLES: dict[str, AuthorRole] = {
    "A": AuthorRole.AGENT, "V": AuthorRole.CUSTOMER, "E": AuthorRole.CUSTOMER,
    "B": AuthorRole.BOT, "S": AuthorRole.SYSTEM, "I": AuthorRole.SYSTEM,
}
# Conversations inbox channel ids.
CHANNELS: dict[str, Channel] = {
    "1000": Channel.CHAT, "1001": Channel.MESSAGING, "1002": Channel.EMAIL,
    "1003": Channel.WEB_FORM, "1007": Channel.MESSAGING,
}


def decode_uri(uri: str) -> str:
    for escaped, plain in URI_DECODES:
        uri = uri.replace(escaped, plain).replace(escaped.lower(), plain)
    return uri


@dataclass(frozen=True)
class HubSpotMessageRef(Deferred):
    """A ``conversation.newMessage`` event: where to fetch the message it announces."""

    portal_id: str
    thread_id: str
    message_id: str
    message_type: str
    occurred_at: datetime
    received_at: datetime


class HubSpotProvider:
    name = NAME
    success_reply: Reply | None = None

    def verify(self, delivery: Delivery, secret: str, *, now_s: float,
               replay_window_s: float) -> None:
        signature = require_header(delivery.headers, SIGNATURE_HEADER)
        timestamp = require_header(delivery.headers, TIMESTAMP_HEADER)
        prefix = (delivery.method.upper() + decode_uri(delivery.url)).encode("utf-8")
        check_base64("sha256", secret, prefix + delivery.body + timestamp.encode("utf-8"),
                     signature)
        check_fresh(epoch_header(timestamp, millis=True), now_s, replay_window_s)

    def parse(self, delivery: Delivery) -> ParseResult:
        data = load_json(delivery.body)
        if not isinstance(data, list):
            raise InvalidPayload("<body>", "expected a JSON array of events")
        outcomes: list[Outcome] = []
        for index, item in enumerate(data):
            if not isinstance(item, dict):
                raise InvalidPayload(f"[{index}]", "expected an event object")
            outcomes.append(_event(Fields(item, f"[{index}]"), delivery))
        return outcomes or [Ignored("the batch holds no events")]


def _event(event: Fields, delivery: Delivery) -> Outcome:
    subscription = event.text("subscriptionType")
    if subscription != NEW_MESSAGE:
        return Ignored(f"{subscription} carries no conversation content")
    portal = event.ident("portalId")
    return HubSpotMessageRef(
        event_id=event_key(NAME, portal, event.ident("eventId")),
        provider=NAME,
        portal_id=portal,
        thread_id=event.ident("objectId"),
        message_id=event.ident("messageId"),
        message_type=event.opt_text("messageType") or "MESSAGE",
        occurred_at=event.time("occurredAt"),
        received_at=delivery.received_at,
    )


def normalise_message(ref: HubSpotMessageRef, message: Fields) -> Normalised | Ignored:
    """The fetched message (``GET .../threads/{id}/messages/{id}``) as an event."""
    kind = message.opt_text("type") or ref.message_type
    rich = message.opt_text("richText")
    plain = message.opt_text("text")
    body = body_text(plain, html=False) if plain else body_text(rich or "", html=True)
    if not body:
        return Ignored("the message has no text")
    senders = message.objects("senders")
    actor = senders[0].opt_ident("actorId") if senders else None
    role = _role(kind, actor, message.opt_text("direction"))
    created = message.raw("createdAt")
    created_at = parse_instant(created, "createdAt") if created is not None else ref.occurred_at
    account = ref.portal_id
    return Normalised(InteractionEvent(
        event_id=ref.event_id, provider=NAME, account=account, event_type=NEW_MESSAGE,
        occurred_at=ref.occurred_at, received_at=ref.received_at,
        conversation=Conversation(
            conversation_id=ref.thread_id,
            channel=channel_from(CHANNELS, message.opt_ident("channelId")),
        ),
        messages=(Message(
            message_id=message_key(NAME, account, ref.thread_id, ref.message_id),
            author_role=role,
            author_id=qualified_user(NAME, account, actor)
            if role in (AuthorRole.AGENT, AuthorRole.CUSTOMER) else None,
            body=body,
            public=kind != "COMMENT",
            created_at=created_at,
        ),),
    ))


def _role(kind: str, actor: str | None, direction: str | None) -> AuthorRole:
    if kind == "WELCOME_MESSAGE":
        return AuthorRole.BOT
    if kind == "COMMENT":
        return AuthorRole.AGENT
    if actor and "-" in actor and (role := ACTOR_ROLES.get(actor.split("-", 1)[0])):
        return role
    return AuthorRole.CUSTOMER if direction == "INCOMING" else AuthorRole.AGENT
