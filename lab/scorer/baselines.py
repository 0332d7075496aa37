"""The two baselines the model must beat, fitted on the same training split in the same run.

- Length: reply length in words, fed to a least-squares line per dimension; applicability is the
  training majority. If a model is only rewarding length, it cannot beat this.
- Lexicon: counts of rubric keywords (apology words, "I will", time words, question marks,
  refusal words, warm and hostile words...) in the reply and the customer message, fed to ridge
  regression per dimension, and ridge on the same counts for applicability. If stock phrases were
  enough to score well, this would win.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import torch

from lab.scorer.dataset import LabelledExample
from services.scorer.model.rubric import DIMENSIONS
from services.scorer.model.schema import ScoreRequest

REPLY_LEXICON: dict[str, tuple[str, ...]] = {
    "apology": ("sorry", "apolog", "regret"),
    "empathy": ("understand", "frustrat", "hear", "imagine", "feel", "worr", "disappoint",
                "annoy", "stress", "confus", "letdown"),
    "ownership": ("i'll", "i will", "i've", "i have", "let me", "leave this with me",
                  "personally", "myself"),
    "deflection": ("contact", "department", "relevant team", "responsib", "forwarded",
                   "passed to"),
    "time": ("today", "tomorrow", "tonight", "within", "hour", "minute", "monday", "tuesday",
             "wednesday", "thursday", "friday", "saturday", "sunday", " am", " pm", "by "),
    "question": ("?",),
    "open_question": ("could you tell", "what ", "how ", "which ", "describe", "walk me through"),
    "refusal": ("can't", "cannot", "not able", "unable", "not possible", "policy", "afraid",
                "denied"),
    "alternative": ("instead", "what i can do", "alternatively", "option", "can offer"),
    "warm": ("thank", "glad", "happy", "pleasure", "welcome", "care", "great", "lovely"),
    "hostile": ("unfortunately", "should have", "your side", "already explained", "did nothing",
                "noted", "refer to", "survive", "congratulations"),
    "second_person": ("you", "your"),
    "specifics": (),  # digits, counted separately
}
CUSTOMER_LEXICON: dict[str, tuple[str, ...]] = {
    "problem": ("broken", "cracked", "late", "missing", "wrong", "didn't", "never", "still",
                "cancelled", "failed", "down", "charged", "no ", "not "),
    "request": ("refund", "waive", "exception", "can i", "can you", "want", "free", "back"),
    "question": ("?", "why", "which", "what", "how"),
    "praise": ("thank", "great", "love", "brilliant", "amazing", "kind"),
}
_DIGITS = re.compile(r"\d+")
_RIDGE = 1.0


@dataclass(frozen=True)
class BaselinePrediction:
    """Scores are unclipped: clipping would only add ties and lower the baselines' rankings."""

    applicable: dict[str, bool]
    scores: dict[str, float]


class LengthBaseline:
    name = "length"

    def __init__(self) -> None:
        self._lines: dict[str, tuple[float, float]] = {}
        self._majority: dict[str, bool] = {}

    def fit(self, examples: Sequence[LabelledExample]) -> LengthBaseline:
        for dim in DIMENSIONS:
            rows = [(self._feature(e.request), _score(e, dim)) for e in examples]
            labelled = [(x, y) for x, y in rows if y is not None]
            self._lines[dim] = _line([x for x, _ in labelled], [y for _, y in labelled])
            self._majority[dim] = 2 * len(labelled) >= len(examples)
        return self

    def predict(self, requests: Sequence[ScoreRequest]) -> list[BaselinePrediction]:
        predictions = []
        for request in requests:
            x = self._feature(request)
            scores = {dim: a + b * x for dim, (a, b) in self._lines.items()}
            predictions.append(BaselinePrediction(dict(self._majority), scores))
        return predictions

    @staticmethod
    def _feature(request: ScoreRequest) -> float:
        return math.log1p(len(request.reply.split()))


class LexiconBaseline:
    name = "lexicon"

    def __init__(self) -> None:
        self._score_weights: dict[str, torch.Tensor] = {}
        self._applicability_weights: dict[str, torch.Tensor] = {}

    def fit(self, examples: Sequence[LabelledExample]) -> LexiconBaseline:
        features = torch.stack([lexicon_features(e.request) for e in examples])
        for dim in DIMENSIONS:
            targets = [_score(e, dim) for e in examples]
            rows = [i for i, y in enumerate(targets) if y is not None]
            self._score_weights[dim] = _ridge(
                features[rows], torch.tensor([targets[i] for i in rows], dtype=torch.float64)
            )
            applicable = torch.tensor([float(y is not None) for y in targets], dtype=torch.float64)
            self._applicability_weights[dim] = _ridge(features, applicable)
        return self

    def predict(self, requests: Sequence[ScoreRequest]) -> list[BaselinePrediction]:
        features = torch.stack([lexicon_features(r) for r in requests])
        scores = {dim: (features @ w).tolist() for dim, w in self._score_weights.items()}
        applicable = {
            dim: (features @ w).tolist() for dim, w in self._applicability_weights.items()
        }
        return [
            BaselinePrediction(
                applicable={dim: applicable[dim][i] >= 0.5 for dim in DIMENSIONS},
                scores={dim: scores[dim][i] for dim in DIMENSIONS},
            )
            for i in range(len(requests))
        ]


def lexicon_features(request: ScoreRequest) -> torch.Tensor:
    reply = request.reply.lower()
    customer = " ".join([request.customer, *(t.text for t in request.history)]).lower()
    values = [1.0]  # intercept
    for category, words in REPLY_LEXICON.items():
        count = len(_DIGITS.findall(reply)) if category == "specifics" else _count(reply, words)
        values.append(math.log1p(count))
    values.extend(math.log1p(_count(customer, words)) for words in CUSTOMER_LEXICON.values())
    return torch.tensor(values, dtype=torch.float64)


def _count(text: str, words: tuple[str, ...]) -> int:
    return sum(text.count(word) for word in words)


def _score(example: LabelledExample, dim: str) -> float | None:
    return example.scores[dim]


def _ridge(features: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    gram = features.T @ features + _RIDGE * torch.eye(features.shape[1], dtype=torch.float64)
    weights: torch.Tensor = torch.linalg.solve(gram, features.T @ targets)
    return weights


def _line(x: Sequence[float], y: Sequence[float]) -> tuple[float, float]:
    n = len(x)
    if n < 2:
        return (sum(y) / max(n, 1), 0.0)
    mean_x, mean_y = sum(x) / n, sum(y) / n
    var = sum((a - mean_x) ** 2 for a in x)
    if var == 0:
        return (mean_y, 0.0)
    slope = sum((a - mean_x) * (b - mean_y) for a, b in zip(x, y, strict=True)) / var
    return (mean_y - slope * mean_x, slope)

