"""Scoring a list of requests the way the service's stream does, outside the service.

The batch CLI and the benchmark's model-only figure feed work to an ``InferenceScheduler`` of
their own, as the stream consumer does: each submission is sorted by estimated length and cut
into the stream's chunks (count and token caps from ``ScorerSettings``' defaults), run on the
inference thread with the stream's thread count. So the CLI scores as fast per message as the
service's model, and the benchmark's "model only" is the service minus Kafka and the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import Future
from types import TracebackType

from services.scorer.inference_scheduler import BatchPolicy, InferenceScheduler
from services.scorer.scoring_model import (
    BatchScorer,
    ScoreRequest,
    ScoreResult,
    set_intra_op_threads,
)
from services.scorer.settings import ScorerSettings


def stream_policy(torch_threads: int) -> BatchPolicy:
    """The service's stream chunking as configured by default, read without building settings
    (which would demand the service's secrets)."""
    fields = ScorerSettings.model_fields
    return BatchPolicy(
        stream_batch_size=int(fields["stream_batch_size"].default),
        stream_batch_tokens=int(fields["stream_batch_tokens"].default),
        threads=torch_threads,
    )


class ServiceBatches:
    """An inference thread fed stream work only; use as a context manager."""

    def __init__(self, scorer: BatchScorer, torch_threads: int) -> None:
        self._scheduler = InferenceScheduler(scorer, stream_policy(torch_threads),
                                             set_threads=set_intra_op_threads)

    def __enter__(self) -> ServiceBatches:
        self._scheduler.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self._scheduler.stop()

    def submit(self, requests: Sequence[ScoreRequest]) -> list[Future[ScoreResult]]:
        """One future per request, in request order; sorted by length and chunked inside."""
        return self._scheduler.submit_stream(requests)

    def score(self, requests: Sequence[ScoreRequest]) -> list[ScoreResult]:
        """Results in request order; raises the first failure."""
        return [future.result() for future in self.submit(requests)]
