"""Every metric of the scorer, declared once per process.

- ``rapport_scorer_stage_duration_seconds{stage}``: time per pipeline stage and batch
  (decode, context, tokenize, inference, postprocess, persist, publish).
- ``rapport_scorer_batch_size{queue}`` / ``rapport_scorer_batch_tokens{queue}``: what each model
  call received, for the live and the stream queue.
- ``rapport_scorer_queue_wait_seconds{queue}``: time from submission to the start of the batch.
- ``rapport_scorer_messages_total{outcome}``: agent messages by outcome
  (scored, duplicate, skipped, invalid).
- ``rapport_scorer_consumer_lag{group, topic}``: records behind the end of the assigned
  partitions, per consumer group.
- ``rapport_scorer_score{version, dimension}``: every score the stream computes for a live
  conversation, per rubric dimension and ``overall``, by model version: where drift shows.
- ``rapport_scorer_model_info{version, dtype, device, compiled}``: always 1; joins dashboards to a
  model (``compiled``: whether the encoder runs TorchInductor-compiled, "true"/"false").
- ``rapport_scorer_retention_removed_total{store}``: rows the retention job removed (score_events)
  or blanked (message_bodies).
- ``rapport_scorer_retention_last_success_timestamp_seconds``: when a retention run last finished.

Labels are fixed, small sets created up front (model version: at load): never agent,
conversation or message ids.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from prometheus_client import Counter, Gauge, Histogram, Info

from shared.events.scores import DIMENSIONS

PREFIX = "rapport_scorer"

Stage = Literal["decode", "context", "tokenize", "inference", "postprocess", "persist", "publish"]
STAGES: tuple[Stage, ...] = (
    "decode", "context", "tokenize", "inference", "postprocess", "persist", "publish",
)
Queue = Literal["live", "stream"]
QUEUES: tuple[Queue, ...] = ("live", "stream")
Outcome = Literal["scored", "duplicate", "skipped", "invalid"]
OUTCOMES: tuple[Outcome, ...] = ("scored", "duplicate", "skipped", "invalid")

# Stages run per batch: from ~0.2 ms (decoding a few records) through ~10 ms (one live reply in
# bf16) to seconds (an fp32 batch of 64 on two cores); 1-2.5-5 steps cover four decades.
STAGE_BUCKETS_S = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
                   5.0, 10.0)
# Powers of two up to the largest poll (500 records): batch sizes are configured as such.
BATCH_SIZE_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512)
# A sequence is at most 320 tokens; a batch ranges from one short reply to 64 long ones.
BATCH_TOKEN_BUCKETS = (32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384)
# A live request should start within a few ms and must answer within 50 ms; the stream's
# backlog can wait seconds.
QUEUE_WAIT_BUCKETS_S = (0.001, 0.0025, 0.005, 0.01, 0.02, 0.035, 0.05, 0.1, 0.25, 1.0, 5.0)
# Scores are in [0, 1]; tenths show a shift of the distribution without many series.
SCORE_BUCKETS = (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)
OVERALL = "overall"

STAGE_DURATION = Histogram(
    f"{PREFIX}_stage_duration_seconds", "Duration of one pipeline stage for one batch.",
    ["stage"], buckets=STAGE_BUCKETS_S,
)
BATCH_SIZE = Histogram(
    f"{PREFIX}_batch_size", "Requests per model call.", ["queue"], buckets=BATCH_SIZE_BUCKETS,
)
BATCH_TOKENS = Histogram(
    f"{PREFIX}_batch_tokens", "Estimated sequence tokens per model call.", ["queue"],
    buckets=BATCH_TOKEN_BUCKETS,
)
QUEUE_WAIT = Histogram(
    f"{PREFIX}_queue_wait_seconds", "Time from submission to the start of the model call.",
    ["queue"], buckets=QUEUE_WAIT_BUCKETS_S,
)
MESSAGES = Counter(
    f"{PREFIX}_messages", "Agent messages by outcome.", ["outcome"],
)
CONSUMER_LAG = Gauge(
    f"{PREFIX}_consumer_lag", "Records between the committed position and the end of the "
    "assigned partitions of support.interactions.v1, per consumer group.", ["group", "topic"],
)
SCORES = Histogram(
    f"{PREFIX}_score", "Stream scores by model version and rubric dimension (and overall).",
    ["version", "dimension"], buckets=SCORE_BUCKETS,
)
RETENTION_STORES = ("message_bodies", "score_events")
RETENTION_REMOVED = Counter(
    f"{PREFIX}_retention_removed", "Rows removed (bodies: blanked) by the retention job.",
    ["store"],
)
RETENTION_LAST_SUCCESS = Gauge(
    f"{PREFIX}_retention_last_success_timestamp_seconds",
    "Unix time the retention job last finished a run.",
)
MODEL_INFO = Info(
    f"{PREFIX}_model", "The loaded model: version, dtype, device and whether it is compiled."
)

for _stage in STAGES:
    STAGE_DURATION.labels(_stage)
for _queue in QUEUES:
    BATCH_SIZE.labels(_queue)
    BATCH_TOKENS.labels(_queue)
    QUEUE_WAIT.labels(_queue)
for _outcome in OUTCOMES:
    MESSAGES.labels(_outcome)
for _store in RETENTION_STORES:
    RETENTION_REMOVED.labels(_store)


def observe_stage(stage: Stage, seconds: float) -> None:
    STAGE_DURATION.labels(stage).observe(seconds)


def count_messages(outcome: Outcome, count: int = 1) -> None:
    if count:
        MESSAGES.labels(outcome).inc(count)


def set_model_info(*, version: str, dtype: str, device: str, compiled: bool) -> None:
    MODEL_INFO.info(
        {"version": version, "dtype": dtype, "device": device, "compiled": str(compiled).lower()}
    )
    for dimension in (*DIMENSIONS, OVERALL):
        SCORES.labels(version, dimension)


def observe_scores(version: str, dimensions: Mapping[str, float | None], overall: float) -> None:
    """One scored message; a dimension that does not apply (None) is not counted."""
    for dimension, score in dimensions.items():
        if score is not None:
            SCORES.labels(version, dimension).observe(score)
    SCORES.labels(version, OVERALL).observe(overall)
