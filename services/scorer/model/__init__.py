"""The empathy scorer as the service runs it: loading, tokenizing, encoder, heads, evidence,
suggestions. Training, evaluation and data live in ``lab.scorer``, which nothing here imports.

Public interface (used by the scorer service and the batch CLI)::

    scorer = EmpathyScorer.load(artifact_dir=None, device=None, dtype="auto")
    results = scorer.score_batch([ScoreRequest(channel, customer, reply, history)], timings)
    results[0].to_dict()
"""

from __future__ import annotations

# isort: off
from services.scorer.model import offline  # noqa: F401  (must run before transformers loads)

# isort: on
from services.scorer.model.rubric import DIMENSIONS
from services.scorer.model.schema import (
    CustomerSignals,
    ScoreRequest,
    ScoreResult,
    Suggestion,
    ToneScores,
    Turn,
)
from services.scorer.model.scorer import EmpathyScorer

__all__ = [
    "DIMENSIONS",
    "CustomerSignals",
    "EmpathyScorer",
    "ScoreRequest",
    "ScoreResult",
    "Suggestion",
    "ToneScores",
    "Turn",
]
