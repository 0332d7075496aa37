"""``support.scores.v1`` -> skill profiles, then the week's drills for agents who have none.

The handler makes the profile update durable (one transaction per poll batch) before it returns,
as ``ConsumerLoop`` requires. Assignment runs afterwards for every agent in the batch, including
agents whose events were duplicates: after a crash between the two steps the replay finds the
events applied but still gives those agents their drills.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Collection, Sequence
from datetime import datetime, timedelta

from kafka import KafkaProducer
from sqlalchemy import Engine

from services.coach.domain.timeutil import Clock, as_utc
from services.coach.metrics import (
    ASSIGNMENT_RUN_FAILURES,
    PROFILE_UPDATES,
    SCORE_EVENTS,
)
from services.coach.settings import CoachSettings
from services.coach.store.profile_store import apply_score_events
from shared.events.ids import parse_agent_id
from shared.events.scores import ScoreEvent
from shared.events.topics import SCORES
from shared.kafka.consumer import BatchHandler, ConsumerLoop, Decoded

log = logging.getLogger(__name__)

# Clocks drift; a reply a day ahead of the coach's clock is still a reply.
MAX_FUTURE_SKEW = timedelta(days=1)

AfterBatch = Callable[[Collection[str]], object]


class ScoreBatchHandler:
    def __init__(self, *, engine: Engine, half_life_s: float, clock: Clock,
                 after_batch: AfterBatch | None = None) -> None:
        self._engine = engine
        self._half_life_s = half_life_s
        self._clock = clock
        self._after_batch = after_batch
        self._progress = threading.Condition()
        self.seen = 0  # events handled (applied, duplicate or rejected) since start

    def __call__(self, batch: Sequence[Decoded]) -> list[tuple[Decoded, str]]:
        now = self._clock()
        accepted, rejected = _partition(batch, latest=now + MAX_FUTURE_SKEW)
        events = [item.event for item in accepted if isinstance(item.event, ScoreEvent)]
        with self._engine.begin() as connection:
            outcome = apply_score_events(connection, events, half_life_s=self._half_life_s,
                                         now=now)
        SCORE_EVENTS.labels("applied").inc(outcome.applied)
        SCORE_EVENTS.labels("duplicate").inc(outcome.duplicates)
        SCORE_EVENTS.labels("rejected").inc(len(rejected))
        PROFILE_UPDATES.inc(outcome.rows_updated)
        if self._after_batch is not None and events:
            _run_after_batch(self._after_batch, {event.agent_id for event in events})
        with self._progress:
            self.seen += len(batch)
            self._progress.notify_all()
        return rejected

    def wait_for(self, count: int, timeout_s: float) -> bool:
        """Block until ``count`` events were handled (tests and the benchmark)."""
        with self._progress:
            return self._progress.wait_for(lambda: self.seen >= count, timeout=timeout_s)


def _run_after_batch(after_batch: AfterBatch, agent_ids: Collection[str]) -> None:
    # The profiles are durable; a failed assignment run is retried with the agent's next batch
    # (or the admin endpoint), so it must not stop profiles from updating meanwhile.
    try:
        after_batch(agent_ids)
    except Exception:
        ASSIGNMENT_RUN_FAILURES.inc()
        log.exception("assignment run after a profile batch failed")


def _partition(batch: Sequence[Decoded], *, latest: datetime
               ) -> tuple[list[Decoded], list[tuple[Decoded, str]]]:
    accepted: list[Decoded] = []
    rejected: list[tuple[Decoded, str]] = []
    for item in batch:
        if not isinstance(item.event, ScoreEvent):
            rejected.append((item, f"expected a ScoreEvent, got {type(item.event).__name__}"))
            continue
        if as_utc(item.event.message_at) > latest:
            # Recency weights grow with a date's distance ahead: one reply "from 2090" would
            # outweigh every real score of its agent and team for decades.
            rejected.append((item, f"message_at {item.event.message_at.isoformat()} lies in "
                                   "the future"))
            continue
        try:
            parse_agent_id(item.event.agent_id)
        except ValueError as exc:
            rejected.append((item, str(exc)))
            continue
        accepted.append(item)
    return accepted, rejected


def make_score_loop(settings: CoachSettings, *, producer: KafkaProducer,
                    handler: BatchHandler) -> ConsumerLoop:
    return ConsumerLoop(settings=settings.kafka, topic=settings.kafka.topic(SCORES),
                        group_id=settings.consumer_group, handle_batch=handler,
                        producer=producer, event_type=ScoreEvent,
                        max_poll_records=settings.max_poll_records)
