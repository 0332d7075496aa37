"""Model-only throughput: requests through ``ServiceBatches``, as the service's stream runs them.

The requests go in as the consumer would hand them over (polls of ``max_poll_records``), each
poll sorted by length and cut into the stream's chunks on an inference thread of its own. What
the end-to-end run adds to this is Kafka, the database and HTTP; what this adds to the bare
encoder (run the same way, ``bare_encoder.py``) is the scorer's own work.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from services.scorer.scoring_model import BatchScorer, Pause, ScoreRequest, ScoreResult
from services.scorer.service_batches import ServiceBatches
from services.scorer.settings import ScorerSettings

POLL_SIZE = int(ScorerSettings.model_fields["max_poll_records"].default)
WARM_UP_REQUESTS = 200  # untimed first: oneDNN picks its kernels per tensor shape


@dataclass(frozen=True)
class ModelRun:
    requests: int
    seconds: float
    stages_s: dict[str, float]

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def share(self, stage: str) -> float:
        return self.stages_s.get(stage, 0.0) / self.seconds


class StageClock:
    """A ``BatchScorer`` that passes calls through and sums the per-stage seconds they report."""

    def __init__(self, inner: BatchScorer) -> None:
        self._inner = inner
        self.model_version = inner.model_version
        self.dtype_name = inner.dtype_name
        self.device_name = inner.device_name
        self.compiled = inner.compiled
        self.stages_s: defaultdict[str, float] = defaultdict(float)

    def score_batch(
        self, requests: Sequence[ScoreRequest], timings: dict[str, float] | None = None,
        pause: Pause | None = None,
    ) -> list[ScoreResult]:
        own: dict[str, float] = {}
        results = self._inner.score_batch(requests, own, pause)
        for stage, seconds in own.items():
            self.stages_s[stage] += seconds
        if timings is not None:
            timings.update(own)
        return results


def service_path_rate(scorer: BatchScorer, requests: list[ScoreRequest], *,
                      torch_threads: int) -> ModelRun:
    """Messages per second through ``ServiceBatches``, after an untimed warm-up."""
    clock = StageClock(scorer)
    with ServiceBatches(clock, torch_threads) as batches:
        batches.score(requests[:WARM_UP_REQUESTS])
        clock.stages_s.clear()
        started = time.perf_counter()
        # All polls queued at once: the inference thread never waits for the next one.
        futures = [future for start in range(0, len(requests), POLL_SIZE)
                   for future in batches.submit(requests[start:start + POLL_SIZE])]
        for future in futures:
            future.result()
        seconds = time.perf_counter() - started
    return ModelRun(len(requests), seconds, dict(clock.stages_s))
