"""A stand-in for the empathy model: deterministic, instant, and it remembers every call."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from services.scorer.model.schema import CustomerSignals, ScoreResult, ToneScores
from services.scorer.scoring_model import Pause, ScoreRequest
from shared.events.scores import DIMENSIONS


def fake_result(request: ScoreRequest, model_version: str = "fake-1") -> ScoreResult:
    # Scores that depend on the input, so a test can tell which request a result belongs to.
    level = (len(request.reply) % 90) / 100 + 0.05
    return ScoreResult(
        scores=dict.fromkeys(DIMENSIONS, level),
        overall=level,
        evidence={dimension: [request.reply[:40]] for dimension in DIMENSIONS},
        suggestions=[],
        customer=CustomerSignals(emotion="neutral", emotion_confidence=0.5, intensity=0.2,
                                 vulnerability=None),
        tone=ToneScores(raw=level, channel_adjusted=level),
        model_version=model_version,
    )


class FakeScorer:
    model_version = "fake-1"
    dtype_name = "fp32"
    device_name = "cpu"
    compiled = False

    def __init__(self, before_batch: Callable[[Sequence[ScoreRequest]], None] | None = None,
                 fail_on: str | None = None) -> None:
        self.batches: list[list[ScoreRequest]] = []
        self._before_batch = before_batch
        self._fail_on = fail_on
        self._lock = threading.Lock()

    def score_batch(self, requests: Sequence[ScoreRequest],
                    timings: dict[str, float] | None = None,
                    pause: Pause | None = None) -> list[ScoreResult]:
        with self._lock:
            self.batches.append(list(requests))
        if self._before_batch is not None:
            self._before_batch(requests)
        if self._fail_on is not None and any(self._fail_on in r.reply for r in requests):
            raise RuntimeError("the model cannot read this reply")
        if timings is not None:
            timings.update(tokenize_s=0.0, inference_s=0.0, postprocess_s=0.0)
        results = []
        for request in requests:  # pauses between results, as the model does
            if pause is not None:
                pause()
            results.append(fake_result(request, self.model_version))
        return results

    @property
    def scored_replies(self) -> list[str]:
        return [request.reply for batch in self.batches for request in batch]
