"""``support.interactions.v1`` -> what the coach keeps of conversations, in one consumer group.

Scores reach the coach without text, so this group (``<coach group>-interactions``) keeps, in one
transaction per poll batch: the public turns' texts (calibration circles and disputes show a
reply with what it answered, ``store/message_texts.py``), the gratitude spotlight's praise
(``workflows/gratitude.py``) and the helpdesk outcomes experiments compare (every rating, low
ones too, and reopens: ``store/outcomes.py``). One group decodes each record once and
dead-letters an undecodable one once; it moves independently of the scores' group, so either
can be replayed alone. Every write is idempotent (keyed by message, or by conversation for
ratings), so the replay after a crash is harmless.
"""

from __future__ import annotations

from collections.abc import Sequence

from kafka import KafkaProducer
from sqlalchemy import Engine

from services.coach.domain.timeutil import utc_now
from services.coach.metrics import GRATITUDE_RECORDED
from services.coach.settings import CoachSettings
from services.coach.store.message_texts import record_messages
from services.coach.store.outcomes import record_outcomes
from services.coach.workflows.gratitude import gratitude_changes, record_gratitude
from shared.events.interactions import InteractionEvent
from shared.events.topics import INTERACTIONS
from shared.kafka.consumer import ConsumerLoop, Decoded


class InteractionsHandler:
    """The consumer's batch handler: texts, praise and outcomes in one transaction."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def __call__(self, batch: Sequence[Decoded]) -> list[tuple[Decoded, str]]:
        events = [item.event for item in batch if isinstance(item.event, InteractionEvent)]
        rejected = [(item, f"expected an InteractionEvent, got {type(item.event).__name__}")
                    for item in batch if not isinstance(item.event, InteractionEvent)]
        changes = gratitude_changes(events)
        with self._engine.begin() as connection:
            record_messages(connection, events)
            record_gratitude(connection, changes)
            record_outcomes(connection, events, now=utc_now())
        for praise in changes.praise.values():
            GRATITUDE_RECORDED.labels(praise.kind).inc()
        return rejected


def interactions_group(settings: CoachSettings) -> str:
    return f"{settings.consumer_group}-interactions"


def make_interactions_loop(settings: CoachSettings, *, producer: KafkaProducer,
                           engine: Engine) -> ConsumerLoop:
    return ConsumerLoop(settings=settings.kafka, topic=settings.kafka.topic(INTERACTIONS),
                        group_id=interactions_group(settings),
                        handle_batch=InteractionsHandler(engine), producer=producer,
                        event_type=InteractionEvent, max_poll_records=settings.max_poll_records)
