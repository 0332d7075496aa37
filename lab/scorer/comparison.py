"""Comparing two runs of the scorer over the same requests (fp32 vs bf16, old vs new version)."""

from __future__ import annotations

from collections.abc import Sequence

from services.scorer.model.rubric import DIMENSIONS
from services.scorer.model.schema import ScoreResult


def max_abs_score_diff(a: Sequence[ScoreResult], b: Sequence[ScoreResult]) -> float:
    """Largest absolute difference over every dimension score both runs gave (non-null in both),
    ``overall`` and both tone values. Applicability flips are counted separately by
    ``applicability_disagreements``: a null has no numeric distance to a score.
    """
    if len(a) != len(b):
        raise ValueError(f"result lists differ in length: {len(a)} vs {len(b)}")
    largest = 0.0
    for left, right in zip(a, b, strict=True):
        pairs = [(left.overall, right.overall), (left.tone.raw, right.tone.raw),
                 (left.tone.channel_adjusted, right.tone.channel_adjusted)]
        for dim in DIMENSIONS:
            x, y = left.scores[dim], right.scores[dim]
            if x is not None and y is not None:
                pairs.append((x, y))
        largest = max([largest, *(abs(x - y) for x, y in pairs)])
    return largest


def score_gains(
    before: Sequence[ScoreResult], after: Sequence[ScoreResult]
) -> list[tuple[float, str, int]]:
    """``(after - before, what, index)`` for every dimension score non-null in both, raw tone and
    ``overall``, largest gain first: what padding (or any edit) did to each request's scores."""
    if len(before) != len(after):
        raise ValueError(f"result lists differ in length: {len(before)} vs {len(after)}")
    gains = []
    for index, (old, new) in enumerate(zip(before, after, strict=True)):
        for dim in DIMENSIONS:
            x, y = old.scores[dim], new.scores[dim]
            if x is not None and y is not None:
                gains.append((y - x, dim, index))
        gains.append((new.tone.raw - old.tone.raw, "tone.raw", index))
        gains.append((new.overall - old.overall, "overall", index))
    return sorted(gains, reverse=True)


def applicability_disagreements(a: Sequence[ScoreResult], b: Sequence[ScoreResult]) -> int:
    """Number of (result, dimension) cells that are null in one run and scored in the other."""
    return sum(
        (left.scores[dim] is None) != (right.scores[dim] is None)
        for left, right in zip(a, b, strict=True)
        for dim in DIMENSIONS
    )
