"""Held-out evaluation of the model against the length and lexicon baselines, in one run.

Per dimension: applicability accuracy on every test example; Spearman between predicted and
labelled score on the examples where the dimension applies (the model's score before its own
applicability gate, so ranking and gating are measured separately); pairwise accuracy on the
contrast set. The same per channel. The model "beats" a baseline on a dimension when both its
Spearman and its pair accuracy are higher.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from tqdm import tqdm

from lab.scorer.baselines import BaselinePrediction, LengthBaseline, LexiconBaseline
from lab.scorer.dataset import ContrastPair, LabelledExample
from lab.scorer.metrics import accuracy, macro_f1, pair_accuracy, spearman
from services.scorer.model.rubric import CHANNELS, DIMENSIONS, VULNERABILITIES, overall_score
from services.scorer.model.schema import ScoreRequest, ScoreResult

METHODS: tuple[str, ...] = ("model", "length", "lexicon")
_SCORE_CHUNK = 256

Scorer = Callable[[Sequence[ScoreRequest]], list[ScoreResult]]


@dataclass(frozen=True)
class DimensionMetrics:
    applicable_n: int
    pairs_n: int
    applicability: dict[str, float]
    spearman: dict[str, float]
    pairs: dict[str, float]

    def model_beats_baselines(self) -> bool:
        return all(
            self.spearman["model"] > self.spearman[b] and self.pairs["model"] > self.pairs[b]
            for b in METHODS[1:]
        )


@dataclass(frozen=True)
class PairSummary:
    """Pair accuracy over every contrast pair (each judged on its own dimension), and over the
    pairs whose better reply is the shorter one (where a length habit would fail)."""

    overall: dict[str, float]
    shorter_better: dict[str, float]
    shorter_better_n: int


@dataclass(frozen=True)
class EvaluationReport:
    model_version: str
    test_n: int
    pairs_n: int
    dimensions: dict[str, DimensionMetrics]
    by_channel: dict[str, dict[str, DimensionMetrics]]
    signals: dict[str, float] = field(default_factory=dict)
    pair_summary: PairSummary | None = None
    # Per vulnerability type: precision, recall and how many customers disclosed it.
    vulnerability: dict[str, dict[str, float]] = field(default_factory=dict)

    def beats_baselines(self) -> dict[str, bool]:
        return {dim: m.model_beats_baselines() for dim, m in self.dimensions.items()}


def evaluate(
    score: Scorer,
    model_version: str,
    train: Sequence[LabelledExample],
    test: Sequence[LabelledExample],
    contrast: Sequence[ContrastPair],
    progress: bool = False,
) -> EvaluationReport:
    requests = [e.request for e in test]
    pair_requests = [p.better.request for p in contrast] + [p.worse.request for p in contrast]
    results = _score_all(score, requests + pair_requests, progress)
    test_results, pair_results = results[: len(test)], results[len(test) :]
    predictions: dict[str, list[BaselinePrediction]] = {
        "model": [_as_prediction(r) for r in test_results]
    }
    pair_predictions: dict[str, list[BaselinePrediction]] = {
        "model": [_as_prediction(r) for r in pair_results]
    }
    for baseline in (LengthBaseline().fit(train), LexiconBaseline().fit(train)):
        predictions[baseline.name] = baseline.predict(requests)
        pair_predictions[baseline.name] = baseline.predict(pair_requests)

    def metrics_for(test_rows: list[int], pair_rows: list[int]) -> dict[str, DimensionMetrics]:
        return {
            dim: _dimension_metrics(dim, test, contrast, predictions, pair_predictions, test_rows,
                                    pair_rows)
            for dim in DIMENSIONS
        }

    all_pairs = list(range(len(contrast)))
    by_channel = {
        channel: metrics_for(
            [i for i, e in enumerate(test) if e.request.channel == channel],
            [i for i, p in enumerate(contrast) if p.better.request.channel == channel],
        )
        for channel in CHANNELS
    }
    return EvaluationReport(
        model_version=model_version,
        test_n=len(test),
        pairs_n=len(contrast),
        dimensions=metrics_for(list(range(len(test))), all_pairs),
        by_channel=by_channel,
        signals=_signal_metrics(test, test_results),
        pair_summary=_pair_summary(contrast, pair_predictions),
        vulnerability=vulnerability_metrics(
            [e.vulnerability for e in test], [r.customer.vulnerability for r in test_results]),
    )


def _pair_summary(contrast: Sequence[ContrastPair],
                  pair_predictions: dict[str, list[BaselinePrediction]]) -> PairSummary:
    offset = len(contrast)
    shorter = [i for i, p in enumerate(contrast)
               if len(p.better.request.reply) < len(p.worse.request.reply)]

    def accuracy_over(rows: Sequence[int], method: str) -> float:
        predicted = pair_predictions[method]
        return pair_accuracy([predicted[i].scores[contrast[i].dimension] for i in rows],
                             [predicted[offset + i].scores[contrast[i].dimension] for i in rows])

    every = range(len(contrast))
    return PairSummary(
        overall={method: accuracy_over(every, method) for method in METHODS},
        shorter_better={method: accuracy_over(shorter, method) for method in METHODS},
        shorter_better_n=len(shorter),
    )


def vulnerability_metrics(truth: Sequence[str | None], predicted: Sequence[str | None]
                          ) -> dict[str, dict[str, float]]:
    """Precision and recall per disclosure type; "none" is the absence of a disclosure, so a
    type's false positives include customers who disclosed nothing (the invented disclosure
    that would make a suggestion mention a bereavement nobody had)."""
    metrics = {}
    for kind in VULNERABILITIES:
        tp = sum(t == kind and p == kind for t, p in zip(truth, predicted, strict=True))
        flagged = sum(p == kind for p in predicted)
        actual = sum(t == kind for t in truth)
        metrics[kind] = {
            "precision": tp / flagged if flagged else math.nan,
            "recall": tp / actual if actual else math.nan,
            "disclosed": float(actual),
            "flagged": float(flagged),
        }
    invented = sum(t is None and p is not None for t, p in zip(truth, predicted, strict=True))
    none_n = sum(t is None for t in truth)
    metrics["none"] = {"invented_rate": invented / none_n if none_n else math.nan,
                       "customers": float(none_n)}
    return metrics


def _score_all(score: Scorer, requests: list[ScoreRequest], progress: bool) -> list[ScoreResult]:
    results: list[ScoreResult] = []
    with tqdm(total=len(requests), desc="scoring", unit="msg", file=sys.stderr,
              disable=not progress) as bar:
        for start in range(0, len(requests), _SCORE_CHUNK):
            chunk = requests[start : start + _SCORE_CHUNK]
            results.extend(score(chunk))
            bar.update(len(chunk))
    return results


def _as_prediction(result: ScoreResult) -> BaselinePrediction:
    return BaselinePrediction(
        applicable={dim: result.scores[dim] is not None for dim in DIMENSIONS},
        scores=dict(result.unconditional_scores),
    )


def _dimension_metrics(
    dim: str,
    test: Sequence[LabelledExample],
    contrast: Sequence[ContrastPair],
    predictions: dict[str, list[BaselinePrediction]],
    pair_predictions: dict[str, list[BaselinePrediction]],
    test_rows: list[int],
    pair_rows: list[int],
) -> DimensionMetrics:
    applicable_rows = [i for i in test_rows if test[i].scores[dim] is not None]
    gold_applicable = [test[i].scores[dim] is not None for i in test_rows]
    gold_scores = [float(test[i].scores[dim] or 0.0) for i in applicable_rows]
    dim_pairs = [i for i in pair_rows if contrast[i].dimension == dim]
    offset = len(contrast)
    metrics: dict[str, dict[str, float]] = {"applicability": {}, "spearman": {}, "pairs": {}}
    for method in METHODS:
        rows = predictions[method]
        metrics["applicability"][method] = accuracy(
            gold_applicable, [rows[i].applicable[dim] for i in test_rows]
        )
        metrics["spearman"][method] = (
            spearman([rows[i].scores[dim] for i in applicable_rows], gold_scores)
            if len(applicable_rows) >= 3
            else math.nan
        )
        pair_rows_pred = pair_predictions[method]
        metrics["pairs"][method] = pair_accuracy(
            [pair_rows_pred[i].scores[dim] for i in dim_pairs],
            [pair_rows_pred[offset + i].scores[dim] for i in dim_pairs],
        )
    return DimensionMetrics(
        applicable_n=len(applicable_rows),
        pairs_n=len(dim_pairs),
        applicability=metrics["applicability"],
        spearman=metrics["spearman"],
        pairs=metrics["pairs"],
    )


def _signal_metrics(
    test: Sequence[LabelledExample], results: Sequence[ScoreResult]
) -> dict[str, float]:
    vulnerability_truth = [e.vulnerability or "none" for e in test]
    vulnerability_pred = [r.customer.vulnerability or "none" for r in results]
    gold_overall = [overall_score(e.scores) for e in test]
    emotion_truth = [e.emotion for e in test]
    emotion_pred = [r.customer.emotion for r in results]
    return {
        "emotion_accuracy": accuracy(emotion_truth, emotion_pred),
        "emotion_macro_f1": macro_f1(emotion_truth, emotion_pred),
        "intensity_spearman": spearman([r.customer.intensity for r in results],
                                       [e.intensity for e in test]),
        "vulnerability_macro_f1": macro_f1(vulnerability_truth, vulnerability_pred),
        "vulnerability_detection_accuracy": accuracy(
            [v != "none" for v in vulnerability_truth], [v != "none" for v in vulnerability_pred]
        ),
        "tone_raw_spearman": spearman([r.tone.raw for r in results], [e.tone_raw for e in test]),
        "tone_channel_adjusted_spearman": spearman(
            [r.tone.channel_adjusted for r in results], [e.tone_adjusted for e in test]
        ),
        "overall_spearman": spearman([r.overall for r in results], gold_overall),
    }
