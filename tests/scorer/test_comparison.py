"""Comparing two runs of the scorer: the gains an edit (such as padding) brings, largest first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import pytest

from lab.scorer.comparison import score_gains
from services.scorer.model import ScoreResult

CUSTOMER = "My parcel 4411 is a week late and it was a birthday present."
REPLY = "I'm sorry parcel 4411 is late for the birthday. I've asked the courier to deliver today."


def test_gains_are_per_score_largest_first_and_skip_dimensions_that_do_not_apply(
    score_one: Callable[..., ScoreResult],
) -> None:
    before = score_one("chat", CUSTOMER, REPLY)
    applicable = [dim for dim, value in before.scores.items() if value is not None]
    not_applicable = [dim for dim, value in before.scores.items() if value is None]
    assert applicable
    raised_dim = applicable[0]
    raised = dict(before.scores)
    raised[raised_dim] = (before.scores[raised_dim] or 0.0) + 0.25
    after = replace(before, scores=raised, overall=before.overall - 0.1)

    gains = score_gains([before, before], [before, after])
    assert gains[0] == pytest.approx((0.25, raised_dim, 1))
    assert gains[-1] == pytest.approx((-0.1, "overall", 1))
    # Each request: its applicable dimensions, raw tone and overall; nulls have no distance.
    assert len(gains) == 2 * (len(applicable) + 2)
    assert not any(what in not_applicable for _, what, _ in gains)


def test_runs_of_different_lengths_are_refused(score_one: Callable[..., ScoreResult]) -> None:
    result = score_one("chat", CUSTOMER, REPLY)
    with pytest.raises(ValueError, match="differ in length: 1 vs 2"):
        score_gains([result], [result, result])
