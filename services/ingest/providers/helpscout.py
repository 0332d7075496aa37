"""Help Scout: Mailbox webhooks, event name in ``X-HelpScout-Event``, body the bare object.

Signature: ``X-HelpScout-Signature = base64(HMAC-SHA1(secret, raw body))``; no timestamp and no
delivery id, so the dedupe key is (event, conversation id, newest thread id). The payload may
embed the whole thread history: the newest published thread of the announced kind is the news.
Help Scout names no account in the payload: add ``?account=<name>`` to the webhook URL.
"""

from __future__ import annotations

from services.ingest.html_text import body_text
from services.ingest.payload import Fields, InvalidPayload, load_json_object
from services.ingest.providers.base import Delivery, Ignored, Normalised, ParseResult, Reply
from services.ingest.providers.building import (
    account_from_query,
    channel_from,
    event_key,
    message_key,
    qualified_user,
)
from services.ingest.signatures import check_base64, require_header
from shared.events import (
    AuthorRole,
    Channel,
    Conversation,
    InteractionEvent,
    Message,
    Satisfaction,
)

NAME = "helpscout"
SIGNATURE_HEADER = "X-HelpScout-Signature"
EVENT_HEADER = "X-HelpScout-Event"
RATING_EVENT = "satisfaction.ratings"
# Event -> the thread types that event announces.
THREAD_EVENTS: dict[str, frozenset[str]] = {
    "convo.customer.reply.created": frozenset({"customer", "chat", "phone"}),
    "convo.agent.reply.created": frozenset({"message", "chat", "phone"}),
    "convo.note.created": frozenset({"note"}),
    "convo.created": frozenset({"customer", "message", "chat", "phone"}),
}
CHANNELS: dict[str, Channel] = {"email": Channel.EMAIL, "chat": Channel.CHAT,
                                "phone": Channel.VOICE}
RATINGS: dict[str, Satisfaction] = {
    "great": Satisfaction(rating="good", score=1.0),
    "okay": Satisfaction(rating="neutral", score=0.5),
    "not good": Satisfaction(rating="bad", score=0.0),
}
HIDDEN_STATES = frozenset({"draft", "hidden"})


class HelpScoutProvider:
    name = NAME
    success_reply: Reply | None = None

    def verify(self, delivery: Delivery, secret: str, *, now_s: float,
               replay_window_s: float) -> None:
        signature = require_header(delivery.headers, SIGNATURE_HEADER)
        check_base64("sha1", secret, delivery.body, signature)

    def parse(self, delivery: Delivery) -> ParseResult:
        event_type = delivery.header(EVENT_HEADER)
        if not event_type:
            raise InvalidPayload(EVENT_HEADER, "header naming the event is required")
        account = account_from_query(delivery.query)
        data = load_json_object(delivery.body)
        if event_type == RATING_EVENT:
            return _rating(delivery, data, account)
        wanted = THREAD_EVENTS.get(event_type)
        if wanted is None:
            return [Ignored(f"{event_type} carries no conversation content")]
        return _thread_event(delivery, data, account, event_type, wanted)


def _thread_event(delivery: Delivery, data: Fields, account: str, event_type: str,
                  wanted: frozenset[str]) -> ParseResult:
    conversation_id = data.ident("id")
    embedded = data.opt_obj("_embedded")
    threads = [
        thread for thread in (embedded.objects("threads") if embedded else [])
        if thread.opt_text("type") in wanted and thread.opt_text("state") not in HIDDEN_STATES
    ]
    if not threads:
        return [Ignored(f"{event_type} payload has no {'/'.join(sorted(wanted))} thread")]
    newest = max(threads, key=lambda thread: thread.time("createdAt"))
    body = body_text(newest.opt_text("body") or "", html=True)
    if not body:
        return [Ignored("the newest thread has no text")]
    role = _role(newest)
    created_by = newest.opt_obj("createdBy")
    thread_id = newest.ident("id")
    message = Message(
        message_id=message_key(NAME, account, conversation_id, thread_id),
        author_role=role,
        author_id=qualified_user(NAME, account, created_by.opt_ident("id"))
        if created_by else None,
        body=body,
        public=newest.opt_text("type") != "note",
        created_at=newest.time("createdAt"),
    )
    return [Normalised(InteractionEvent(
        event_id=event_key(NAME, account, event_type, conversation_id, thread_id),
        provider=NAME, account=account, event_type=event_type,
        occurred_at=message.created_at, received_at=delivery.received_at,
        conversation=_conversation(data, account, conversation_id),
        messages=(message,),
    ))]


def _role(thread: Fields) -> AuthorRole:
    created_by = thread.opt_obj("createdBy")
    kind = created_by.opt_text("type") if created_by else None
    if kind == "customer":
        return AuthorRole.CUSTOMER
    if kind == "user":
        return AuthorRole.AGENT
    return AuthorRole.CUSTOMER if thread.opt_text("type") == "customer" else AuthorRole.AGENT


def _conversation(data: Fields, account: str, conversation_id: str) -> Conversation:
    assignee = data.opt_obj("assignee")
    customer = data.opt_obj("primaryCustomer") or data.opt_obj("customer")
    return Conversation(
        conversation_id=conversation_id,
        channel=channel_from(CHANNELS, data.opt_text("type")),
        subject=data.opt_text("subject") or None,
        status=data.opt_text("status"),
        assignee_id=qualified_user(NAME, account, assignee.opt_ident("id")) if assignee else None,
        customer_id=qualified_user(NAME, account, customer.opt_ident("id")) if customer else None,
        tags=tuple(tag.opt_text("tag") or tag.text("name") for tag in data.objects("tags")),
    )


def _rating(delivery: Delivery, data: Fields, account: str) -> ParseResult:
    value = (data.text("rating")).strip().lower().replace("-", " ")
    satisfaction = RATINGS.get(value)
    if satisfaction is None:
        raise InvalidPayload("rating", "expected Great, Okay or Not Good")
    conversation = data.opt_obj("conversation")
    conversation_id = data.opt_ident("conversationId") or (
        conversation.ident("id") if conversation else None)
    if conversation_id is None:
        raise InvalidPayload("conversationId", "required conversation id is missing")
    comment = data.opt_text("comments")
    created_at = data.opt_time("createdAt") or delivery.received_at
    user = data.opt_obj("user")
    return [Normalised(InteractionEvent(
        event_id=event_key(NAME, account, RATING_EVENT, data.ident("id")),
        provider=NAME, account=account, event_type=RATING_EVENT,
        occurred_at=created_at, received_at=delivery.received_at,
        conversation=Conversation(
            conversation_id=conversation_id, channel=Channel.OTHER,
            assignee_id=qualified_user(NAME, account, user.opt_ident("id")) if user else None,
            satisfaction=satisfaction.model_copy(update={"comment": comment or None}),
        ),
    ))]
