"""Front: application webhooks (envelope ``{type, authorization: {id}, payload: Event}``).

Signature: ``X-Front-Signature = base64(HMAC-SHA256(signing key, TIMESTAMP + ":" + BODY))``
with ``X-Front-Request-Timestamp`` in milliseconds. Saving the webhook in Front sends a signed
``sync`` request with ``X-Front-Challenge``, which must be echoed back. Front has used two
vocabularies for event types (``inbound`` / ``inbound_received``); both are matched.
"""

from __future__ import annotations

import re

from services.ingest.html_text import body_text
from services.ingest.payload import Fields, load_json_object
from services.ingest.providers.base import (
    Challenge,
    Delivery,
    Ignored,
    Normalised,
    ParseResult,
    Reply,
)
from services.ingest.providers.building import (
    channel_from,
    event_key,
    message_key,
    qualified_user,
)
from services.ingest.pseudonyms import Pseudonyms
from services.ingest.signatures import check_base64, check_fresh, epoch_header, require_header
from shared.events import AuthorRole, Channel, Conversation, InteractionEvent, Message

NAME = "front"
SIGNATURE_HEADER = "X-Front-Signature"
TIMESTAMP_HEADER = "X-Front-Request-Timestamp"
CHALLENGE_HEADER = "X-Front-Challenge"

INBOUND = frozenset({"inbound", "inbound_received"})
OUTBOUND = frozenset({"outbound", "outbound_sent", "out_reply", "outbound_reply"})
COMMENT = frozenset({"comment", "new_comment_added"})
CHANNELS: dict[str, Channel] = {
    "email": Channel.EMAIL, "sms": Channel.SMS, "whatsapp": Channel.MESSAGING,
    "yalo_wha": Channel.MESSAGING, "smooch": Channel.MESSAGING, "intercom": Channel.CHAT,
    "front_chat": Channel.CHAT, "tweet": Channel.SOCIAL, "twitter": Channel.SOCIAL,
    "twitter_dm": Channel.SOCIAL, "facebook": Channel.SOCIAL, "instagram": Channel.SOCIAL,
    "call": Channel.VOICE, "phone_call": Channel.VOICE,
}
_CONTACT_LINK = re.compile(r"/contacts/([A-Za-z0-9_]+)$")


class FrontProvider:
    name = NAME
    success_reply: Reply | None = None

    def __init__(self, pseudonyms: Pseudonyms) -> None:
        self.pseudonyms = pseudonyms

    def verify(self, delivery: Delivery, secret: str, *, now_s: float,
               replay_window_s: float) -> None:
        signature = require_header(delivery.headers, SIGNATURE_HEADER)
        timestamp = require_header(delivery.headers, TIMESTAMP_HEADER)
        check_base64("sha256", secret, timestamp.encode("utf-8") + b":" + delivery.body, signature)
        check_fresh(epoch_header(timestamp, millis=True), now_s, replay_window_s)

    def parse(self, delivery: Delivery) -> ParseResult:
        challenge = delivery.header(CHALLENGE_HEADER)
        if challenge:
            return Challenge(challenge)
        data = load_json_object(delivery.body)
        envelope_type = data.text("type")
        if envelope_type == "sync":
            return [Ignored("sync request without a challenge")]
        account = data.obj("authorization").ident("id")
        payload = data.obj("payload")
        kinds = {envelope_type, payload.opt_text("type") or ""}
        target = payload.obj("target")
        if kinds & COMMENT:
            message, channel = _comment(target.obj("data"), account, payload), Channel.OTHER
        elif kinds & (INBOUND | OUTBOUND):
            message, channel = _message(target.obj("data"), account, payload, self.pseudonyms)
        else:
            return [Ignored(f"{envelope_type} events carry no conversation content")]
        if message is None:
            return [Ignored("the message has no text in the webhook payload")]
        return [Normalised(InteractionEvent(
            event_id=event_key(NAME, payload.ident("id")), provider=NAME, account=account,
            event_type=envelope_type or payload.text("type"),
            occurred_at=payload.opt_time("emitted_at") or message.created_at,
            received_at=delivery.received_at,
            conversation=_conversation(payload.obj("conversation"), account, channel,
                                       self.pseudonyms),
            messages=(message,),
        ))]


def _conversation(conversation: Fields, account: str, channel: Channel,
                  pseudonyms: Pseudonyms) -> Conversation:
    assignee = conversation.opt_obj("assignee")
    recipient = conversation.opt_obj("recipient")
    return Conversation(
        conversation_id=conversation.ident("id"),
        channel=channel,
        subject=conversation.opt_text("subject") or None,
        status=conversation.opt_text("status"),
        assignee_id=qualified_user(NAME, account, assignee.opt_ident("id")) if assignee else None,
        customer_id=(qualified_user(NAME, account, _contact_id(recipient, pseudonyms))
                     if recipient else None),
        tags=tuple(tag.text("name") for tag in conversation.objects("tags")),
    )


def _message(data: Fields, account: str, payload: Fields,
             pseudonyms: Pseudonyms) -> tuple[Message | None, Channel]:
    channel = channel_from(CHANNELS, data.opt_text("type"))
    html, text = data.opt_text("body"), data.opt_text("text") or data.opt_text("blurb")
    body = body_text(html, html=True) if html else body_text(text or "", html=False)
    if not body:
        return None, channel
    conversation_id = payload.obj("conversation").ident("id")
    inbound = data.flag("is_inbound", False)
    author = data.opt_obj("author")
    if inbound:
        sender = next((r for r in data.objects("recipients") if r.opt_text("role") == "from"),
                      None)
        role = AuthorRole.CUSTOMER
        user_id = _contact_id(sender, pseudonyms) if sender else None
    else:
        user_id = author.opt_ident("id") if author else None
        # Outbound with no teammate: an auto-reply rule wrote it.
        role = AuthorRole.AGENT if user_id else AuthorRole.BOT
    return Message(
        message_id=message_key(NAME, account, conversation_id, data.ident("id")),
        author_role=role,
        author_id=qualified_user(NAME, account, user_id),
        body=body,
        public=True,
        created_at=data.time("created_at"),
    ), channel


def _comment(data: Fields, account: str, payload: Fields) -> Message | None:
    body = body_text(data.opt_text("body") or "", html=False)
    if not body:
        return None
    author = data.opt_obj("author")
    return Message(
        message_id=message_key(NAME, account, payload.obj("conversation").ident("id"),
                               data.ident("id")),
        author_role=AuthorRole.AGENT,
        author_id=qualified_user(NAME, account, author.opt_ident("id")) if author else None,
        body=body,
        public=False,
        created_at=data.opt_time("posted_at") or payload.time("emitted_at"),
    )


def _contact_id(recipient: Fields, pseudonyms: Pseudonyms) -> str | None:
    """Front's contact id (``crd_...``) from the recipient's link, else a handle pseudonym."""
    links = recipient.opt_obj("_links")
    related = links.opt_obj("related") if links else None
    link = related.opt_text("contact") if related else None
    if link and (match := _CONTACT_LINK.search(link)):
        return match.group(1)
    handle = recipient.opt_text("handle")
    return pseudonyms(handle) if handle else None
