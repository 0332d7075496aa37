"""The stream handler: interaction events in, one score event per new public agent reply out.

One poll batch runs as a chain of steps, each durable before the next:

1. **context**: store the batch's visible messages (idempotent on message id), look up which
   agent replies already have a score under this model version, and build the requests for the
   rest from each conversation's stored turns;
2. **score** on the shared inference scheduler, as stream work (live requests go first);
3. **persist** the scores (and the skips, with their reason) before anything is published;
4. **publish** every score not yet acknowledged, wait for ``acks=all``, then mark them published.

The consumer loop commits offsets only after this returns, so a crash replays the batch: a reply
already scored and published is not published again; one scored but not published is published
again with the same event id and payload.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from kafka import KafkaProducer
from sqlalchemy import Engine

from services.scorer import metrics, repository
from services.scorer.conversation_context import (
    VISIBLE_ROLES,
    Skipped,
    is_scorable_candidate,
    load_context,
    requests_for,
)
from services.scorer.inference_scheduler import InferenceScheduler, SchedulerStopped
from services.scorer.metrics import Stage
from services.scorer.repository import MessageRow, ScoreRow, ScoreState
from services.scorer.score_events import build_score_event, score_event_id
from services.scorer.scoring_model import ScoreRequest, ScoreResult
from shared.events import SCORES, InteractionEvent, Message
from shared.events.codec import encode_event
from shared.kafka.consumer import Decoded
from shared.kafka.producer import PublishError, send_bytes, wait_all, wait_settled
from shared.settings import KafkaSettings

log = logging.getLogger(__name__)

Rejection = tuple[Decoded, str]


@dataclass(frozen=True)
class Candidate:
    """A public agent reply of this batch, with where it came from."""

    item: Decoded
    conversation_key: str
    channel: str
    message: Message


@dataclass(frozen=True)
class Publication:
    message_id: str
    agent_id: str
    event_json: str


@dataclass
class BatchOutcome:
    rows: list[ScoreRow]
    publications: list[Publication]
    rejected: list[Rejection]
    duplicates: int = 0


class StreamScorer:
    """The ``handle_batch`` of the scorer's consumer loop."""

    def __init__(
        self,
        *,
        engine: Engine,
        producer: KafkaProducer,
        scheduler: InferenceScheduler,
        kafka: KafkaSettings,
        model_version: str,
        max_history_turns: int,
        now: Callable[[], datetime] = repository.utc_now,
        result_timeout_s: float = 300.0,
    ) -> None:
        self._engine = engine
        self._producer = producer
        self._scheduler = scheduler
        self._kafka = kafka
        self._scores_topic = kafka.topic(SCORES)
        self._model_version = model_version
        self._max_history_turns = max_history_turns
        self._now = now
        # Generous: a poll of 500 replies in fp32 on two cores takes seconds, not minutes.
        self._result_timeout_s = result_timeout_s

    def __call__(self, batch: Sequence[Decoded]) -> list[Rejection]:
        # Each step below is Python-heavy; ``yield_to_live`` lets a practice reply being scored
        # finish first, so the two threads do not fight over the GIL.
        self._scheduler.yield_to_live()
        keyed, rejected = _conversation_keys(batch)
        candidates, repeats = _candidates(keyed)
        with _stage("context"):
            states, planned = self._store_and_plan(keyed, candidates)
        outcome = self._score(candidates, states, planned)
        outcome.rejected[:0] = rejected
        outcome.duplicates += repeats
        self._scheduler.yield_to_live()
        with _stage("persist"), self._engine.begin() as connection:
            repository.record_scores(connection, rows=outcome.rows, at=self._now())
        self._scheduler.yield_to_live()
        with _stage("publish"):
            self._publish(outcome.publications)
        _count(outcome)
        return outcome.rejected

    def _store_and_plan(
        self, keyed: list[tuple[Decoded, str]], candidates: list[Candidate]
    ) -> tuple[dict[str, ScoreState], dict[str, ScoreRequest | Skipped]]:
        with self._engine.begin() as connection:
            repository.store_messages(connection, rows=_message_rows(keyed))
            states = repository.load_score_states(
                connection, model_version=self._model_version,
                message_ids=[c.message.message_id for c in candidates],
            )
            pending = [c for c in candidates if c.message.message_id not in states]
            by_conversation: dict[str, set[str]] = {}
            for candidate in pending:
                by_conversation.setdefault(candidate.conversation_key, set()).add(
                    candidate.message.message_id)
            conversations = load_context(
                lambda windows: repository.load_recent_messages(connection, windows=windows),
                by_conversation, max_history_turns=self._max_history_turns,
            )
        targets: dict[tuple[str, str], set[str]] = {}
        for candidate in pending:
            group = (candidate.conversation_key, candidate.channel)
            targets.setdefault(group, set()).add(candidate.message.message_id)
        planned: dict[str, ScoreRequest | Skipped] = {}
        for (key, channel), message_ids in targets.items():
            planned |= requests_for(conversations.get(key, []), message_ids, channel=channel,
                                    max_history_turns=self._max_history_turns)
        return states, planned

    def _score(
        self,
        candidates: list[Candidate],
        states: dict[str, ScoreState],
        planned: dict[str, ScoreRequest | Skipped],
    ) -> BatchOutcome:
        outcome = BatchOutcome(rows=[], publications=[], rejected=[])
        scorable: list[tuple[Candidate, ScoreRequest]] = []
        for candidate in candidates:
            state = states.get(candidate.message.message_id)
            plan = planned.get(candidate.message.message_id)
            if state is not None:
                self._add_known(outcome, candidate.message.message_id, state)
            elif isinstance(plan, ScoreRequest) and candidate.message.author_id:
                scorable.append((candidate, plan))
            else:
                outcome.rows.append(self._skip_row(candidate, plan))
        futures = self._scheduler.submit_stream([request for _, request in scorable])
        for (candidate, _), future in zip(scorable, futures, strict=True):
            future.exception(timeout=self._result_timeout_s)  # wait for it, without raising
            self._scheduler.yield_to_live()
            self._add_score(outcome, candidate, future)
        return outcome

    def _add_score(self, outcome: BatchOutcome, candidate: Candidate,
                   future: Future[ScoreResult]) -> None:
        message = candidate.message
        try:
            result = future.result(timeout=self._result_timeout_s)
            event = build_score_event(
                result, conversation_key=candidate.conversation_key,
                message_id=message.message_id, agent_id=message.author_id or "",
                channel=candidate.channel, message_at=message.created_at, scored_at=self._now(),
            )
        except (SchedulerStopped, TimeoutError):
            raise  # shutting down or stuck: replay the batch, never dead-letter it
        except Exception as exc:  # this message breaks the model: its record goes to the DLQ
            log.warning("scoring %s failed", message.message_id, exc_info=True)
            if all(item is not candidate.item for item, _ in outcome.rejected):
                reason = f"scoring {message.message_id} failed: {type(exc).__name__}: {exc}"
                outcome.rejected.append((candidate.item, reason))
            return
        metrics.observe_scores(event.model_version,
                               {name: result.score for name, result in event.dimensions.items()},
                               event.overall)
        event_json = encode_event(event).decode("utf-8")
        outcome.rows.append(ScoreRow(
            message_id=message.message_id, model_version=self._model_version,
            event_id=event.event_id, conversation_key=candidate.conversation_key,
            agent_id=event.agent_id, status="scored", event_json=event_json,
        ))
        outcome.publications.append(Publication(message.message_id, event.agent_id, event_json))

    def _add_known(self, outcome: BatchOutcome, message_id: str, state: ScoreState) -> None:
        if state.status == "scored" and not state.published and state.event_json:
            outcome.publications.append(
                Publication(message_id, state.agent_id or "", state.event_json)
            )
        else:
            outcome.duplicates += 1

    def _skip_row(self, candidate: Candidate, plan: ScoreRequest | Skipped | None) -> ScoreRow:
        if isinstance(plan, Skipped):
            reason = plan.reason
        elif not candidate.message.author_id:
            reason = "agent message has no author id"
        else:
            reason = "message not found in its stored conversation"
        return ScoreRow(
            message_id=candidate.message.message_id, model_version=self._model_version,
            event_id=score_event_id(candidate.message.message_id, self._model_version),
            conversation_key=candidate.conversation_key, agent_id=candidate.message.author_id,
            status="skipped", skip_reason=reason,
        )

    def _publish(self, publications: list[Publication]) -> None:
        futures = [
            send_bytes(self._producer, self._scores_topic, key=p.agent_id,
                       value=p.event_json.encode("utf-8"))
            for p in publications
        ]
        try:
            wait_all(futures, timeout_s=self._kafka.produce_timeout_s)
            acknowledged = [True] * len(futures)
        except PublishError:
            # Wait until each send is decided: one that timed out while the broker was away is
            # still retried by the producer and may land later, and the replay of this batch
            # would then publish it a second time.
            log.warning("the broker has not acknowledged %d scores within %.0fs; waiting until "
                        "the producer delivers or fails them", len(futures),
                        self._kafka.produce_timeout_s)
            acknowledged = wait_settled(futures)
        with self._engine.begin() as connection:
            repository.mark_published(connection, model_version=self._model_version,
                                      message_ids=[p.message_id for p, ok
                                                   in zip(publications, acknowledged, strict=True)
                                                   if ok],
                                      at=self._now())
        if not all(acknowledged):
            raise PublishError(f"the broker did not acknowledge {acknowledged.count(False)} of "
                               f"{len(publications)} scores; the batch is replayed")


def _conversation_keys(batch: Sequence[Decoded]) -> tuple[list[tuple[Decoded, str]],
                                                           list[Rejection]]:
    keyed: list[tuple[Decoded, str]] = []
    rejected: list[Rejection] = []
    for item in batch:
        try:
            keyed.append((item, item.event.kafka_key()))
        except ValueError as exc:  # provider/account/conversation id unusable in an id
            rejected.append((item, f"no conversation key: {exc}"))
    return keyed, rejected


def _candidates(keyed: list[tuple[Decoded, str]]) -> tuple[list[Candidate], int]:
    """Public agent replies, each once even when a batch carries it twice; and the repeats."""
    found: dict[str, Candidate] = {}
    repeats = 0
    for item, key in keyed:
        event = _interaction(item)
        for message in event.messages:
            if not is_scorable_candidate(message.author_role.value, message.public):
                continue
            if message.message_id in found:
                repeats += 1
            else:
                found[message.message_id] = Candidate(item, key, event.conversation.channel.value,
                                                      message)
    return list(found.values()), repeats


def _message_rows(keyed: list[tuple[Decoded, str]]) -> list[MessageRow]:
    """What later replies may need as context: visible messages only, never internal notes."""
    rows: dict[str, MessageRow] = {}
    for item, key in keyed:
        event = _interaction(item)
        for message in event.messages:
            if message.public and message.author_role.value in VISIBLE_ROLES:
                rows.setdefault(message.message_id, MessageRow(
                    message_id=message.message_id, conversation_key=key,
                    role=message.author_role.value, public=message.public,
                    author_id=message.author_id, body=message.body,
                    created_at=message.created_at,
                    customer_id=event.conversation.customer_id,
                ))
    return list(rows.values())


def _interaction(item: Decoded) -> InteractionEvent:
    if not isinstance(item.event, InteractionEvent):
        raise TypeError(f"expected an InteractionEvent, got {type(item.event).__name__}")
    return item.event


@contextmanager
def _stage(stage: Stage) -> Iterator[None]:
    started = time.perf_counter()
    try:
        yield
    finally:
        metrics.observe_stage(stage, time.perf_counter() - started)


def _count(outcome: BatchOutcome) -> None:
    skipped = sum(1 for row in outcome.rows if row.status == "skipped")
    metrics.count_messages("scored", len(outcome.publications))
    metrics.count_messages("skipped", skipped)
    metrics.count_messages("duplicate", outcome.duplicates)
    metrics.count_messages("invalid", len(outcome.rejected))
