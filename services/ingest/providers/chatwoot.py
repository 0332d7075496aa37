"""Chatwoot: account webhooks (``message_created`` and friends).

Signature (Chatwoot versions that sign): ``X-Chatwoot-Signature: sha256=<hex HMAC-SHA256(secret,
"{X-Chatwoot-Timestamp}.{raw body}")>`` with the timestamp in Unix seconds. Chatwoot delivers an
account webhook once, with a 5 s timeout, and never retries: a 503 from us is a lost message on
their side, which is why the produce timeout is short and the broker must be healthy.
"""

from __future__ import annotations

from services.ingest.html_text import body_text
from services.ingest.payload import Fields, is_valid_id, load_json_object
from services.ingest.providers.base import Delivery, Ignored, Normalised, ParseResult, Reply
from services.ingest.providers.building import (
    channel_from,
    event_key,
    message_key,
    qualified_user,
    rating_from_scale,
)
from services.ingest.signatures import check_dotted_timestamp
from shared.events import (
    AuthorRole,
    Channel,
    Conversation,
    InteractionEvent,
    Message,
    Satisfaction,
)

NAME = "chatwoot"
SIGNATURE_HEADER = "X-Chatwoot-Signature"
TIMESTAMP_HEADER = "X-Chatwoot-Timestamp"
DELIVERY_HEADER = "X-Chatwoot-Delivery"
# The REST API sends message_type as a number, webhooks as a word; accept both.
MESSAGE_TYPES = {0: "incoming", 1: "outgoing", 2: "activity", 3: "template"}
CHANNELS: dict[str, Channel] = {
    "channel::webwidget": Channel.CHAT, "channel::email": Channel.EMAIL,
    "channel::whatsapp": Channel.MESSAGING, "channel::telegram": Channel.MESSAGING,
    "channel::line": Channel.MESSAGING, "channel::facebookpage": Channel.SOCIAL,
    "channel::twitterprofile": Channel.SOCIAL, "channel::instagram": Channel.SOCIAL,
    "channel::sms": Channel.SMS, "channel::twiliosms": Channel.SMS, "channel::voice": Channel.VOICE,
    "channel::api": Channel.OTHER,
}


class ChatwootProvider:
    name = NAME
    success_reply: Reply | None = None

    def verify(self, delivery: Delivery, secret: str, *, now_s: float,
               replay_window_s: float) -> None:
        check_dotted_timestamp(delivery.headers, delivery.body, secret,
                               signature_header=SIGNATURE_HEADER,
                               timestamp_header=TIMESTAMP_HEADER, now_s=now_s,
                               window_s=replay_window_s)

    def parse(self, delivery: Delivery) -> ParseResult:
        data = load_json_object(delivery.body)
        event_type = data.text("event")
        if event_type == "message_created":
            return _message_created(delivery, data)
        if event_type == "message_updated" and _csat(data) is not None:
            return _rating(delivery, data)
        return [Ignored(f"{event_type} carries no new conversation content")]


def _message_type(data: Fields) -> str:
    raw = data.raw("message_type")
    if isinstance(raw, bool):
        return ""
    return MESSAGE_TYPES.get(raw, "") if isinstance(raw, int) else str(raw or "")


def _message_created(delivery: Delivery, data: Fields) -> ParseResult:
    kind = _message_type(data)
    if kind not in {"incoming", "outgoing", "template"}:
        return [Ignored(f"{kind or 'untyped'} messages are system notices")]
    body = body_text(data.opt_text("content") or "")
    if not body:
        return [Ignored("the message has no text")]
    account = data.obj("account").ident("id")
    conversation = data.obj("conversation")
    conversation_id = conversation.ident("id")
    sender = data.opt_obj("sender")
    role = _role(kind, sender.opt_text("type") if sender else None)
    message = Message(
        message_id=message_key(NAME, account, conversation_id, data.ident("id")),
        author_role=role,
        author_id=qualified_user(NAME, account, sender.opt_ident("id"))
        if sender and role in (AuthorRole.AGENT, AuthorRole.CUSTOMER) else None,
        body=body,
        public=not data.flag("private", False),
        created_at=data.time("created_at"),
    )
    return [Normalised(InteractionEvent(
        event_id=_event_id(delivery, account, "message_created", data.ident("id")),
        provider=NAME, account=account, event_type="message_created",
        occurred_at=message.created_at, received_at=delivery.received_at,
        conversation=_conversation(conversation, account),
        messages=(message,),
    ))]


def _role(kind: str, sender_type: str | None) -> AuthorRole:
    if kind == "incoming":
        return AuthorRole.CUSTOMER
    if kind == "outgoing" and (sender_type or "").lower() == "user":
        return AuthorRole.AGENT
    return AuthorRole.BOT  # templates, agent bots, automation replies


def _event_id(delivery: Delivery, account: str, event_type: str, local: str) -> str:
    delivery_id = delivery.header(DELIVERY_HEADER)
    if delivery_id and is_valid_id(delivery_id):
        return event_key(NAME, delivery_id)
    return event_key(NAME, account, event_type, local)


def _conversation(conversation: Fields, account: str) -> Conversation:
    meta = conversation.opt_obj("meta")
    assignee = meta.opt_obj("assignee") if meta else None
    customer = meta.opt_obj("sender") if meta else None
    return Conversation(
        conversation_id=conversation.ident("id"),
        channel=channel_from(CHANNELS, conversation.opt_text("channel")),
        status=conversation.opt_text("status"),
        assignee_id=qualified_user(NAME, account, assignee.opt_ident("id")) if assignee else None,
        customer_id=qualified_user(NAME, account, customer.opt_ident("id")) if customer else None,
        tags=conversation.strings("labels"),
    )


def _csat(data: Fields) -> Fields | None:
    if data.opt_text("content_type") != "input_csat":
        return None
    attributes = data.opt_obj("content_attributes")
    submitted = attributes.opt_obj("submitted_values") if attributes else None
    return submitted.opt_obj("csat_survey_response") if submitted else None


def _rating(delivery: Delivery, data: Fields) -> ParseResult:
    response = _csat(data)
    assert response is not None  # checked by the caller
    value = response.number("rating")
    if value is None:
        return [Ignored("the satisfaction survey has no rating yet")]
    account = data.obj("account").ident("id")
    conversation = _conversation(data.obj("conversation"), account)
    satisfaction: Satisfaction = rating_from_scale(
        value, low=1, high=5, comment=response.opt_text("feedback_message"))
    occurred_at = data.opt_time("updated_at") or data.time("created_at")
    return [Normalised(InteractionEvent(
        event_id=_event_id(delivery, account, "csat", data.ident("id")),
        provider=NAME, account=account, event_type="message_updated",
        occurred_at=occurred_at, received_at=delivery.received_at,
        conversation=conversation.model_copy(update={"satisfaction": satisfaction}),
    ))]
