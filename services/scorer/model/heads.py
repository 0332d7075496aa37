"""The trainable part: small heads over the frozen encoder's span vectors.

Each reply target (the eight dimensions, with "tone" meaning raw tone, plus the channel-fit of the
reply) has its own attention over the reply's sentences, conditioned on the customer's side. The
attended vector feeds that target's score and applicability outputs, and the attention weights say
which sentences drove the score: evidence without a second pass.

Channel fit is ``sigmoid(content - length_penalty)`` where the penalty is a non-negative,
non-decreasing function of the reply's length per channel: length can make a reply too long for
SMS, but by construction it can never make any reply fit better.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn

from services.scorer.model.pooling import (
    CUSTOMER_AUX_FEATURES,
    REPLY_AUX_FEATURES,
    SpanFeatures,
)
from services.scorer.model.rubric import CHANNELS, DIMENSIONS, EMOTIONS, VULNERABILITIES

REPLY_TARGETS: tuple[str, ...] = (*DIMENSIONS, "channel_fit")
CUSTOMER_TARGETS: tuple[str, ...] = ("emotion", "intensity", "vulnerability")
_NEG_INF = -1e4


@dataclass(frozen=True)
class HeadConfig:
    hidden_size: int = 384
    sentence_width: int = 192
    context_width: int = 96
    channel_width: int = 16
    score_width: int = 64
    dropout: float = 0.2
    situation_dropout: float = 0.5

    def as_dict(self) -> dict[str, float]:
        return {key: float(value) for key, value in self.__dict__.items()}


@dataclass(frozen=True)
class HeadOutputs:
    applicability_logits: torch.Tensor  # [B, D]
    score_logits: torch.Tensor  # [B, D]; the "tone" column is raw tone
    channel_fit_logit: torch.Tensor  # [B]
    reply_attention: torch.Tensor  # [B, D + 1, S]
    emotion_logits: torch.Tensor  # [B, len(EMOTIONS)]
    intensity_logit: torch.Tensor  # [B]
    vulnerability_logits: torch.Tensor  # [B, 1 + len(VULNERABILITIES)]; column 0 = none
    customer_attention: torch.Tensor  # [B, 3, C]


class AttentionPool(nn.Module):
    """Additive attention with one learned query per target, conditioned on a context vector."""

    def __init__(self, item_width: int, context_width: int, queries: int, width: int = 64) -> None:
        super().__init__()
        self.item = nn.Linear(item_width, width)
        self.context = nn.Linear(context_width, width, bias=False)
        self.queries = nn.Parameter(torch.randn(queries, width) * width**-0.5)

    def forward(
        self, items: torch.Tensor, mask: torch.Tensor, context: torch.Tensor
    ) -> tuple[torch.Tensor, torch.Tensor]:
        keys = torch.tanh(self.item(items) + self.context(context).unsqueeze(1))  # [B, S, W]
        logits = torch.einsum("bsw,qw->bqs", keys, self.queries)
        logits = logits.masked_fill(~mask.unsqueeze(1), _NEG_INF)
        weights = torch.softmax(logits, dim=-1) * mask.unsqueeze(1)
        return torch.einsum("bqs,bsf->bqf", weights, items), weights


class EmpathyHeads(nn.Module):
    def __init__(self, config: HeadConfig | None = None) -> None:
        super().__init__()
        cfg = config or HeadConfig()
        self.config = cfg
        hidden, width, ctx = cfg.hidden_size, cfg.sentence_width, cfg.context_width
        dims = len(DIMENSIONS)
        self.dropout = nn.Dropout(cfg.dropout)
        # Applicability is learnt from few distinct situations; heavier dropout keeps it from
        # memorising them.
        self.situation_dropout = nn.Dropout(cfg.situation_dropout)
        self.channel_embedding = nn.Embedding(len(CHANNELS), cfg.channel_width)
        self.context = _block(hidden + cfg.channel_width, ctx)
        self.reply_sentence = _block(3 * hidden + REPLY_AUX_FEATURES, width)
        self.reply_pool = AttentionPool(width, ctx, len(REPLY_TARGETS))
        self.score_hidden = _GroupedLinear(dims, width + ctx, cfg.score_width)
        self.score_out = _GroupedLinear(dims, cfg.score_width, 1)
        self.applicability_hidden = _GroupedLinear(
            dims, 2 * width + cfg.channel_width, cfg.score_width
        )
        self.applicability_out = _GroupedLinear(dims, cfg.score_width, 1)
        self.fit_content = nn.Sequential(
            nn.Linear(width + cfg.channel_width, cfg.score_width), nn.GELU(),
            nn.Linear(cfg.score_width, 1),
        )
        self.fit_length_slope = nn.Parameter(torch.full((len(CHANNELS),), -3.0))
        self.fit_length_start = nn.Parameter(torch.full((len(CHANNELS),), 4.0))
        self.customer_sentence = _block(2 * hidden + CUSTOMER_AUX_FEATURES, width)
        # One query per customer signal plus one per dimension: whether a dimension applies is a
        # property of the situation, read from the customer's side.
        self.customer_pool = AttentionPool(
            width, cfg.channel_width, len(CUSTOMER_TARGETS) + len(DIMENSIONS)
        )
        self.emotion = nn.Linear(width + hidden, len(EMOTIONS))
        self.intensity = nn.Linear(width + hidden, 1)
        self.vulnerability = nn.Linear(width + hidden, 1 + len(VULNERABILITIES))

    def forward(self, features: SpanFeatures) -> HeadOutputs:
        channel = self.channel_embedding(features.channel)
        customer_vector = self.dropout(features.customer_vector)
        context = self.context(torch.cat([customer_vector, channel], -1))
        sentences = self.dropout(features.reply_sentences)
        # How each sentence relates to the customer's message, not only what it says.
        products = sentences[..., : self.config.hidden_size] * customer_vector.unsqueeze(1)
        reply_items = self.reply_sentence(
            torch.cat([sentences, products, features.reply_sentence_aux], -1)
        )
        pooled, reply_attention = self.reply_pool(
            reply_items, features.reply_sentence_mask, context
        )
        dims = len(DIMENSIONS)
        per_dim = torch.cat([pooled[:, :dims], context.unsqueeze(1).expand(-1, dims, -1)], -1)
        score_logits = self.score_out(nn.functional.gelu(self.score_hidden(per_dim))).squeeze(-1)
        fit_logit = self._channel_fit(pooled[:, dims], channel, features)

        customer_sentences = self.dropout(features.customer_sentences)
        customer_items = self.customer_sentence(
            torch.cat([customer_sentences, features.customer_sentence_aux], -1)
        )
        customer_pooled, customer_attention = self.customer_pool(
            customer_items, features.customer_sentence_mask, channel
        )
        signals_n = len(CUSTOMER_TARGETS)
        situation = torch.cat(
            [
                self.situation_dropout(customer_pooled[:, signals_n:]),
                self.situation_dropout(pooled[:, :dims]),
                channel.unsqueeze(1).expand(-1, dims, -1),
            ],
            -1,
        )
        applicability_logits = self.applicability_out(
            nn.functional.gelu(self.applicability_hidden(situation))
        ).squeeze(-1)
        signals = [
            torch.cat([customer_pooled[:, i], customer_vector], -1) for i in range(signals_n)
        ]
        return HeadOutputs(
            applicability_logits=applicability_logits,
            score_logits=score_logits,
            channel_fit_logit=fit_logit,
            reply_attention=reply_attention,
            emotion_logits=self.emotion(signals[0]),
            intensity_logit=self.intensity(signals[1]).squeeze(-1),
            vulnerability_logits=self.vulnerability(signals[2]),
            customer_attention=customer_attention[:, :signals_n],
        )

    def _channel_fit(
        self, pooled: torch.Tensor, channel: torch.Tensor, features: SpanFeatures
    ) -> torch.Tensor:
        content = self.fit_content(torch.cat([pooled, channel], -1)).squeeze(-1)
        slope = nn.functional.softplus(self.fit_length_slope[features.channel])
        start = self.fit_length_start[features.channel]
        overflow = nn.functional.relu(features.reply_log_tokens - start)
        adjusted: torch.Tensor = content - slope * overflow
        return adjusted


class _GroupedLinear(nn.Module):
    """One independent linear layer per dimension, applied in a single einsum."""

    def __init__(self, groups: int, inputs: int, outputs: int) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.randn(groups, inputs, outputs) * inputs**-0.5)
        self.bias = nn.Parameter(torch.zeros(groups, outputs))

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # x: [B, G, inputs]
        return torch.einsum("bgi,gio->bgo", x, self.weight) + self.bias


def _block(inputs: int, outputs: int) -> nn.Sequential:
    return nn.Sequential(nn.Linear(inputs, outputs), nn.GELU(), nn.LayerNorm(outputs))
