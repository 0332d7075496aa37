"""The service's view of the empathy model: one protocol, one loader (also the CLI's and bench's).

Everything else in the service depends on ``BatchScorer`` rather than on the model package, so
the scheduler and the stream can be tested with a stand-in and the model can change inside.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import torch

from services.scorer.model.layered import Pause
from services.scorer.model.schema import ScoreRequest, ScoreResult, Turn
from services.scorer.settings import ScorerSettings

if TYPE_CHECKING:
    from services.scorer.model import EmpathyScorer

__all__ = ["BatchScorer", "Pause", "ScoreRequest", "ScoreResult", "Turn", "describe_model",
           "load_model", "load_scorer"]

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
    return load_model(
        artifact_dir=settings.artifact_dir, device=settings.device, dtype=settings.dtype,
        compile=settings.compile, torch_threads=settings.torch_threads,
        # The inference scheduler runs small live batches on one thread (``threads_for``).
        team_sizes=(1, settings.torch_threads),
    )


def load_model(
    *, artifact_dir: Path | None, device: str | None, dtype: str, compile: str,
    torch_threads: int, team_sizes: Sequence[int] = (),
) -> EmpathyScorer:
    """The one way a Rapport process loads the model: the service (stream and live scoring), the
    batch CLI and the benchmark, so that all of them pick the same precision and compile choice
    (``dtype``/``compile`` ``auto``: bf16, compiled, on CPUs with AMX; fp32, eager, elsewhere,
    CUDA included) and run at the same speed.

    Takes explicit values rather than ``ScorerSettings``, so that offline tools need none of the
    service's secrets. ``team_sizes``: the torch thread counts the caller will run the model
    with (a compiled encoder is warmed up for each); default ``torch_threads`` alone.
    """
    from services.scorer.model import EmpathyScorer  # heavy import, kept out of module import

    configure_torch_threads(torch_threads)
    scorer = EmpathyScorer.load(
        artifact_dir=artifact_dir, device=device, dtype=dtype, compile=compile,
        team_sizes=tuple(team_sizes) or (torch_threads,),
    )
    log.info("%s", describe_model(scorer, torch_threads))
    return scorer


def describe_model(scorer: BatchScorer, torch_threads: int) -> str:
    """One line saying what was loaded and how it runs, for logs and the CLI's stderr."""
    how = "compiled" if scorer.compiled else "eager"
    return (f"model {scorer.model_version} on {scorer.device_name}, {scorer.dtype_name}, {how}, "
            f"{torch_threads} torch thread{'s' if torch_threads != 1 else ''}")
