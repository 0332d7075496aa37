"""The gratitude spotlight's pure parts: the warm-thanks rule and what a batch of events keeps."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from deploy.sample.replay import GRATITUDE_TRAFFIC
from services.coach.domain.thanks import is_warm_thanks
from services.coach.workflows.gratitude import gratitude_changes, rating_id
from services.ingest.delivery_files import load_deliveries
from services.ingest.providers.base import Delivery, Normalised
from services.ingest.providers.generic import GenericProvider
from shared.events.interactions import Satisfaction
from tests.coach.lines_samples import (
    CONVERSATIONS,
    HIGH_COMMENT,
    WARM_THANKS,
    A,
    interaction_event,
    interaction_events,
)


@pytest.mark.parametrize("text", [
    WARM_THANKS,
    "Thanks a lot for sorting this out so quickly",
    "I really appreciate you staying on the line with me.",
    "You went above and beyond, thank you.",
    "Many thanks, that made my day",
    "Thank you thank you!",
    "You were so patient with me.",
    "Honestly a lifesaver, cheers",
])
def test_warm_thanks_are_recognised(text: str) -> None:
    assert is_warm_thanks(text)


@pytest.mark.parametrize("text", [
    "Thanks.",  # polite, not warm
    "ok thx",
    "Thanks, I really need this fixed today.",  # the "really" is not about the thanks
    "Thanks for nothing.",
    "Thanks a lot, but it is still broken.",
    "Sure you did. Thanks a lot.",
    "Thank you so much in advance for looking into it.",  # nothing done yet
    "This is unacceptable, thanks a lot.",
    "",
])
def test_plain_sarcastic_or_unhappy_messages_are_not_warm_thanks(text: str) -> None:
    assert not is_warm_thanks(text)


def test_a_batch_keeps_high_ratings_and_warm_thanks_and_withdraws_the_rest() -> None:
    changes = gratitude_changes(interaction_events())

    kinds = {(p.kind, p.agent_id, p.customer_words) for p in changes.praise.values()}
    assert kinds == {("thanks", A, WARM_THANKS), ("rating", A, HIGH_COMMENT),
                     ("rating", "zendesk:2:agent-c", "Quick refund, thanks")}
    # The bad and the neutral ratings are withdrawn (a rating lowered loses its praise).
    assert changes.withdrawn == {rating_id("zendesk:1:c2"), rating_id("zendesk:1:c3")}
    thanks = next(p for p in changes.praise.values() if p.kind == "thanks")
    assert thanks.gratitude_id == "thanks:zendesk:1:c1:t1"
    assert thanks.customer_id == "zendesk:1:cust-1"


def test_a_rating_lowered_later_in_the_batch_replaces_the_praise() -> None:
    first = interaction_event(CONVERSATIONS[0])
    lowered = first.model_copy(update={
        "event_id": "zendesk:1:evt-1b", "messages": (),
        "occurred_at": first.occurred_at + timedelta(hours=1),
        "conversation": first.conversation.model_copy(update={
            "satisfaction": Satisfaction(rating="bad", score=0.25, comment="Changed my mind")})})

    changes = gratitude_changes([first, lowered])

    assert rating_id("zendesk:1:c1") not in changes.praise
    assert rating_id("zendesk:1:c1") in changes.withdrawn
    assert {p.kind for p in changes.praise.values()} == {"thanks"}  # the thanks stays


def test_a_good_rating_below_the_high_mark_is_not_praise() -> None:
    event = interaction_event(CONVERSATIONS[0])
    scaled = event.model_copy(update={"messages": (), "conversation": event.conversation.model_copy(
        update={"satisfaction": Satisfaction(rating="good", score=0.7)})})
    assert gratitude_changes([scaled]).praise == {}


def test_the_sample_traffic_holds_praise_for_the_spotlight_and_low_ratings_it_never_shows(
) -> None:
    """``make up`` replays deploy/sample/gratitude after the chat team's conversations."""
    events = []
    for recorded in load_deliveries(GRATITUDE_TRAFFIC):
        delivery = Delivery(provider=recorded.provider, method="POST", url=recorded.path(),
                            headers=recorded.headers, query=recorded.query, body=recorded.body,
                            received_at=datetime(2026, 12, 1, tzinfo=UTC))
        events.extend(result.event for result in GenericProvider().parse(delivery)
                      if isinstance(result, Normalised))
    changes = gratitude_changes(events)

    ben = "generic:sample-chat-team:agent-32"
    assert sorted((p.kind, p.agent_id, p.customer_words or "") for p in changes.praise.values()) \
        == sorted([("rating", ben, "Ben was so kind about my son's birthday present. Thank you!"),
                   ("thanks", ben, "Thank you so much for listening, you have been really kind "
                                   "about all this."),
                   ("rating", ben, "Friendly and patient, thanks.")])
    assert len(changes.withdrawn) == 3  # Ada's and Dev's low ratings, Cleo's middling one
