"""Pooling encoder token states into the span vectors the heads read.

Per message: a vector per reply sentence and per customer-side sentence (mean and max of its token
states), a mean vector of each side, and small per-sentence side features (lexical echo,
position). The same function pools the frozen encoder's output at scoring time and the fine-tuned
top layer's output during training.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace

import torch

from services.scorer.model.cues import CUE_NAMES, CUSTOMER_CUE_NAMES, customer_sentence_cues
from services.scorer.model.tokenizing import (
    MAX_CUSTOMER_SENTENCES,
    MAX_REPLY_SENTENCES,
    TokenizedExample,
)

# Per reply sentence: lexical echo (2), length, lexical cues. No position features: where a
# sentence sits changes when filler is wrapped around a reply, and a score must not.
REPLY_AUX_FEATURES = 3 + len(CUE_NAMES)
# Per customer-side sentence: latest message or earlier turn, agent turn, and the cues.
CUSTOMER_AUX_FEATURES = 2 + len(CUSTOMER_CUE_NAMES)


@dataclass(frozen=True)
class SpanFeatures:
    """Batched head inputs; every tensor's first dimension is the batch."""

    reply_sentences: torch.Tensor  # [B, S, 2H]: mean and max of each sentence's token states
    reply_sentence_mask: torch.Tensor  # [B, S] bool
    reply_sentence_aux: torch.Tensor  # [B, S, REPLY_AUX_FEATURES]
    customer_sentences: torch.Tensor  # [B, C, 2H]: mean and max of each sentence's token states
    customer_sentence_mask: torch.Tensor  # [B, C] bool
    customer_sentence_aux: torch.Tensor  # [B, C, CUSTOMER_AUX_FEATURES]
    customer_vector: torch.Tensor  # [B, H]
    reply_vector: torch.Tensor  # [B, H]
    reply_log_tokens: torch.Tensor  # [B]
    channel: torch.Tensor  # [B] long

    def select(self, index: torch.Tensor) -> SpanFeatures:
        return SpanFeatures(**{f.name: getattr(self, f.name)[index] for f in fields(self)})

    def trimmed(self) -> SpanFeatures:
        """The same batch without the trailing sentence slots none of its messages uses: the
        heads mask empty slots out of every attention, so the outputs stay the same and only
        the work shrinks (a batch of 128 replies uses about 14 of the 20 reply slots)."""
        reply = _slots_used(self.reply_sentence_mask)
        customer = _slots_used(self.customer_sentence_mask)
        return replace(
            self,
            reply_sentences=self.reply_sentences[:, :reply],
            reply_sentence_mask=self.reply_sentence_mask[:, :reply],
            reply_sentence_aux=self.reply_sentence_aux[:, :reply],
            customer_sentences=self.customer_sentences[:, :customer],
            customer_sentence_mask=self.customer_sentence_mask[:, :customer],
            customer_sentence_aux=self.customer_sentence_aux[:, :customer],
        )

    def to(self, device: str) -> SpanFeatures:
        return SpanFeatures(**{f.name: getattr(self, f.name).to(device) for f in fields(self)})

    def as_dict(self) -> dict[str, torch.Tensor]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @staticmethod
    def concat(parts: Sequence[SpanFeatures]) -> SpanFeatures:
        return SpanFeatures(
            **{f.name: torch.cat([getattr(p, f.name) for p in parts]) for f in fields(SpanFeatures)}
        )


def _slots_used(mask: torch.Tensor) -> int:
    """One past the last slot any row of ``mask`` ([B, S]) uses; at least one slot."""
    used = torch.nonzero(mask.any(0))
    return int(used.max()) + 1 if len(used) else 1


def pool_features(
    hidden: torch.Tensor, examples: Sequence[TokenizedExample], device: str
) -> SpanFeatures:
    """Pool ``hidden`` ([B, T, H] float32 states of one padded batch) into head inputs."""
    width = hidden.shape[1]
    reply_pool = _pooling_matrix(examples, width, MAX_REPLY_SENTENCES, _reply_groups).to(device)
    customer_pool = _pooling_matrix(
        examples, width, MAX_CUSTOMER_SENTENCES, _customer_groups
    ).to(device)
    side_pool = _pooling_matrix(examples, width, 2, _side_groups).to(device)
    sides = torch.bmm(side_pool, hidden)
    reply_max = _sentence_max(hidden, examples, _reply_groups, MAX_REPLY_SENTENCES)
    customer_max = _sentence_max(hidden, examples, _customer_groups, MAX_CUSTOMER_SENTENCES)
    return SpanFeatures(
        reply_sentences=torch.cat([torch.bmm(reply_pool, hidden), reply_max], -1),
        reply_sentence_mask=(reply_pool.sum(-1) > 0),
        reply_sentence_aux=_reply_aux(examples).to(device),
        customer_sentences=torch.cat([torch.bmm(customer_pool, hidden), customer_max], -1),
        customer_sentence_mask=(customer_pool.sum(-1) > 0),
        customer_sentence_aux=_customer_aux(examples).to(device),
        customer_vector=sides[:, 0],
        reply_vector=sides[:, 1],
        reply_log_tokens=torch.tensor(
            [math.log1p(e.reply_token_count) for e in examples], device=device
        ),
        channel=torch.tensor([e.channel_index for e in examples], device=device),
    )


def _sentence_max(
    hidden: torch.Tensor,
    examples: Sequence[TokenizedExample],
    group_of: Callable[[TokenizedExample], list[int]],
    count: int,
) -> torch.Tensor:
    """Max over each sentence's token states: one salient word ("cracked", "by Friday")
    survives a max where a mean would dilute it; 0 for a sentence slot the message lacks.

    Two ways to the same values, each fastest where it runs. Scoring: a max per sentence
    (sentences are contiguous token runs). Fine-tuning, where gradients flow: one
    ``scatter_reduce`` for the batch, because a max per sentence under autograd cost a
    full-size zero gradient per sentence in the backward pass (half of fine-tuning's time),
    while scoring it is six times slower than the loop."""
    if hidden.requires_grad:
        return _sentence_max_batched(hidden, examples, group_of, count)
    result = torch.zeros((len(examples), count, hidden.shape[-1]), device=hidden.device,
                         dtype=hidden.dtype)
    for row, example in enumerate(examples):
        groups = group_of(example)
        start = 0
        while start < len(groups):
            sentence, end = groups[start], start
            while end < len(groups) and groups[end] == sentence:
                end += 1
            if sentence >= 0:
                result[row, sentence] = hidden[row, start:end].amax(0)
            start = end
    return result


def _sentence_max_batched(
    hidden: torch.Tensor,
    examples: Sequence[TokenizedExample],
    group_of: Callable[[TokenizedExample], list[int]],
    count: int,
) -> torch.Tensor:
    """``_sentence_max`` in one operation: tokens outside every sentence ([CLS], [SEP], the other
    side, padding) go to a spare slot that is dropped."""
    batch, width, size = hidden.shape
    slots = torch.full((batch, width), count, dtype=torch.long)
    for row, example in enumerate(examples):
        groups = torch.tensor(group_of(example), dtype=torch.long)
        slots[row, : len(groups)] = torch.where(groups >= 0, groups, count)
    spread = slots.to(hidden.device).unsqueeze(-1).expand(-1, -1, size)
    result = torch.zeros((batch, count + 1, size), device=hidden.device, dtype=hidden.dtype)
    return result.scatter_reduce(1, spread, hidden, reduce="amax", include_self=False)[:, :count]


def _reply_groups(example: TokenizedExample) -> list[int]:
    return example.reply_sentence_of_token


def _customer_groups(example: TokenizedExample) -> list[int]:
    return example.customer_sentence_of_token


def _side_groups(example: TokenizedExample) -> list[int]:
    """0 for customer-side tokens, 1 for reply tokens, -1 for [CLS]/[SEP]."""
    separator = example.token_type_ids.index(1) - 1
    groups = [0 if 0 < i < separator else -1 for i in range(example.length)]
    for i in range(separator + 1, example.length - 1):
        groups[i] = 1
    return groups


def _pooling_matrix(
    examples: Sequence[TokenizedExample],
    width: int,
    groups: int,
    group_of: Callable[[TokenizedExample], list[int]],
) -> torch.Tensor:
    """[B, groups, width] row-normalised membership, so ``bmm`` with the states gives span means."""
    matrix = torch.zeros((len(examples), groups, width))
    for row, example in enumerate(examples):
        assignment = torch.tensor(group_of(example))
        positions = torch.nonzero(assignment >= 0).squeeze(-1)
        matrix[row, assignment[positions], positions] = 1.0
    counts = matrix.sum(-1, keepdim=True).clamp(min=1.0)
    return matrix / counts


def _reply_aux(examples: Sequence[TokenizedExample]) -> torch.Tensor:
    aux = torch.zeros((len(examples), MAX_REPLY_SENTENCES, REPLY_AUX_FEATURES))
    for row, example in enumerate(examples):
        count = len(example.reply_spans)
        tokens_per_sentence = [0] * count
        for sentence in example.reply_sentence_of_token:
            if sentence >= 0:
                tokens_per_sentence[sentence] += 1
        for i in range(count):
            echo_share, echo_mass = example.reply_echo[i]
            aux[row, i] = torch.tensor(
                [
                    echo_share,
                    echo_mass / 4.0,
                    math.log1p(tokens_per_sentence[i]) / 4.0,
                    *example.reply_cues[i],
                ]
            )
    return aux


def _customer_aux(examples: Sequence[TokenizedExample]) -> torch.Tensor:
    aux = torch.zeros((len(examples), MAX_CUSTOMER_SENTENCES, CUSTOMER_AUX_FEATURES))
    for row, example in enumerate(examples):
        for new_index, old_index in enumerate(example.customer_sentence_kept):
            aux[row, new_index, 0] = float(example.customer.is_latest[old_index])
            aux[row, new_index, 1] = float(example.customer.is_agent[old_index])
            start, end = example.customer.spans[old_index]
            cues = customer_sentence_cues(example.customer.text[start:end])
            aux[row, new_index, 2:] = torch.tensor(cues)
    return aux
