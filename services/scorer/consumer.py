"""The scorer's consumer loop: the shared loop, plus decode timing and the lag gauge."""

from __future__ import annotations

from kafka import KafkaConsumer, KafkaProducer

from services.scorer import metrics
from services.scorer.settings import ScorerSettings
from shared.events import INTERACTIONS, InteractionEvent
from shared.kafka.consumer import BatchHandler, ConsumerLoop


class ScorerConsumerLoop(ConsumerLoop):
    """Adds what the scorer's dashboards need; polling, DLQ and commits stay the shared ones."""

    def run_once(self, consumer: KafkaConsumer) -> int:
        count = super().run_once(consumer)
        metrics.CONSUMER_LAG.set(self.stats.lag)
        return count


def _observe_decode(valid: int, invalid: int, seconds: float) -> None:
    metrics.observe_stage("decode", seconds)
    metrics.count_messages("invalid", invalid)


def build_consumer_loop(
    settings: ScorerSettings, *, producer: KafkaProducer, handle_batch: BatchHandler
) -> ConsumerLoop:
    return ScorerConsumerLoop(
        settings=settings.kafka,
        topic=settings.kafka.topic(INTERACTIONS),
        group_id=settings.group_id,
        handle_batch=handle_batch,
        producer=producer,
        event_type=InteractionEvent,
        max_poll_records=settings.max_poll_records,
        on_decoded=_observe_decode,
    )
