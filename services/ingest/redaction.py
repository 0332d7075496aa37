"""Personal data out of message text and ids before anything leaves the ingest service.

Text goes through ``shared.text_redaction`` (the detectors, their order and check digits are
described there). Ids are not free text: an e-mail-shaped conversation, user or event id part,
account or tag becomes a keyed pseudonym (HMAC-SHA256 with ``RAPPORT_INGEST_PSEUDONYM_KEY``,
``pseudonyms.py``), the same one for the same address, so one person stays one agent or
customer without their address in Kafka.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

from services.ingest.pseudonyms import Pseudonyms
from services.ingest.settings import RedactionSettings
from shared.events import InteractionEvent, Message
from shared.text_redaction import (
    AT_SIGNS,
    EMAIL_ADDRESS,
    KINDS,
    PLACEHOLDERS,
    RedactionTooSlow,
    redact_text,
)

__all__ = ["KINDS", "PLACEHOLDERS", "RedactionPolicy", "RedactionTooSlow", "pseudonymised_id",
           "pseudonymised_tag", "redact_event", "redact_text"]


@dataclass(frozen=True)
class RedactionPolicy:
    kinds: frozenset[str]
    # Keyed pseudonyms for e-mail-shaped ids; the development placeholder key unless built from
    # settings (which refuse the placeholder outside development).
    pseudonyms: Pseudonyms = field(default_factory=Pseudonyms)

    @classmethod
    def from_settings(cls, settings: RedactionSettings,
                      pseudonym_key: str | bytes | None = None) -> RedactionPolicy:
        pseudonyms = Pseudonyms.from_secret(pseudonym_key)
        if not settings.enabled:
            return cls(frozenset(), pseudonyms)
        return cls(frozenset(kind for kind in KINDS if getattr(settings, kind)), pseudonyms)

    @classmethod
    def everything(cls, pseudonym_key: bytes | None = None) -> RedactionPolicy:
        return cls(frozenset(KINDS), Pseudonyms.from_secret(pseudonym_key))

    def pseudonym(self, value: str) -> str:
        """The keyed pseudonym of an address (``p-`` and 24 hex digits), stable across case,
        Unicode normal form and surrounding space; a valid id part (``shared.events.ids``)."""
        return self.pseudonyms(value)


def pseudonymised_id(value: str, policy: RedactionPolicy) -> str:
    """A qualified id (``provider:account:local``) with every part that holds an at sign
    replaced by its pseudonym; other parts, and ids without one, are returned as they are."""
    if not any(sign in value for sign in AT_SIGNS[:2]):
        return value
    return ":".join(policy.pseudonym(part) if "@" in part or "\uff20" in part else part
                    for part in value.split(":"))


def pseudonymised_tag(tag: str, policy: RedactionPolicy) -> str:
    """A tag with the addresses in it replaced by their pseudonyms ("vip dana@example.com")."""
    if not any(sign in tag for sign in AT_SIGNS):
        return tag
    return EMAIL_ADDRESS.sub(lambda match: policy.pseudonym(match.group()), tag)


def redact_event(event: InteractionEvent, policy: RedactionPolicy,
                 budget_s: float | None = None) -> InteractionEvent:
    """The event with subject, message bodies and rating comment redacted, e-mail-shaped ids
    and tags pseudonymised (unless e-mail redaction is off); counts in the event.

    ``budget_s`` bounds the whole event's redaction (``RedactionTooSlow`` past it).
    """
    counts: Counter[str] = Counter(event.redactions)
    deadline = None if budget_s is None else time.monotonic() + budget_s
    email_ids = "email" in policy.kinds

    def clean(text: str | None) -> str | None:
        if text is None:
            return None
        cleaned, found = redact_text(text, policy, deadline)
        counts.update(found)
        return cleaned

    def ident(value: str) -> str:
        if not email_ids:
            return value
        replaced = pseudonymised_id(value, policy)
        counts["email"] += replaced != value
        return replaced

    def maybe(value: str | None) -> str | None:
        return None if value is None else ident(value)

    # The models are frozen: a part whose text came out unchanged is shared, not copied.
    conversation = event.conversation
    satisfaction = conversation.satisfaction
    if satisfaction is not None and satisfaction.comment:
        comment = clean(satisfaction.comment)
        if comment != satisfaction.comment:
            satisfaction = satisfaction.model_copy(update={"comment": comment})
    tags = conversation.tags
    if email_ids:
        tags = tuple(pseudonymised_tag(tag, policy) for tag in conversation.tags)
        counts["email"] += sum(new != old for new, old in zip(tags, conversation.tags,
                                                              strict=True))
    conversation_update = {
        "subject": clean(conversation.subject), "satisfaction": satisfaction, "tags": tags,
        "conversation_id": ident(conversation.conversation_id),
        "assignee_id": maybe(conversation.assignee_id),
        "customer_id": maybe(conversation.customer_id),
    }
    if any(getattr(conversation, name) != value for name, value in conversation_update.items()) \
            or satisfaction is not conversation.satisfaction:
        conversation = conversation.model_copy(update=conversation_update)
    messages = tuple(_with(message, body=clean(message.body),
                          message_id=ident(message.message_id), author_id=maybe(message.author_id))
                     for message in event.messages)
    update = {"conversation": conversation, "messages": messages,
              "event_id": ident(event.event_id), "account": ident(event.account)}
    counts = Counter({kind: count for kind, count in counts.items() if count})
    return event.model_copy(update={**update, "redactions": dict(sorted(counts.items()))})


def _with(message: Message, **values: str | None) -> Message:
    if all(getattr(message, name) == value for name, value in values.items()):
        return message
    return message.model_copy(update=values)
