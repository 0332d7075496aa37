"""The publisher's start-up metadata fetch outlasts one slow answer, and names what never came.

A broker under load can take longer than one send may wait (the publish timeout) to list a topic
created a moment ago; the ingest app then failed to start at all (CI, stop 22). The producer here
is a scripted double: the retry is the publisher's logic, not the broker's, and a real broker
cannot be made slow on cue (``test_broker_outage`` covers the real one going away).
"""

from __future__ import annotations

from typing import Any

import pytest
from kafka.errors import KafkaTimeoutError

from services.ingest.publisher import EventPublisher, KafkaStartTimeout


class SlowMetadataProducer:
    """Times out on the first ``slow_answers`` metadata fetches, then lists the partitions."""

    def __init__(self, slow_answers: int) -> None:
        self.config: dict[str, Any] = {"bootstrap_servers": "127.0.0.1:9092"}
        self.slow_answers = slow_answers
        self.fetches = 0

    def partitions_for(self, topic: str) -> set[int]:
        self.fetches += 1
        if self.fetches <= self.slow_answers:
            raise KafkaTimeoutError("Failed to update metadata after 3.0 secs.")
        return {0, 1, 2}


def publisher_over(producer: SlowMetadataProducer) -> EventPublisher:
    return EventPublisher(producer, "support.interactions.v1", timeout_s=3.0)


def test_a_slow_first_metadata_answer_is_tried_again_within_the_budget() -> None:
    producer = SlowMetadataProducer(slow_answers=2)
    publisher_over(producer).warm_up(within_s=60)
    assert producer.fetches == 3


def test_metadata_that_never_comes_fails_the_start_naming_broker_and_topic() -> None:
    producer = SlowMetadataProducer(slow_answers=10**6)
    with pytest.raises(KafkaStartTimeout) as failure:
        publisher_over(producer).warm_up(within_s=0)
    message = str(failure.value)
    assert "127.0.0.1:9092" in message
    assert "'support.interactions.v1'" in message
    assert "(1 tries)" in message
    assert producer.fetches == 1
