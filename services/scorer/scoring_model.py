"""The service's view of the empathy model: one protocol, one loader.

Everything else in the service depends on ``BatchScorer`` rather than on the model package, so
the scheduler and the stream can be tested with a stand-in and the model can change inside.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence
from typing import Protocol

import torch

from services.scorer.model.layered import Pause
from services.scorer.model.schema import ScoreRequest, ScoreResult, Turn
from services.scorer.settings import ScorerSettings

__all__ = ["BatchScorer", "Pause", "ScoreRequest", "ScoreResult", "Turn", "load_scorer"]

log = logging.getLogger(__name__)


class BatchScorer(Protocol):
    model_version: str
    dtype_name: str
    device_name: str
    compiled: bool  # the encoder runs TorchInductor-compiled

    def score_batch(
        self, requests: Sequence[ScoreRequest], timings: dict[str, float] | None = None,
        pause: Pause | None = None,
    ) -> list[ScoreResult]:
        """Results in request order; fills ``tokenize_s``, ``inference_s``, ``postprocess_s``.
        Calls ``pause`` now and then; whatever it does does not change the results."""
        ...


def configure_torch_threads(threads: int) -> None:
    """One intra-op pool sized to the cores; inter-op parallelism buys nothing for one model."""
    torch.set_num_threads(threads)
    # Raises once the pool exists (a second app in one test session); the first setting holds.
    with contextlib.suppress(RuntimeError):
        torch.set_num_interop_threads(1)


def set_intra_op_threads(threads: int) -> None:
    """For the calling thread's next torch operations (the inference thread calls it per batch)."""
    torch.set_num_threads(threads)


def load_scorer(settings: ScorerSettings) -> BatchScorer:
    """Load the model once; seconds of work, done by the lifespan before the service is ready."""
    from services.scorer.model import EmpathyScorer  # heavy import, kept out of module import

    configure_torch_threads(settings.torch_threads)
    scorer: BatchScorer = EmpathyScorer.load(
        artifact_dir=settings.artifact_dir, device=settings.device, dtype=settings.dtype,
        compile=settings.compile,
        # The inference scheduler runs small live batches on one thread (``threads_for``).
        team_sizes=(1, settings.torch_threads),
    )
    log.info("model %s loaded on %s in %s%s with %d threads", scorer.model_version,
             scorer.device_name, scorer.dtype_name,
             " (compiled)" if scorer.compiled else "", settings.torch_threads)
    return scorer
