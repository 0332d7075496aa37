"""One encoder pass per batch of similar-length messages, pooled into head inputs.

Training (``lab.scorer.encoding``) computes the frozen encoder's outputs once for the whole
corpus with exactly this code, so fitting the heads takes minutes.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch

from services.scorer.model.pooling import SpanFeatures, pool_features
from services.scorer.model.tokenizing import TokenizedExample

__all__ = ["SpanFeatures", "batch_inputs", "encode_features", "length_buckets"]


def length_buckets(lengths: Sequence[int], batch_size: int) -> list[list[int]]:
    """Indices grouped into batches of similar length, so padding stays small."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]


# oneDNN builds its bf16 kernels per tensor shape; with a width of its own for nearly every batch
# it keeps building new ones. Rounding widths up wastes a few pad tokens and reuses kernels.
WIDTH_STEP = 16


def padded_width(longest: int) -> int:
    return -(-longest // WIDTH_STEP) * WIDTH_STEP


def batch_inputs(
    examples: Sequence[TokenizedExample], pad_id: int, device: str
) -> dict[str, torch.Tensor]:
    """Padded ``input_ids``, ``token_type_ids`` and ``attention_mask`` for one batch."""
    width = padded_width(max(example.length for example in examples))
    input_ids = torch.full((len(examples), width), pad_id, dtype=torch.long)
    type_ids = torch.zeros((len(examples), width), dtype=torch.long)
    attention = torch.zeros((len(examples), width), dtype=torch.long)
    for row, example in enumerate(examples):
        input_ids[row, : example.length] = torch.tensor(example.input_ids)
        type_ids[row, : example.length] = torch.tensor(example.token_type_ids)
        attention[row, : example.length] = 1
    return {
        "input_ids": input_ids.to(device),
        "token_type_ids": type_ids.to(device),
        "attention_mask": attention.to(device),
    }


def encode_features(
    encoder: torch.nn.Module,
    examples: Sequence[TokenizedExample],
    pad_id: int,
    device: str,
) -> SpanFeatures:
    """Encode one batch (already length-bucketed) and pool it; float32 on ``device``."""
    output = encoder(**batch_inputs(examples, pad_id, device))
    # Pooling and everything after it runs in float32: bf16 only speeds up the encoder's matmuls.
    return pool_features(output.last_hidden_state.float(), examples, device)
