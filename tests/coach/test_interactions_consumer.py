"""The coach's one consumer of ``support.interactions.v1``, through real Kafka: a conversation's
public texts, its praise and its outcome are written together, in the group
``<coach group>-interactions``, which is the coach's only group on that topic."""

from __future__ import annotations

import time

import pytest
import sqlalchemy as sa
from kafka.admin import KafkaAdminClient

from services.coach.store.calibration_tables import conversation_messages
from services.coach.store.experiment_tables import conversation_outcomes
from services.coach.store.lines_tables import gratitude
from shared.events.topics import INTERACTIONS
from shared.settings import KafkaSettings
from tests.coach.conftest import CoachHarness
from tests.coach.kafka_helpers import produce
from tests.coach.lines_samples import CONVERSATIONS, HIGH_COMMENT, A, interaction_events

pytestmark = pytest.mark.kafka


def rows_of(coach: CoachHarness, table: sa.Table) -> list[sa.Row[object]]:
    with coach.engine.connect() as connection:
        return list(connection.execute(sa.select(table)).all())


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_texts_praise_and_outcomes_arrive_through_one_consumer_group(
        coach: CoachHarness, kafka_settings: KafkaSettings) -> None:
    produce(kafka_settings, kafka_settings.topic(INTERACTIONS), interaction_events())
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # the consumer is asynchronous: poll its tables
        if len(rows_of(coach, conversation_outcomes)) == len(CONVERSATIONS):
            break
        time.sleep(0.2)

    # Written in the same transaction as the outcomes: no waiting for them separately.
    texts = rows_of(coach, conversation_messages)
    praise = rows_of(coach, gratitude)
    assert len(rows_of(coach, conversation_outcomes)) == len(CONVERSATIONS)
    # Every public turn (customer, reply, the customer's answer), never the internal note.
    expected_turns = sum(3 if c.customer_after else 2 for c in CONVERSATIONS)
    assert len(texts) == expected_turns
    assert not any(row.message_id.endswith(":note") for row in texts)
    # Praise only: A's high rating with its comment and A's warm thanks; C's high rating; never
    # B's low or middling ratings nor B's plain "Thanks.".
    assert sorted((row.agent_id, row.kind) for row in praise) == sorted(
        [(A, "rating"), (A, "thanks"), (CONVERSATIONS[3].agent_id, "rating")])
    assert HIGH_COMMENT in {row.customer_words for row in praise}

    # The offsets are committed after the batch's transaction: wait for the commit.
    deadline = time.monotonic() + 30
    groups = groups_reading(coach, kafka_settings)
    while not groups and time.monotonic() < deadline:
        time.sleep(0.2)
        groups = groups_reading(coach, kafka_settings)
    assert groups == {f"{coach.settings.consumer_group}-interactions"}


def groups_reading(coach: CoachHarness, kafka_settings: KafkaSettings) -> set[str]:
    """The coach's consumer groups with offsets committed on the interactions topic."""
    topic = kafka_settings.topic(INTERACTIONS)
    admin = KafkaAdminClient(bootstrap_servers=kafka_settings.bootstrap_servers.split(","))
    try:
        mine = [group["group_id"] for group in admin.list_groups()
                if group["group_id"].startswith(coach.settings.consumer_group)]
        committed = admin.list_group_offsets(dict.fromkeys(mine)) if mine else {}
    finally:
        admin.close()
    return {group for group, offsets in committed.items()
            if any(partition.topic == topic for partition in offsets)}
