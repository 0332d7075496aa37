"""The committed model beats the length and lexicon baselines on every dimension."""

from __future__ import annotations

import pytest

from lab.scorer.dataset import (
    DATA_DIR,
    SPLIT_FILES,
    LabelledExample,
    load_contrast,
    load_examples,
)
from lab.scorer.evaluation import EvaluationReport, evaluate
from lab.scorer.report import format_report
from services.scorer.model import EmpathyScorer
from services.scorer.model.rubric import DIMENSIONS


@pytest.fixture(scope="module")
def report(scorer: EmpathyScorer, test_split: list[LabelledExample]) -> EvaluationReport:
    return evaluate(
        scorer.score_batch,
        scorer.model_version,
        load_examples(DATA_DIR / SPLIT_FILES["train"]),
        test_split,
        load_contrast(DATA_DIR / "contrast.jsonl"),
    )


@pytest.mark.parametrize("dimension", DIMENSIONS)
def test_model_beats_both_baselines(report: EvaluationReport, dimension: str) -> None:
    metrics = report.dimensions[dimension]
    assert metrics.model_beats_baselines(), (
        f"{dimension}: Spearman {metrics.spearman}, pairs {metrics.pairs}"
    )


def test_report_prints_every_dimension_and_channel(report: EvaluationReport) -> None:
    text = format_report(report)
    for dimension in DIMENSIONS:
        assert f"| {dimension} |" in text
    for channel in ("email", "chat", "voice", "social", "sms"):
        assert f"Channel: {channel}" in text
    assert report.signals["emotion_macro_f1"] > 0.8
