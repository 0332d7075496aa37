"""Any other source: Rapport's canonical delivery schema, signed like Stripe and Chatwoot.

``X-Rapport-Timestamp: <unix seconds>`` and ``X-Rapport-Signature: sha256=<hex
HMAC-SHA256(secret, "{timestamp}.{raw body}")>``. The body is a ``GenericDelivery``; the
sender's ``event_id`` (unique per account) is the idempotency key.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from services.ingest.html_text import body_text
from services.ingest.payload import InvalidPayload, load_json
from services.ingest.providers.base import Delivery, Ignored, Normalised, ParseResult, Reply
from services.ingest.providers.building import event_key, message_key, qualified_user
from services.ingest.signatures import check_dotted_timestamp
from shared.events import (
    AuthorRole,
    Channel,
    Conversation,
    InteractionEvent,
    Message,
    Satisfaction,
)
from shared.events.moments import in_supported_range

NAME = "generic"
SCHEMA_VERSION = "rapport.delivery/v1"
SIGNATURE_HEADER = "X-Rapport-Signature"
TIMESTAMP_HEADER = "X-Rapport-Timestamp"

Id = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.@\-]{1,200}$")]
# The event schema's range, checked here so the refusal names the sender's field.
Moment = Annotated[AwareDatetime, AfterValidator(in_supported_range)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class GenericMessage(_Strict):
    id: Id
    author_role: AuthorRole
    author_id: Id | None = None
    body: str
    body_format: Literal["text", "html"] = "text"
    public: bool = True
    created_at: Moment


class GenericConversation(_Strict):
    id: Id
    channel: Channel
    subject: str | None = None
    status: str | None = None
    language: str | None = None
    assignee_id: Id | None = None
    customer_id: Id | None = None
    tags: tuple[str, ...] = ()
    satisfaction: Satisfaction | None = None


class GenericDelivery(_Strict):
    """The canonical schema, documented in ``docs/ingest/setup.md``."""

    schema_version: Literal["rapport.delivery/v1"] = Field(alias="schema")
    event_id: Id
    account: Id
    event_type: str = Field(min_length=1, max_length=200)
    occurred_at: Moment
    conversation: GenericConversation
    messages: tuple[GenericMessage, ...] = Field(default=(), max_length=500)


class GenericProvider:
    name = NAME
    success_reply: Reply | None = None

    def verify(self, delivery: Delivery, secret: str, *, now_s: float,
               replay_window_s: float) -> None:
        check_dotted_timestamp(delivery.headers, delivery.body, secret,
                               signature_header=SIGNATURE_HEADER,
                               timestamp_header=TIMESTAMP_HEADER, now_s=now_s,
                               window_s=replay_window_s)

    def parse(self, delivery: Delivery) -> ParseResult:
        data = load_json(delivery.body)
        try:
            sent = GenericDelivery.model_validate(data)
        except ValidationError as exc:
            error = exc.errors(include_input=False, include_url=False)[0]
            field = ".".join(str(part) for part in error["loc"]) or "<body>"
            raise InvalidPayload(field, error["msg"]) from None
        account, conversation = sent.account, sent.conversation
        messages = tuple(
            Message(
                message_id=message_key(NAME, account, conversation.id, message.id),
                author_role=message.author_role,
                author_id=qualified_user(NAME, account, message.author_id),
                body=body_text(message.body, html=message.body_format == "html"),
                public=message.public,
                created_at=message.created_at,
            )
            for message in sent.messages
        )
        if not any(message.body for message in messages) and conversation.satisfaction is None:
            return [Ignored("the delivery carries no message text and no rating")]
        return [Normalised(InteractionEvent(
            event_id=event_key(NAME, account, sent.event_id), provider=NAME, account=account,
            event_type=sent.event_type, occurred_at=sent.occurred_at,
            received_at=delivery.received_at,
            conversation=Conversation(
                conversation_id=conversation.id, channel=conversation.channel,
                subject=conversation.subject, status=conversation.status,
                language=conversation.language,
                assignee_id=qualified_user(NAME, account, conversation.assignee_id),
                customer_id=qualified_user(NAME, account, conversation.customer_id),
                tags=conversation.tags, satisfaction=conversation.satisfaction,
            ),
            messages=tuple(message for message in messages if message.body),
        ))]
