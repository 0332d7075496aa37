"""Model-only throughput: ``score_batch`` on the held-out requests, per dtype and batch order."""

from __future__ import annotations

import time
from dataclasses import dataclass

from bench.scorer.corpus import Example
from bench.scorer.variants import split_variant
from services.scorer.inference_scheduler import estimate_tokens
from services.scorer.scoring_model import BatchScorer, ScoreRequest, configure_torch_threads
from services.scorer.settings import ScorerSettings


@dataclass(frozen=True)
class ModelRun:
    dtype: str
    order: str
    requests: int
    seconds: float
    stages_s: dict[str, float]

    @property
    def rate(self) -> float:
        return self.requests / self.seconds


def run_model(examples: list[Example], *, dtype: str, torch_threads: int, batch_size: int,
              count: int) -> list[ModelRun]:
    from services.scorer.model import EmpathyScorer

    configure_torch_threads(torch_threads)
    artifact_dir = ScorerSettings().artifact_dir  # RAPPORT_SCORER_ARTIFACT_DIR, like the service
    dtype_name, compile_choice = split_variant(dtype)
    scorer: BatchScorer = EmpathyScorer.load(artifact_dir, dtype=dtype_name,
                                             compile=compile_choice)
    requests = [examples[i % len(examples)].request() for i in range(count)]
    scorer.score_batch(requests[:batch_size])  # warm-up: oneDNN picks its kernels per shape
    by_length = sorted(requests, key=estimate_tokens)
    return [_timed(scorer, dtype, "arrival", requests, batch_size),
            _timed(scorer, dtype, "by length", by_length, batch_size)]


def _timed(scorer: BatchScorer, dtype: str, order: str, requests: list[ScoreRequest],
           batch_size: int) -> ModelRun:
    stages: dict[str, float] = {"tokenize_s": 0.0, "inference_s": 0.0, "postprocess_s": 0.0}
    started = time.perf_counter()
    for start in range(0, len(requests), batch_size):
        timings: dict[str, float] = {}
        scorer.score_batch(requests[start:start + batch_size], timings)
        for key in stages:
            stages[key] += timings.get(key, 0.0)
    return ModelRun(dtype, order, len(requests), time.perf_counter() - started, stages)
