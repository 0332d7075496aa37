"""Broker down: senders get a fast 503 with Retry-After; after recovery nothing 2xx'd is lost,
and a delivery retried after its 503 is on the topic once (the 503'd attempt's record, still in the
producer when the answer was due, is either delivered late, making the retry a duplicate, or
released for the retry to publish; never both).

Runs its own broker (the session one is shared), stops it, and starts a new one on the same
ports and data directory, as an operator restarting Kafka would.
"""

from __future__ import annotations

import json
import shutil
import time
import uuid
from collections import Counter
from typing import Any

import httpx
import pytest

from deploy.kafka.launcher import LocalKafka, free_port, temporary_broker
from services.ingest.app import create_app
from shared.kafka.admin import ensure_topics
from shared.settings import KafkaSettings
from tests.ingest.support import (
    fixture,
    ingest_settings,
    read_events,
    serving,
    signed_post_args,
)

pytestmark = [pytest.mark.kafka, pytest.mark.slow]
PUBLISH_TIMEOUT_S = 2.0


def delivery(base_url: str, event_id: str) -> dict[str, Any]:
    document = json.loads(fixture("generic", "delivery").body)
    document["event_id"] = event_id
    document["conversation"]["id"] = f"case-{event_id}"
    return signed_post_args(fixture("generic", "delivery"), base_url,
                            body=json.dumps(document).encode())


def post(http: httpx.Client, base_url: str, event_id: str) -> httpx.Response:
    args = delivery(base_url, event_id)  # signed now: a sender's retry is signed afresh
    return http.post(args["url"], content=args["content"], headers=args["headers"], timeout=30)


def test_broker_outage_gives_503_then_recovers_without_losing_anything(tmp_path: Any) -> None:
    broker, data_dir = temporary_broker(partitions=1)
    restarted: LocalKafka | None = None
    try:
        kafka = KafkaSettings(bootstrap_servers=broker.start(), topic_partitions=1,
                              topic_prefix=f"t{uuid.uuid4().hex[:8]}.")
        ensure_topics(kafka.bootstrap_servers, partitions=1, topic_prefix=kafka.topic_prefix)
        settings = ingest_settings(kafka, f"sqlite:///{tmp_path / 'ingest.db'}",
                                   publish_timeout_s=PUBLISH_TIMEOUT_S)
        accepted: set[str] = set()
        with serving(create_app(settings), free_port()) as base_url, httpx.Client() as http:
            before = post(http, base_url, "before-outage")
            assert before.status_code == 200
            accepted.update(before.json()["accepted"])

            broker.stop()
            started = time.monotonic()
            during = post(http, base_url, "during-outage")
            answered_after_s = time.monotonic() - started
            assert during.status_code == 503, during.text
            # A clear answer within a few seconds, not after the sender's own timeout.
            assert answered_after_s < PUBLISH_TIMEOUT_S + 3, answered_after_s
            assert during.headers["content-type"] == "application/problem+json"
            assert int(during.headers["Retry-After"]) > 0

            restarted = LocalKafka(data_dir=data_dir, port=broker.port,
                                   controller_port=broker.controller_port, partitions=1)
            restarted.start()
            # The sender retries as told; each attempt waits at most the publish timeout.
            deadline = time.monotonic() + 120
            retry = post(http, base_url, "during-outage")
            while retry.status_code == 503 and time.monotonic() < deadline:
                retry = post(http, base_url, "during-outage")
            assert retry.status_code == 200, f"still {retry.status_code} after 120 s: {retry.text}"
            answer = retry.json()
            assert len(answer["accepted"]) + len(answer["duplicates"]) == 1, answer
            accepted.update(answer["accepted"] + answer["duplicates"])
            after = post(http, base_url, "after-outage")
            assert after.status_code == 200
            accepted.update(after.json()["accepted"])

        assert accepted == {f"generic:inhouse-crm:{name}" for name in
                            ("before-outage", "during-outage", "after-outage")}
        # Everything answered 2xx is on the topic, each once: "after-outage" was published last
        # on the topic's one partition, so a second copy of an earlier one would precede it.
        events = read_events(kafka, until=accepted, timeout_s=90)
        published = Counter(event.event_id for event in events)
        assert set(published) == accepted
        assert all(count == 1 for count in published.values()), published
    finally:
        (restarted or broker).stop()
        shutil.rmtree(data_dir, ignore_errors=True)
