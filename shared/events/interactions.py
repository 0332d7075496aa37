"""``support.interactions.v1``: one normalised event per helpdesk delivery."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import Field

from shared.events.base import Event, EventModel
from shared.events.ids import conversation_key
from shared.events.moments import EventTime


class Channel(StrEnum):
    EMAIL = "email"
    CHAT = "chat"
    MESSAGING = "messaging"
    VOICE = "voice"
    SOCIAL = "social"
    SMS = "sms"
    WEB_FORM = "web_form"
    OTHER = "other"


class AuthorRole(StrEnum):
    AGENT = "agent"
    CUSTOMER = "customer"
    BOT = "bot"
    SYSTEM = "system"


class Satisfaction(EventModel):
    rating: Literal["good", "bad", "neutral"]
    score: float | None = Field(default=None, ge=0, le=1, description="Normalised to [0,1].")
    comment: str | None = None


class Conversation(EventModel):
    conversation_id: str = Field(min_length=1)
    channel: Channel
    subject: str | None = None
    status: str | None = None
    language: str | None = None
    assignee_id: str | None = Field(default=None, description="Qualified agent id, if assigned.")
    customer_id: str | None = Field(default=None, description="Qualified customer id.")
    tags: tuple[str, ...] = ()
    satisfaction: Satisfaction | None = None


class Message(EventModel):
    message_id: str = Field(min_length=1)
    author_role: AuthorRole
    author_id: str | None = Field(
        default=None, description="Qualified id '{provider}:{account}:{provider_user_id}'."
    )
    body: str = Field(description="Plain text, HTML stripped, personal data redacted.")
    public: bool = True
    created_at: EventTime


class InteractionEvent(Event):
    schema_version: Literal[1] = 1
    event_id: str = Field(min_length=1, description="Provider delivery/event id; dedupe key.")
    provider: str = Field(min_length=1)
    account: str = Field(min_length=1)
    event_type: str = Field(min_length=1, description="The provider's own event name.")
    occurred_at: EventTime
    received_at: EventTime
    conversation: Conversation
    messages: tuple[Message, ...] = ()
    redactions: dict[str, int] = Field(
        default_factory=dict, description="Personal data replaced, by type."
    )

    def kafka_key(self) -> str:
        return conversation_key(self.provider, self.account, self.conversation.conversation_id)
