"""The consumer loop against a real broker: end to end, DLQ, commit-after-durable, resume."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import UTC, datetime

import pytest
from kafka import KafkaConsumer
from prometheus_client import REGISTRY
from sqlalchemy.exc import OperationalError

from shared.events import INTERACTIONS, SCORES, InteractionEvent, ScoreEvent, dlq_topic
from shared.events.codec import decode_as, encode_event
from shared.events.schemas import example_paths
from shared.kafka.consumer import ConsumerLoop, Decoded
from shared.kafka.dlq import REASON_HEADER, DlqLimitExceeded
from shared.kafka.producer import create_producer, publish_event, send_bytes
from shared.kafka.runner import BackgroundConsumer
from shared.settings import KafkaSettings


def _example_interaction(conversation_id: str) -> InteractionEvent:
    base = decode_as(InteractionEvent, example_paths(INTERACTIONS)[0].read_bytes())
    conversation = base.conversation.model_copy(update={"conversation_id": conversation_id})
    return base.model_copy(
        update={
            "event_id": f"evt-{conversation_id}",
            "conversation": conversation,
            "received_at": datetime.now(UTC),
        }
    )


class Collector:
    """A sink that records what it was handed, and can be told to stop the loop."""

    def __init__(self, loop_holder: list[ConsumerLoop], stop_after: int) -> None:
        self.seen: list[str] = []
        self._loop_holder = loop_holder
        self._stop_after = stop_after
        self.done = threading.Event()

    def __call__(self, batch: Sequence[Decoded]) -> list[tuple[Decoded, str]]:
        self.seen.extend(item.event.event_id for item in batch)
        if len(self.seen) >= self._stop_after:
            self._loop_holder[0].stop()
            self.done.set()
        return []


def _run_loop(settings: KafkaSettings, topic: str, group: str, stop_after: int) -> Collector:
    producer = create_producer(settings)
    holder: list[ConsumerLoop] = []
    collector = Collector(holder, stop_after)
    loop = ConsumerLoop(
        settings=settings,
        topic=topic,
        group_id=group,
        handle_batch=collector,
        producer=producer,
        event_type=InteractionEvent,
    )
    holder.append(loop)
    loop.run()
    producer.close()
    return collector


def test_events_flow_end_to_end_and_a_restart_resumes_after_the_commit(
    kafka_settings: KafkaSettings, unique_name: str
) -> None:
    topic = kafka_settings.topic(INTERACTIONS)
    producer = create_producer(kafka_settings)
    for index in range(5):
        publish_event(producer, topic, _example_interaction(f"c{index}"), timeout_s=30)

    first = _run_loop(kafka_settings, topic, f"g-{unique_name}", stop_after=5)
    assert sorted(first.seen) == [f"evt-c{i}" for i in range(5)]

    for index in range(5, 8):
        publish_event(producer, topic, _example_interaction(f"c{index}"), timeout_s=30)
    producer.close()
    second = _run_loop(kafka_settings, topic, f"g-{unique_name}", stop_after=3)
    # Committed offsets mean the restarted group sees only the three new events.
    assert sorted(second.seen) == ["evt-c5", "evt-c6", "evt-c7"]


def test_a_corrupt_record_goes_to_the_dlq_with_its_reason_and_the_loop_keeps_going(
    kafka_settings: KafkaSettings, unique_name: str
) -> None:
    topic = kafka_settings.topic(INTERACTIONS)
    producer = create_producer(kafka_settings)
    send_bytes(producer, topic, key="k", value=b"{not json").get(timeout=30)
    publish_event(producer, topic, _example_interaction("after"), timeout_s=30)
    producer.close()

    collector = _run_loop(kafka_settings, topic, f"g-{unique_name}", stop_after=1)
    assert collector.seen == ["evt-after"]

    dlq = KafkaConsumer(
        dlq_topic(topic),
        bootstrap_servers=kafka_settings.bootstrap_servers,
        auto_offset_reset="earliest",
        consumer_timeout_ms=20_000,
        group_id=f"dlq-{unique_name}",
    )
    record = next(iter(dlq))
    dlq.close()
    assert record.value == b"{not json"
    headers = dict(record.headers)
    assert b"Invalid JSON" in headers[REASON_HEADER]
    assert headers["rapport.dlq.original_topic"] == topic.encode()
    assert REGISTRY.get_sample_value("rapport_dead_letters_total", {"topic": topic}) == 1


def test_a_bad_deploy_halts_instead_of_draining_the_topic(
    kafka_settings: KafkaSettings, unique_name: str
) -> None:
    settings = kafka_settings.model_copy(update={"dlq_max_consecutive_invalid": 3})
    topic = settings.topic(SCORES)
    producer = create_producer(settings)
    for _ in range(6):
        send_bytes(producer, topic, key="k", value=b'{"schema_version": 99}').get(timeout=30)
    loop = ConsumerLoop(
        settings=settings,
        topic=topic,
        group_id=f"g-{unique_name}",
        handle_batch=lambda batch: [],
        producer=producer,
        event_type=ScoreEvent,
    )
    try:
        with pytest.raises(DlqLimitExceeded, match=r"limit 3"):
            loop.run()
    finally:
        producer.close()
    assert loop.halted_reason is not None
    # Nothing was committed, so a fixed deploy starts again from the first record.
    probe = KafkaConsumer(bootstrap_servers=settings.bootstrap_servers, group_id=f"g-{unique_name}")
    from kafka.structs import TopicPartition

    committed = [probe.committed(TopicPartition(topic, p)) for p in range(3)]
    probe.close()
    assert all(offset is None for offset in committed)


def test_encoded_events_round_trip_through_the_broker_unchanged(
    kafka_settings: KafkaSettings, unique_name: str
) -> None:
    event = _example_interaction("roundtrip")
    topic = kafka_settings.topic(INTERACTIONS)
    producer = create_producer(kafka_settings)
    publish_event(producer, topic, event, timeout_s=30)
    producer.close()
    consumer = KafkaConsumer(
        topic,
        bootstrap_servers=kafka_settings.bootstrap_servers,
        auto_offset_reset="earliest",
        consumer_timeout_ms=20_000,
        group_id=f"rt-{unique_name}",
    )
    record = next(iter(consumer))
    consumer.close()
    assert record.key == event.kafka_key().encode()
    assert record.value == encode_event(event)
    assert decode_as(InteractionEvent, record.value) == event


def test_broker_reachable_tells_a_live_broker_from_a_dead_address(kafka_bootstrap: str) -> None:
    from deploy.kafka.launcher import free_port
    from shared.kafka.admin import broker_reachable

    assert broker_reachable(kafka_bootstrap)
    assert not broker_reachable(f"127.0.0.1:{free_port()}", timeout_s=2)


class FailsOn:
    """A handler that raises for one event (as ``repository._utc`` once did on a year-9999 date
    that the schema let through) and records everything else it processed."""

    def __init__(self, poison_id: str, error: Exception, loop_holder: list[ConsumerLoop],
                 stop_after: int) -> None:
        self.poison_id = poison_id
        self.error = error
        self.processed: list[str] = []
        self.calls = 0
        self._holder = loop_holder
        self._stop_after = stop_after

    def __call__(self, batch: Sequence[Decoded]) -> list[tuple[Decoded, str]]:
        self.calls += 1
        if any(item.event.event_id == self.poison_id for item in batch):
            raise self.error
        self.processed.extend(item.event.event_id for item in batch)
        if len(self.processed) >= self._stop_after:
            self._holder[0].stop()
        return []


def _dlq_reasons(settings: KafkaSettings, topic: str, group: str, count: int) -> list[bytes]:
    dlq = KafkaConsumer(dlq_topic(topic), bootstrap_servers=settings.bootstrap_servers,
                        auto_offset_reset="earliest", consumer_timeout_ms=20_000,
                        group_id=group)
    reasons = []
    for record in dlq:
        reasons.append(dict(record.headers)[REASON_HEADER])
        if len(reasons) == count:
            break
    dlq.close()
    return reasons


def test_a_record_the_handler_cannot_process_is_dead_lettered_and_the_rest_go_on(
    kafka_settings: KafkaSettings, unique_name: str
) -> None:
    topic = kafka_settings.topic(INTERACTIONS)
    producer = create_producer(kafka_settings)
    for name in ("before", "poison", "after-1", "after-2"):
        publish_event(producer, topic, _example_interaction(name), timeout_s=30)
    holder: list[ConsumerLoop] = []
    handler = FailsOn("evt-poison", OverflowError("date value out of range"), holder,
                      stop_after=3)
    loop = ConsumerLoop(settings=kafka_settings, topic=topic, group_id=f"g-{unique_name}",
                        handle_batch=handler, producer=producer, event_type=InteractionEvent)
    holder.append(loop)
    loop.run()  # returns: the loop was never stopped by the poison record
    producer.close()

    assert sorted(handler.processed) == ["evt-after-1", "evt-after-2", "evt-before"]
    assert loop.stats.dead_lettered == 1
    (reason,) = _dlq_reasons(kafka_settings, topic, f"dlq-{unique_name}", 1)
    assert reason == b"processing failed: OverflowError: date value out of range"


def test_a_dependency_failure_replays_the_batch_and_dead_letters_nothing(
    kafka_settings: KafkaSettings, unique_name: str
) -> None:
    topic = kafka_settings.topic(INTERACTIONS)
    producer = create_producer(kafka_settings)
    publish_event(producer, topic, _example_interaction("db-down"), timeout_s=30)
    handler = FailsOn("evt-db-down", OperationalError("SELECT 1", {}, Exception("gone")), [],
                      stop_after=99)
    loop = ConsumerLoop(settings=kafka_settings, topic=topic, group_id=f"g-{unique_name}",
                        handle_batch=handler, producer=producer, event_type=InteractionEvent)
    with pytest.raises(OperationalError):
        loop.run()
    producer.close()
    assert handler.calls == 1  # not retried record by record: the batch is replayed whole
    assert loop.stats.dead_lettered == 0
    assert loop.stats.lag == 1  # the real lag of a loop that cannot advance, not 0


def test_a_consumer_that_keeps_crashing_is_unhealthy_and_reports_its_lag(
    kafka_settings: KafkaSettings, unique_name: str
) -> None:
    topic = kafka_settings.topic(INTERACTIONS)
    producer = create_producer(kafka_settings)
    for index in range(4):
        publish_event(producer, topic, _example_interaction(f"stuck-{index}"), timeout_s=30)
    crashed = threading.Semaphore(0)

    class AlwaysDown:
        def __call__(self, batch: Sequence[Decoded]) -> list[tuple[Decoded, str]]:
            crashed.release()
            raise OperationalError("INSERT", {}, Exception("database is away"))

    runner = BackgroundConsumer(
        lambda: ConsumerLoop(settings=kafka_settings, topic=topic, group_id=f"g-{unique_name}",
                             handle_batch=AlwaysDown(), producer=producer,
                             event_type=InteractionEvent),
        restart_delay_s=0.05, unhealthy_after_crashes=3)
    runner.start()
    try:
        for _ in range(4):  # the fourth handler call means three crashes were recorded
            assert crashed.acquire(timeout=60)
        assert runner.crashes_in_a_row >= 3
        assert not runner.healthy
        assert runner.lag == 4
    finally:
        runner.stop()
        producer.close()


def test_a_dead_letter_reason_is_capped() -> None:
    from shared.kafka.dlq import MAX_REASON_CHARS, _short

    assert _short("short reason") == "short reason"
    long_reason = "processing failed: " + "x" * 5000
    assert len(_short(long_reason)) == MAX_REASON_CHARS
