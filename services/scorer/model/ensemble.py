"""Several head sets over the one frozen encoder, trained from different seeds, averaged.

Why: a single head set's largest bf16-vs-fp32 difference and its largest gain from padding are each
set by one or two replies, and they move a lot from seed to seed on the same data (0.017-0.039 and
0.07-0.20 over four seeds); averaging independently trained members shrinks those outliers. The
encoder still runs once per message; only the heads (about 7 % of the inference thread) run once
per member.

Probabilities are averaged, not logits, so an ensemble's score is exactly the mean of its members'
scores: padding that raises no member's score cannot raise the ensemble's.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from services.scorer.model.heads import EmpathyHeads, HeadConfig, HeadOutputs
from services.scorer.model.pooling import SpanFeatures

# Keeps logit(mean probability) finite when every member is certain.
_PROBABILITY_EPS = 1e-7


class HeadEnsemble(nn.Module):
    def __init__(self, members: Sequence[EmpathyHeads]) -> None:
        super().__init__()
        if not members:
            raise ValueError("an ensemble needs at least one head set")
        self.members = nn.ModuleList(members)
        self.config: HeadConfig = members[0].config

    @classmethod
    def untrained(cls, size: int, config: HeadConfig) -> HeadEnsemble:
        return cls([EmpathyHeads(config) for _ in range(size)])

    def __len__(self) -> int:
        return len(self.members)

    def forward(self, features: SpanFeatures) -> HeadOutputs:
        outputs: list[HeadOutputs] = [member(features) for member in self.members]
        if len(outputs) == 1:
            return outputs[0]

        def field(name: str) -> list[torch.Tensor]:
            return [getattr(output, name) for output in outputs]

        return HeadOutputs(
            applicability_logits=_mean_sigmoid(field("applicability_logits")),
            score_logits=_mean_sigmoid(field("score_logits")),
            channel_fit_logit=_mean_sigmoid(field("channel_fit_logit")),
            reply_attention=torch.stack(field("reply_attention")).mean(0),
            emotion_logits=_mean_softmax(field("emotion_logits")),
            intensity_logit=_mean_sigmoid(field("intensity_logit")),
            vulnerability_logits=_mean_softmax(field("vulnerability_logits")),
            customer_attention=torch.stack(field("customer_attention")).mean(0),
        )


def _mean_sigmoid(logits: list[torch.Tensor]) -> torch.Tensor:
    """The logit of the members' mean probability (callers apply a sigmoid to it)."""
    mean = torch.stack([torch.sigmoid(x) for x in logits]).mean(0)
    return torch.logit(mean, eps=_PROBABILITY_EPS)


def _mean_softmax(logits: list[torch.Tensor]) -> torch.Tensor:
    """Log of the members' mean distribution: a softmax over it gives that distribution back."""
    return torch.stack([torch.softmax(x, -1) for x in logits]).mean(0).log()
