"""What a normalised event must satisfy before it is claimed: content the pipeline can carry.

Problems with the content are the sender's to fix, so they are answered 4xx here, before anything
is claimed or published, instead of surfacing later as a broker error (503, retried forever) or a
consumer that cannot process the record:

- a timestamp more than a day ahead of when the delivery arrived (clocks drift, but nobody writes
  from 2150; such a date would outweigh every real score in the coach's recency weighting);
- text no UTF-8 encoder accepts (a surrogate, from a JSON ``\\ud800`` escape or from bytes that
  are not UTF-8);
- an event larger than a Kafka record may be;
- a NUL character, which PostgreSQL cannot store.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from pydantic_core import PydanticSerializationError

from services.ingest.payload import InvalidPayload, lone_surrogate_path
from shared.events import InteractionEvent
from shared.events.codec import encode_event
from shared.kafka.producer import MAX_RECORD_BYTES

MAX_FUTURE_SKEW = timedelta(days=1)


class EventTooLarge(ValueError):
    """The normalised event does not fit in one Kafka record: HTTP 413."""


def check_publishable(event: InteractionEvent) -> None:
    """Raise ``InvalidPayload`` (naming the field) or ``EventTooLarge``; return if publishable."""
    for field, text in _texts(event):
        if "\x00" in text:  # PostgreSQL text cannot hold it: the scorer would dead-letter it
            raise InvalidPayload(field, "text holds a NUL character (U+0000)")
    latest = event.received_at + MAX_FUTURE_SKEW
    for field, moment in _moments(event):
        if moment > latest:
            raise InvalidPayload(field, f"timestamp {moment.isoformat()} is more than a day "
                                        "after the delivery arrived")
    try:
        size = len(encode_event(event))
    except (UnicodeEncodeError, PydanticSerializationError):
        # pydantic reports the UnicodeEncodeError wrapped in its own error. Surrogates also come
        # from bytes that are not UTF-8 (CESU-8's encoded surrogates), which json.loads passes.
        path = lone_surrogate_path(event.model_dump(mode="json"))  # lists, not tuples: walked
        if path is None:
            raise
        raise InvalidPayload(path, "text holds an unpaired UTF-16 surrogate, which is not "
                                   "valid Unicode") from None
    if size > MAX_RECORD_BYTES:
        raise EventTooLarge(f"the normalised event is {size} bytes, over the {MAX_RECORD_BYTES}"
                            "-byte limit of one Kafka record; send fewer or shorter messages")


def _texts(event: InteractionEvent) -> Iterator[tuple[str, str]]:
    conversation = event.conversation
    if conversation.subject:
        yield "conversation.subject", conversation.subject
    if conversation.satisfaction and conversation.satisfaction.comment:
        yield "conversation.satisfaction.comment", conversation.satisfaction.comment
    for index, message in enumerate(event.messages):
        yield f"messages[{index}].body", message.body


def _moments(event: InteractionEvent) -> Iterator[tuple[str, datetime]]:
    yield "occurred_at", event.occurred_at
    for index, message in enumerate(event.messages):
        yield f"messages[{index}].created_at", message.created_at
