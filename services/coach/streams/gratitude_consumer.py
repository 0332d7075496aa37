"""``support.interactions.v1`` -> the gratitude spotlight, in a consumer group of its own.

Its own group (``<coach group>-gratitude``), so praise and the conversation texts move
independently and either can be replayed alone. One transaction per poll batch; the changes
are idempotent (keyed by conversation for ratings, by message for thanks), so the replay after a
crash is harmless.
"""

from __future__ import annotations

from collections.abc import Sequence

from kafka import KafkaProducer
from sqlalchemy import Engine

from services.coach.domain.timeutil import utc_now
from services.coach.metrics import GRATITUDE_RECORDED
from services.coach.settings import CoachSettings
from services.coach.store.outcomes import record_outcomes
from services.coach.workflows.gratitude import gratitude_changes, record_gratitude
from shared.events.interactions import InteractionEvent
from shared.events.topics import INTERACTIONS
from shared.kafka.consumer import ConsumerLoop, Decoded


class GratitudeHandler:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def __call__(self, batch: Sequence[Decoded]) -> list[tuple[Decoded, str]]:
        events = [item.event for item in batch if isinstance(item.event, InteractionEvent)]
        rejected = [(item, f"expected an InteractionEvent, got {type(item.event).__name__}")
                    for item in batch if not isinstance(item.event, InteractionEvent)]
        changes = gratitude_changes(events)
        with self._engine.begin() as connection:
            record_gratitude(connection, changes)
            # Every rating (low ones too) and reopens, for experiments (outcomes.py).
            record_outcomes(connection, events, now=utc_now())
        for praise in changes.praise.values():
            GRATITUDE_RECORDED.labels(praise.kind).inc()
        return rejected


def gratitude_group(settings: CoachSettings) -> str:
    return f"{settings.consumer_group}-gratitude"


def make_gratitude_loop(settings: CoachSettings, *, producer: KafkaProducer,
                        engine: Engine) -> ConsumerLoop:
    return ConsumerLoop(settings=settings.kafka, topic=settings.kafka.topic(INTERACTIONS),
                        group_id=gratitude_group(settings), handle_batch=GratitudeHandler(engine),
                        producer=producer, event_type=InteractionEvent,
                        max_poll_records=settings.max_poll_records)
