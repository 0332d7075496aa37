"""Every metric of the scorer, declared once per process.

- ``rapport_scorer_stage_duration_seconds{stage}``: time per pipeline stage and batch
  (decode, context, tokenize, inference, postprocess, persist, publish).
- ``rapport_scorer_batch_size{queue}`` / ``rapport_scorer_batch_tokens{queue}``: what each model
  call received, for the live and the stream queue.
- ``rapport_scorer_queue_wait_seconds{queue}``: time from submission to the start of the batch.
- ``rapport_scorer_messages_total{outcome}``: agent messages by outcome
  (scored, duplicate, skipped, invalid).
- ``rapport_scorer_consumer_lag``: records behind the end of the assigned partitions.
- ``rapport_scorer_model_info{version, dtype, device, compiled}``: always 1; joins dashboards to a
  model (``compiled``: whether the encoder runs TorchInductor-compiled, "true"/"false").

Labels are fixed, small sets created up front: never agent, conversation or message ids.
"""

from __future__ import annotations

from typing import Literal

from prometheus_client import Counter, Gauge, Histogram, Info

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
    "assigned partitions of support.interactions.v1.",
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


def observe_stage(stage: Stage, seconds: float) -> None:
    STAGE_DURATION.labels(stage).observe(seconds)


def count_messages(outcome: Outcome, count: int = 1) -> None:
    if count:
        MESSAGES.labels(outcome).inc(count)


def set_model_info(*, version: str, dtype: str, device: str, compiled: bool) -> None:
    MODEL_INFO.info(
        {"version": version, "dtype": dtype, "device": device, "compiled": str(compiled).lower()}
    )
