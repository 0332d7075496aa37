"""The floor any scorer pays: one forward pass of the same encoder over the reply text alone.

``BareEncoder`` stands in for the scorer behind the same ``ServiceBatches`` (same inference
thread, same stream chunks, same thread count), and runs the scorer's own encoder object: the
same precision, the same compiled graphs. Per chunk it tokenizes the replies (included in its
time: every scorer has to), pads them into length buckets of the scorer's batch size and runs
the encoder; no customer side, no pooling, heads or results. So "model only / bare encoder"
says what the scorer costs beyond reading the reply once, on whatever machine it ran.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

import torch

from services.scorer.model.features import length_buckets, padded_width
from services.scorer.model.layered import Pause
from services.scorer.model.tokenizing import MAX_REPLY_TOKENS
from services.scorer.scoring_model import ScoreRequest, ScoreResult

if TYPE_CHECKING:
    from services.scorer.model import EmpathyScorer


class BareEncoder:
    """A ``BatchScorer`` whose results are placeholders: only its time means anything."""

    def __init__(self, scorer: EmpathyScorer) -> None:
        self._scorer = scorer
        self.model_version = f"bare encoder of {scorer.model_version}"
        self.dtype_name = scorer.dtype_name
        self.device_name = scorer.device_name
        self.compiled = scorer.compiled

    def score_batch(
        self, requests: Sequence[ScoreRequest], timings: dict[str, float] | None = None,
        pause: Pause | None = None,
    ) -> list[ScoreResult]:
        tokenizer = self._scorer.tokenizer
        # [CLS] reply [SEP], the reply cut where the scorer cuts it.
        rows = [[tokenizer.cls_id, *ids[:MAX_REPLY_TOKENS], tokenizer.sep_id]
                for ids in tokenizer.token_ids([request.reply for request in requests])]
        with torch.inference_mode():
            for bucket in length_buckets([len(row) for row in rows],
                                         self._scorer.max_batch_size):
                self._scorer.encoder(**_padded([rows[i] for i in bucket], tokenizer.pad_id,
                                               self.device_name), pause=pause)
        # The scheduler hands each job its result; nobody reads these.
        return cast(list[ScoreResult], [None] * len(requests))


def _padded(rows: list[list[int]], pad_id: int, device: str) -> dict[str, torch.Tensor]:
    """As the scorer pads (``features.batch_inputs``): widths rounded up to reuse kernels."""
    width = padded_width(max(len(row) for row in rows))
    input_ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    attention = torch.zeros((len(rows), width), dtype=torch.long)
    for index, row in enumerate(rows):
        input_ids[index, : len(row)] = torch.tensor(row)
        attention[index, : len(row)] = 1
    return {"input_ids": input_ids.to(device),
            "token_type_ids": torch.zeros_like(input_ids).to(device),
            "attention_mask": attention.to(device)}
