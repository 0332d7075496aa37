"""Human agreement: Krippendorff's alpha between annotators, and the model against them.

A model cannot be judged beyond the agreement of the people who labelled its test set, so the
evaluation reports, per dimension, on the same interval scale:

- alpha between the two blind annotators (how far people agree);
- alpha between the model and the annotators' consensus (their mean), on the replies where the
  consensus says the dimension applies; the model's score there is its score before its own
  applicability gate, so every such reply counts;
- alpha between the model and each annotator alone, which is the fairer comparison with the
  first figure (a consensus is less noisy than one person) and is printed beside it.

A null ("does not apply") is a missing value for alpha: applicability is reported separately as
the share of replies on which the two annotators agree that a dimension applies.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import krippendorff
import numpy as np

from lab.scorer.human_labels import merged_scores, read_annotations
from services.scorer.model.rubric import DIMENSIONS
from services.scorer.model.schema import ScoreRequest, ScoreResult, Turn


@dataclass(frozen=True)
class AnnotatedReply:
    id: str
    request: ScoreRequest
    by_annotator: dict[str, dict[str, float | None]]  # annotator -> dimension -> score

    def consensus(self) -> dict[str, float | None]:
        return merged_scores([{"labels": labels} for labels in self.by_annotator.values()])


@dataclass(frozen=True)
class DimensionAgreement:
    replies: int  # replies with a consensus score
    annotators_alpha: float
    model_consensus_alpha: float
    model_annotator_alpha: dict[str, float]
    applicability_agreement: float


def load_annotated(paths: Sequence[Path]) -> list[AnnotatedReply]:
    """Replies labelled by at least two annotators, in first-seen order."""
    grouped: dict[str, AnnotatedReply] = {}
    for path in paths:
        for record in read_annotations(path):
            labels = {**record["labels"], "tone": record["tone"]["channel_adjusted"]}
            reply = grouped.get(record["id"])
            if reply is None:
                request = ScoreRequest(
                    channel=record["channel"], customer=record["customer"],
                    reply=record["reply"],
                    history=tuple(Turn(t["role"], t["text"]) for t in record.get("history", [])))
                reply = grouped[record["id"]] = AnnotatedReply(record["id"], request, {})
            reply.by_annotator[record["annotator"]] = labels
    return [reply for reply in grouped.values() if len(reply.by_annotator) >= 2]


def interval_alpha(rows: Sequence[Sequence[float | None]]) -> float:
    """Krippendorff's alpha (interval) over coders x units; None is a missing value."""
    data = np.array([[math.nan if v is None else v for v in row] for row in rows], dtype=float)
    pairable = np.sum(~np.isnan(data), axis=0) >= 2
    if pairable.sum() < 2 or np.nanstd(data[:, pairable]) == 0:
        return math.nan
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="interval"))


def agreement(replies: Sequence[AnnotatedReply], results: Sequence[ScoreResult]
              ) -> dict[str, DimensionAgreement]:
    annotators = sorted({name for reply in replies for name in reply.by_annotator})
    report = {}
    for dim in DIMENSIONS:
        people = [[reply.by_annotator.get(name, {}).get(dim) for reply in replies]
                  for name in annotators]
        consensus = [reply.consensus()[dim] for reply in replies]
        model = [result.unconditional_scores[dim] if agreed is not None else None
                 for result, agreed in zip(results, consensus, strict=True)]
        if dim == "tone":  # the model's reported tone is the channel-adjusted one
            model = [result.tone.channel_adjusted if agreed is not None else None
                     for result, agreed in zip(results, consensus, strict=True)]
        report[dim] = DimensionAgreement(
            replies=sum(value is not None for value in consensus),
            annotators_alpha=interval_alpha(people),
            model_consensus_alpha=interval_alpha([model, consensus]),
            model_annotator_alpha={name: interval_alpha([model, row])
                                   for name, row in zip(annotators, people, strict=True)},
            applicability_agreement=_applicability_agreement(replies, dim),
        )
    return report


def _applicability_agreement(replies: Sequence[AnnotatedReply], dim: str) -> float:
    """Share of replies on which every annotator who labelled it agrees whether ``dim``
    applies."""
    if not replies:
        return math.nan
    same = sum(len({labels.get(dim) is None for labels in reply.by_annotator.values()}) == 1
               for reply in replies)
    return same / len(replies)


def format_agreement(report: dict[str, DimensionAgreement]) -> str:
    lines = ["| dimension | replies | annotators α | model vs consensus α | model vs each α | "
             "applicability agreement | model within human disagreement |",
             "|---|---|---|---|---|---|---|"]
    for dim, row in report.items():
        each = " / ".join(_number(v) for v in row.model_annotator_alpha.values())
        within = row.model_consensus_alpha >= row.annotators_alpha
        lines.append(f"| {dim} | {row.replies} | {_number(row.annotators_alpha)} | "
                     f"{_number(row.model_consensus_alpha)} | {each} | "
                     f"{_number(row.applicability_agreement)} | {'yes' if within else 'NO'} |")
    return "\n".join(lines)


def _number(value: float) -> str:
    return "–" if math.isnan(value) else f"{value:.3f}"
