"""Agreement in a calibration circle: Krippendorff's alpha, the consensus, who disagreed most.

People rate on a five-step scale (0, 0.25, 0.5, 0.75, 1) or say a dimension does not apply
(null). Per dimension the circle sees:

- alpha (interval) between the reviewers, a null being a missing value, as in
  lab/scorer/agreement.py, so the coach's figures and the lab's agreement report mean the same;
- alpha between the model and the reviewers' consensus *on the same scale*: the model's score
  rounded to the nearest step, on the replies where the consensus says the dimension applies.

The consensus is lab/scorer/human_labels.py's rule, so a circle's view of "what the reviewers
said" is what training would learn from their labels: a dimension applies when most reviewers
say so (a tie: it applies) and its score is the mean of the scores given.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from statistics import mean

import krippendorff
import numpy as np

from shared.events.scores import DIMENSIONS

SCALE: tuple[float, ...] = (0.0, 0.25, 0.5, 0.75, 1.0)
Labels = Mapping[str, float | None]  # dimension -> score on SCALE, or None: does not apply


def on_scale(score: float | None) -> float | None:
    """The nearest step of SCALE (halfway rounds up), so a model score compares with people's."""
    if score is None:
        return None
    return min(SCALE, key=lambda step: (abs(step - score), -step))


def interval_alpha(rows: Sequence[Sequence[float | None]]) -> float | None:
    """Krippendorff's alpha (interval) over coders x units; None where it is undefined (fewer
    than two units rated by two coders, or no variation at all)."""
    data = np.array([[math.nan if v is None else v for v in row] for row in rows], dtype=float)
    if data.size == 0:
        return None
    pairable = np.sum(~np.isnan(data), axis=0) >= 2
    if pairable.sum() < 2 or np.nanstd(data[:, pairable]) == 0:
        return None
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="interval"))


def consensus(ratings: Sequence[Labels]) -> dict[str, float | None]:
    """The reviewers' consensus per dimension (lab/scorer/human_labels.merged_scores' rule)."""
    agreed: dict[str, float | None] = {}
    for dim in DIMENSIONS:
        given = [r[dim] for r in ratings if r.get(dim) is not None]
        applies = len(given) * 2 >= len(ratings)
        agreed[dim] = float(mean(v for v in given if v is not None)) if applies and given else None
    return agreed


def disagreement(ratings: Sequence[Labels]) -> float:
    """How far apart the reviewers were on one reply, 0 (all alike) to 1: per dimension the
    spread of the scores given, or 1 where they split on whether it applies; averaged."""
    if len(ratings) < 2:
        return 0.0
    spreads = []
    for dim in DIMENSIONS:
        given = [r[dim] for r in ratings if r.get(dim) is not None]
        if given and len(given) < len(ratings):
            spreads.append(1.0)
        elif given:
            spreads.append(max(v for v in given if v is not None)
                           - min(v for v in given if v is not None))
        else:
            spreads.append(0.0)
    return mean(spreads)


@dataclass(frozen=True)
class DimensionAgreement:
    dimension: str
    rated_replies: int  # replies whose consensus says the dimension applies
    reviewers_alpha: float | None
    model_alpha: float | None


@dataclass(frozen=True)
class RatedItem:
    model_scores: Labels
    # One per coder, in the same coder order for every item; None: that coder did not rate it.
    ratings: Sequence[Labels | None]

    def given(self) -> list[Labels]:
        return [labels for labels in self.ratings if labels is not None]


def circle_agreement(items: Sequence[RatedItem], coders: int) -> list[DimensionAgreement]:
    report = []
    agreed_by_item = [consensus(item.given()) for item in items]
    for dim in DIMENSIONS:
        people = [[_rating(item, coder, dim) for item in items] for coder in range(coders)]
        agreed = [agreed_item[dim] for agreed_item in agreed_by_item]
        model = [on_scale(item.model_scores.get(dim)) if value is not None else None
                 for item, value in zip(items, agreed, strict=True)]
        report.append(DimensionAgreement(
            dimension=dim, rated_replies=sum(value is not None for value in agreed),
            reviewers_alpha=interval_alpha(people), model_alpha=interval_alpha([model, agreed])))
    return report


def _rating(item: RatedItem, coder: int, dim: str) -> float | None:
    labels = item.ratings[coder] if coder < len(item.ratings) else None
    return None if labels is None else labels.get(dim)
