"""Training targets as tensors, and the multi-task loss over the heads' outputs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields

import torch
from torch.nn import functional

from lab.scorer.dataset import LabelledExample
from services.scorer.model.heads import HeadOutputs
from services.scorer.model.rubric import DIMENSIONS, EMOTIONS, VULNERABILITIES

TONE_INDEX = DIMENSIONS.index("tone")


@dataclass(frozen=True)
class Targets:
    applicable: torch.Tensor  # [N, D] 0/1
    scores: torch.Tensor  # [N, D] in [0,1]; "tone" column = raw tone; 0 where not applicable
    channel_fit: torch.Tensor  # [N]
    tone_adjusted: torch.Tensor  # [N]
    emotion: torch.Tensor  # [N] long
    intensity: torch.Tensor  # [N]
    vulnerability: torch.Tensor  # [N] long, 0 = none
    signals_known: torch.Tensor  # [N] 0/1: whether emotion, intensity, vulnerability are labelled

    def select(self, index: torch.Tensor) -> Targets:
        return Targets(**{f.name: getattr(self, f.name)[index] for f in fields(self)})


def build_targets(examples: Sequence[LabelledExample]) -> Targets:
    applicable = [[float(e.scores[d] is not None) for d in DIMENSIONS] for e in examples]
    scores = [[float(e.scores[d] or 0.0) for d in DIMENSIONS] for e in examples]
    for row, example in zip(scores, examples, strict=True):
        row[TONE_INDEX] = example.tone_raw
    fit = [
        min(1.0, e.tone_adjusted / e.tone_raw) if e.tone_raw > 1e-6 else 1.0 for e in examples
    ]
    return Targets(
        applicable=torch.tensor(applicable),
        scores=torch.tensor(scores),
        channel_fit=torch.tensor(fit),
        tone_adjusted=torch.tensor([e.tone_adjusted for e in examples]),
        emotion=torch.tensor([EMOTIONS.index(e.emotion) for e in examples]),
        intensity=torch.tensor([e.intensity for e in examples]),
        vulnerability=torch.tensor(
            [0 if e.vulnerability is None else 1 + VULNERABILITIES.index(e.vulnerability)
             for e in examples]
        ),
        signals_known=torch.tensor([float(e.signals_known) for e in examples]),
    )


def multitask_loss(outputs: HeadOutputs, targets: Targets) -> tuple[torch.Tensor, dict[str, float]]:
    """Sum of the per-task losses; scores are learnt only where the dimension applies."""
    applicability = functional.binary_cross_entropy_with_logits(
        outputs.applicability_logits, targets.applicable
    )
    per_score = functional.binary_cross_entropy_with_logits(
        outputs.score_logits, targets.scores, reduction="none"
    )
    score = (per_score * targets.applicable).sum() / targets.applicable.sum().clamp(min=1.0)
    fit = functional.binary_cross_entropy_with_logits(
        outputs.channel_fit_logit, targets.channel_fit
    )
    known = targets.signals_known
    known_n = known.sum().clamp(min=1.0)
    emotion = (functional.cross_entropy(outputs.emotion_logits, targets.emotion,
                                        reduction="none") * known).sum() / known_n
    intensity = (functional.binary_cross_entropy_with_logits(
        outputs.intensity_logit, targets.intensity, reduction="none") * known).sum() / known_n
    vulnerability = (functional.cross_entropy(outputs.vulnerability_logits,
                                              targets.vulnerability, reduction="none")
                     * known).sum() / known_n
    parts = {
        "applicability": applicability,
        "score": 2.0 * score,
        "channel_fit": fit,
        "emotion": emotion,
        "intensity": intensity,
        "vulnerability": vulnerability,
    }
    total = torch.stack(list(parts.values())).sum()
    return total, {name: float(value.detach()) for name, value in parts.items()}
