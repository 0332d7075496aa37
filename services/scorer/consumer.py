"""The scorer's consumer loop: the shared loop, plus decode timing for the dashboards."""

from __future__ import annotations

from kafka import KafkaProducer

from services.scorer import metrics
from services.scorer.settings import ScorerSettings
from shared.events import INTERACTIONS, InteractionEvent
from shared.kafka.consumer import BatchHandler, ConsumerLoop


def _observe_decode(valid: int, invalid: int, seconds: float) -> None:
    metrics.observe_stage("decode", seconds)
    metrics.count_messages("invalid", invalid)


def build_consumer_loop(
    settings: ScorerSettings, *, producer: KafkaProducer, handle_batch: BatchHandler
) -> ConsumerLoop:
    return ConsumerLoop(
        settings=settings.kafka,
        topic=settings.kafka.topic(INTERACTIONS),
        group_id=settings.group_id,
        handle_batch=handle_batch,
        producer=producer,
        event_type=InteractionEvent,
        max_poll_records=settings.max_poll_records,
        on_decoded=_observe_decode,
    )
