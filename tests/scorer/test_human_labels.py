"""Human labels and agreement: the annotation format, its consensus, Krippendorff's alpha."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from lab.scorer.agreement import interval_alpha
from lab.scorer.human_labels import HumanLabelError, load_human_labels
from services.scorer.model.rubric import DIMENSIONS

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", the worked example with
# four observers, twelve units and missing values: alpha (interval) = 0.849.
KRIPPENDORFF_EXAMPLE = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]


def test_interval_alpha_matches_the_published_worked_example() -> None:
    assert interval_alpha(KRIPPENDORFF_EXAMPLE) == pytest.approx(0.849, abs=5e-4)


def test_perfect_agreement_is_one_and_unrelated_labels_are_near_zero() -> None:
    assert interval_alpha([[0.1, 0.5, 0.9, 0.2], [0.1, 0.5, 0.9, 0.2]]) == pytest.approx(1.0)
    assert math.isnan(interval_alpha([[0.5, 0.5], [0.5, 0.5]]))  # no variation: undefined
    reversed_alpha = interval_alpha([[0.0, 0.25, 0.75, 1.0], [1.0, 0.75, 0.25, 0.0]])
    assert reversed_alpha < 0


def annotation(annotator: str, labels: dict[str, float | None], raw: float) -> dict[str, object]:
    return {"id": "w-e1-001-a", "annotator": annotator, "channel": "chat",
            "customer": "My order 5531 never came.", "history": [],
            "reply": "I'm sorry, I've resent order 5531 by express; it arrives Friday.",
            "labels": labels, "tone": {"raw": raw, "channel_adjusted": labels["tone"]}}


def test_two_annotators_become_one_consensus_example_without_customer_signals(
        tmp_path: Path) -> None:
    first = dict.fromkeys(DIMENSIONS, 0.5) | {"boundaries": None, "exploration": None,
                                              "tone": 0.8}
    second = first | {"acknowledgment": 0.7, "exploration": 0.45, "tone": 0.6}
    path = tmp_path / "labels.jsonl"
    path.write_text("\n".join(json.dumps(record) for record in (
        annotation("a1", first, 0.8), annotation("a2", second, 0.6))) + "\n")
    (example,) = load_human_labels([path])
    assert example.scores["acknowledgment"] == pytest.approx(0.6)
    assert example.scores["boundaries"] is None
    assert example.scores["exploration"] == pytest.approx(0.45)  # one of two: a tie applies
    assert example.tone_raw == pytest.approx(0.7)
    assert example.scores["tone"] == pytest.approx(0.7)
    assert example.signals_known is False


def test_a_record_without_labels_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "labels.jsonl"
    path.write_text('{"id": "x", "annotator": "a1"}\n')
    with pytest.raises(HumanLabelError, match=r"labels.jsonl:1: missing"):
        load_human_labels([path])
